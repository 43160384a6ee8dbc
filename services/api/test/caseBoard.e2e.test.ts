import { afterAll, beforeAll, expect, it } from 'vitest';
import { personalData, victimFiling } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportation, projectionsCaughtUp } from './projectionsSupport';

let t: TestApp;
const ids: string[] = [];
beforeAll(async () => {
  t = await startTestApp({ workers: true });
  for (let day = 1; day <= 9; day++)
    ids.push(await deportation(t, `2019-0${day}-15T00:00:00Z`, { stage: day % 3 === 0 ? 'filed' : 'completed' }));
  const victim = await t.request('POST', '/v1/cases', {
    token: t.token('KH', 'officer'),
    body: { ...victimFiling, occurredAt: '2019-09-30T00:00:00Z' },
  });
  ids.push(victim.body.id);
  await projectionsCaughtUp(t);
});
afterAll(() => t.close());

const board = (query = '', token = t.token('KH', 'officer')) => t.request('GET', `/v1/cases${query}`, { token });

it('lists cases newest filing first, with what officers act on and no one’s personal data', async () => {
  const page = await board('?limit=50');
  expect(page.status).toBe(200);
  expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
  expect(page.body.nextCursor).toBeNull();
  const [victim, latest] = page.body.items;
  expect(victim).toMatchObject({
    kind: 'victim_repatriation',
    status: 'filed',
    requestingParty: 'KH',
    requestedParty: 'CN',
    offences: [],
    verificationDueBy: '2019-10-30T00:00:00.000Z',
  });
  const viewed = await t.request('GET', `/v1/cases/${latest.id}`, { token: t.token('CN', 'officer') });
  expect(latest).toMatchObject({
    status: viewed.body.status,
    version: viewed.body.version,
    filedAt: viewed.body.filedAt,
    completedAt: viewed.body.completedAt,
    offences: ['telecom_fraud'],
  });
  const text = JSON.stringify(page.body);
  for (const value of [...personalData, victimFiling.subject.names[0].value, 'Preah Sihanouk', 'GZ-PSB-2019-0042'])
    expect(text).not.toContain(value);
});

it('filters by status, kind and requesting party', async () => {
  expect((await board('?status=filed')).body.items).toHaveLength(4);
  expect((await board('?status=completed&kind=deportation')).body.items).toHaveLength(6);
  expect((await board('?party=KH')).body.items.map((c: { id: string }) => c.id)).toEqual([ids[9]]);
  expect((await board('?kind=extradition')).body.items).toEqual([]);
});

it('pages stably: no case twice or missed while cases are filed and move between pages', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await board(
      `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...page.body.items.map((c) => c.id));
    cursor = page.body.nextCursor;
    if (pages++ === 1) {
      // Meanwhile: a new case (newest), a back-dated one (among the pages already read) and a step.
      await deportation(t, '2019-12-01T00:00:00Z', { stage: 'filed' });
      await deportation(t, '2019-01-02T00:00:00Z', { stage: 'filed' });
      await t.request('POST', `/v1/cases/${ids[2]}/withdrawal`, {
        token: t.token('CN', 'officer'),
        body: { reason: 'duplicate', occurredAt: '2019-03-20T00:00:00Z' },
      });
      await projectionsCaughtUp(t);
    }
  } while (cursor);
  expect(new Set(seen).size).toBe(seen.length);
  for (const id of ids) expect(seen).toContain(id);
});

it('is for officers, supervisors and auditors; analysts never see cases; a forged cursor is a 400', async () => {
  for (const role of ['officer', 'supervisor', 'auditor'] as const) expect((await board('', t.token('CN', role))).status).toBe(200);
  expect((await board('', t.token('CN', 'analyst'))).status).toBe(403);
  expect((await t.request('GET', '/v1/cases')).status).toBe(401);
  const forged = await board('?cursor=not-a-cursor');
  expect(forged.status).toBe(400);
  expect(forged.body.errors).toEqual([{ path: 'querystring.cursor', message: expect.any(String) }]);
  expect((await board('?limit=0')).status).toBe(400);
});

it('rebuild: auditors only; it reports equality; lag shows in /metrics and /health', async () => {
  expect((await t.request('POST', '/v1/projections/case_board/rebuild', { token: t.token('KH', 'officer') })).status).toBe(403);
  expect((await t.request('POST', '/v1/projections/nope/rebuild', { token: t.token('KH', 'auditor') })).status).toBe(404);
  const rebuilt = await t.request('POST', '/v1/projections/case_board/rebuild', { token: t.token('KH', 'auditor') });
  expect(rebuilt.body).toMatchObject({
    projection: 'case_board',
    equal: true,
    comparison: { table: 'case_board', liveRows: 12, rebuiltRows: 12 },
  });
  expect(rebuilt.body.at).toMatch(/^\d+\.\d+$/);

  const metrics = await t.request('GET', '/metrics');
  expect(metrics.body).toMatch(/cco_projection_lag_events\{projection="case_board"\} 0/);
  expect(metrics.body).toMatch(/cco_projection_lag_seconds\{projection="statistics"\} 0/);
  const health = await t.request('GET', '/health');
  expect(health.body).toMatchObject({
    status: 'ok',
    database: 'up',
    projections: [
      { name: 'case_board', eventsBehind: 0, secondsBehind: 0 },
      { name: 'statistics', eventsBehind: 0 },
    ],
  });
});
