import { afterAll, beforeAll, expect, it } from 'vitest';
import { deportationFiling, handover, personalData, verification } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ workers: true });
});
afterAll(() => t.close());

it('CN files a deportation, KH verifies and hands over, CN completes', async () => {
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');

  // Back-filled history: business time in 2019, recorded today.
  const filed = await t.request('POST', '/v1/cases', { token: cn, body: { ...deportationFiling, occurredAt: '2019-08-20T02:00:00Z' } });
  expect(filed.status).toBe(201);
  expect(filed.body.filedAt).toBe('2019-08-20T02:00:00.000Z');
  expect(filed.headers.get('location')).toBe(`/v1/cases/${filed.body.id}`);
  expect(filed.headers.get('etag')).toBe('"1"');
  expect(filed.body).toMatchObject({ kind: 'deportation', status: 'filed', requestingParty: 'CN', requestedParty: 'KH', version: 1 });
  const id = filed.body.id;

  const verified = await t.request('POST', `/v1/cases/${id}/identity-verification`, {
    token: kh,
    body: { ...verification, occurredAt: '2019-09-02T03:00:00Z' },
  });
  expect(verified.body).toMatchObject({ status: 'identity_verified', version: 2 });
  const handed = await t.request('POST', `/v1/cases/${id}/handover`, {
    token: kh,
    body: { ...handover, occurredAt: '2019-09-10T01:30:00+07:00' },
  });
  expect(handed.body).toMatchObject({ status: 'handed_over', handedOverAt: '2019-09-09T18:30:00.000Z' });
  const completed = await t.request('POST', `/v1/cases/${id}/completion`, { token: cn, body: { occurredAt: '2019-09-10T06:00:00Z' } });
  expect(completed.status).toBe(200);
  expect(completed.headers.get('etag')).toBe('"4"');
  expect(completed.body).toMatchObject({ status: 'completed', completedAt: '2019-09-10T06:00:00.000Z' });

  const read = await t.request('GET', `/v1/cases/${id}`, { token: kh });
  expect(read.body).toEqual(completed.body);

  const history = await t.request('GET', `/v1/cases/${id}/events`, { token: t.token('KH', 'auditor') });
  expect(history.body.items.map((e: { type: string; version: number }) => [e.type, e.version])).toEqual([
    ['RequestFiled', 1],
    ['IdentityVerified', 2],
    ['SuspectHandedOver', 3],
    ['DeportationCompleted', 4],
  ]);
  const [first, second] = history.body.items;
  expect(first.metadata).toMatchObject({ actor: 'cn-officer', party: 'CN', causationId: null });
  expect(second.metadata).toMatchObject({ actor: 'kh-officer', party: 'KH', causationId: first.id });

  // The global log has them in commit order, and the chain covers them once the chainer ran.
  const auditor = t.token('CN', 'auditor');
  const log = await t.request('GET', '/v1/events?limit=2', { token: auditor });
  expect(log.body.items).toHaveLength(2);
  const rest = await t.request('GET', `/v1/events?after=${log.body.nextAfter}`, { token: auditor });
  expect([...log.body.items, ...rest.body.items].map((e: { id: string }) => e.id)).toEqual(
    history.body.items.map((e: { id: string }) => e.id),
  );
  const byPosition = await t.request('GET', `/v1/events?after=${log.body.items[1].position}`, { token: auditor });
  expect(byPosition.body.items).toEqual(rest.body.items);

  await expect
    .poll(async () => (await t.request('GET', '/v1/audit/integrity', { token: auditor })).body, { timeout: 10_000 })
    .toMatchObject({ ok: true, firstBrokenPosition: null, chainLength: '4' });
});

it('never writes personal data to the logs', async () => {
  expect(t.logs.length).toBeGreaterThan(5);
  const all = t.logs.join('');
  for (const value of personalData) expect(all).not.toContain(value);
});

it('logs each request once, when answered: method, path, status, time, correlation id', async () => {
  const before = t.logs.length;
  const answered = await t.request('GET', '/v1/events?limit=1', {
    token: t.token('CN', 'auditor'),
    headers: { 'x-correlation-id': 'log-line-test' },
  });
  expect(answered.status).toBe(200);
  const lines = t.logs
    .slice(before)
    .map((line) => JSON.parse(line))
    .filter((l) => l.reqId === 'log-line-test');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ msg: 'request completed', req: { method: 'GET', url: '/v1/events?limit=1' }, res: { statusCode: 200 } });
  expect(lines[0].responseTime).toBeGreaterThan(0);
});
