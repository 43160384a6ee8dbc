import type { Party, Role } from '@cco/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, handover, verification, victimFiling } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportationAt, everyone, type Stage } from './support';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

// Every case below is requested by CN of KH. `allowed` says who gets the success status; every
// other principal gets 403 (and nobody without a valid token gets past 401).
const writer = (r: Role) => r === 'officer' || r === 'supervisor';
const matrix: {
  name: string;
  method: 'GET' | 'POST';
  path: (id: string) => string;
  stage?: Stage;
  /** Makes the case the row acts on, when a deportation at `stage` will not do. */
  setup?: (t: TestApp) => Promise<string>;
  body?: unknown;
  success: number;
  allowed: (party: Party, role: Role) => boolean;
}[] = [
  { name: 'file', method: 'POST', path: () => '/v1/cases', body: deportationFiling, success: 201, allowed: (_p, r) => writer(r) },
  {
    name: 'verify',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/identity-verification`,
    stage: 'filed',
    body: verification,
    success: 200,
    allowed: (p, r) => p === 'KH' && writer(r),
  },
  {
    name: 'hand over',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/handover`,
    stage: 'identity_verified',
    body: handover,
    success: 200,
    allowed: (p, r) => p === 'KH' && writer(r),
  },
  {
    name: 'complete',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/completion`,
    stage: 'handed_over',
    body: {},
    success: 200,
    allowed: (p, r) => p === 'CN' && writer(r),
  },
  {
    name: 'refuse',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/refusal`,
    stage: 'filed',
    body: { ground: 'security', reason: 'threat to public order' },
    success: 200,
    allowed: (p, r) => p === 'KH' && r === 'supervisor',
  },
  {
    name: 'withdraw',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/withdrawal`,
    stage: 'filed',
    body: { reason: 'located elsewhere' },
    success: 200,
    allowed: (p, r) => p === 'CN' && writer(r),
  },
  { name: 'read case', method: 'GET', path: (id) => `/v1/cases/${id}`, stage: 'filed', success: 200, allowed: (_p, r) => r !== 'analyst' },
  {
    name: 'read case events',
    method: 'GET',
    path: (id) => `/v1/cases/${id}/events`,
    stage: 'filed',
    success: 200,
    allowed: (_p, r) => r !== 'analyst',
  },
  { name: 'read global log', method: 'GET', path: () => '/v1/events', success: 200, allowed: (_p, r) => r === 'auditor' },
  { name: 'check integrity', method: 'GET', path: () => '/v1/audit/integrity', success: 200, allowed: (_p, r) => r === 'auditor' },
  { name: 'list cases', method: 'GET', path: () => '/v1/cases', success: 200, allowed: (_p, r) => r !== 'analyst' },
  { name: 'read access log', method: 'GET', path: () => '/v1/audit/access-log', success: 200, allowed: (_p, r) => r === 'auditor' },
  // 404 until the chainer has run (workers are off here): auditors get past authorization.
  { name: 'read chain head', method: 'GET', path: () => '/v1/audit/chain-head', success: 404, allowed: (_p, r) => r === 'auditor' },
  // The transparency log: 404 where nothing is signed or chained yet (workers are off here).
  { name: 'read checkpoint', method: 'GET', path: () => '/v1/audit/checkpoint', success: 404, allowed: (_p, r) => r === 'auditor' },
  { name: 'read checkpoint key', method: 'GET', path: () => '/v1/audit/checkpoint/key', success: 200, allowed: (_p, r) => r === 'auditor' },
  {
    name: 'inclusion proof',
    method: 'GET',
    path: () => '/v1/audit/proofs/inclusion?position=1&treeSize=1',
    success: 404,
    allowed: (_p, r) => r === 'auditor',
  },
  {
    name: 'consistency proof',
    method: 'GET',
    path: () => '/v1/audit/proofs/consistency?from=0&to=0',
    success: 200,
    allowed: (_p, r) => r === 'auditor',
  },
  {
    name: 'deliver a cosignature',
    method: 'POST',
    path: () => '/v1/audit/checkpoint/cosignatures',
    body: { treeSize: 0, signature: '— w x' },
    success: 404,
    allowed: (_p, r) => r === 'auditor',
  },
  {
    name: 'deportation statistics',
    method: 'GET',
    path: () => '/v1/statistics/deportations?from=2019-01-01&to=2019-12-31',
    success: 200,
    allowed: () => true,
  },
  {
    name: 'duration statistics',
    method: 'GET',
    path: () => '/v1/statistics/durations?from=2019-01-01&to=2019-12-31',
    success: 200,
    allowed: () => true,
  },
  {
    name: 'refusal statistics',
    method: 'GET',
    path: () => '/v1/statistics/refusals?from=2019-01-01&to=2019-12-31',
    success: 200,
    allowed: () => true,
  },
  {
    name: 'victim verification statistics',
    method: 'GET',
    path: () => '/v1/statistics/victim-verifications?from=2019-01-01&to=2019-12-31',
    success: 200,
    allowed: () => true,
  },
  {
    name: 'overdue victim verifications',
    method: 'GET',
    path: () => '/v1/statistics/victim-verifications/overdue?requestedParty=KH',
    success: 200,
    allowed: () => true,
  },
  {
    name: 'rebuild a projection',
    method: 'POST',
    path: () => '/v1/projections/case_board/rebuild',
    success: 200,
    allowed: (_p, r) => r === 'auditor',
  },
  {
    name: 'request erasure',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/erasure-request`,
    setup: (t) => closedVictimCase(t),
    body: { reason: 'the victim asked for it' },
    success: 200,
    allowed: (p, r) => p === 'CN' && r === 'supervisor',
  },
  {
    name: 'confirm erasure',
    method: 'POST',
    path: (id) => `/v1/cases/${id}/erasure-confirmation`,
    setup: (t) => closedVictimCase(t, true),
    body: {},
    success: 200,
    allowed: (_p, r) => r === 'auditor',
  },
];

/** A victim repatriation requested by CN and withdrawn (closed), with an erasure pending if asked. */
async function closedVictimCase(t: TestApp, erasureRequested = false): Promise<string> {
  const filed = await t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: victimFiling });
  const id: string = filed.body.id;
  const withdrawn = await t.request('POST', `/v1/cases/${id}/withdrawal`, {
    token: t.token('CN', 'officer'),
    body: { reason: 'returned home unaided' },
  });
  if (withdrawn.status !== 200) throw new Error(`withdrawal failed: ${JSON.stringify(withdrawn.body)}`);
  if (erasureRequested) {
    const requested = await t.request('POST', `/v1/cases/${id}/erasure-request`, {
      token: t.token('CN', 'supervisor'),
      body: { reason: 'the victim asked for it' },
    });
    if (requested.status !== 200) throw new Error(`erasure request failed: ${JSON.stringify(requested.body)}`);
  }
  return id;
}

describe.each(matrix)('$name', (row) => {
  it.each(everyone)('$party $role', async ({ party, role }) => {
    const id = row.setup ? await row.setup(t) : row.stage ? await deportationAt(t, row.stage) : 'unused';
    const response = await t.request(row.method, row.path(id), { token: t.token(party, role), body: row.body });
    const expected = row.allowed(party, role) ? row.success : 403;
    expect(response.status, JSON.stringify(response.body)).toBe(expected);
    if (expected === 403) expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('without a token, or with a bad one: 401', async () => {
    const id = row.setup ? await row.setup(t) : row.stage ? await deportationAt(t, row.stage) : 'unused';
    const none = await t.request(row.method, row.path(id), { body: row.body });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, type: 'urn:cco:problem:unauthorized' });
    const forged = `${t.token('KH', 'auditor').slice(0, -4)}AAAA`;
    expect((await t.request(row.method, row.path(id), { token: forged, body: row.body })).status).toBe(401);
  });
});

it('the case outlives the refused attempts: forbidden commands append nothing', async () => {
  const id = await deportationAt(t, 'filed');
  for (const { party, role } of everyone) {
    if (party === 'KH' && (role === 'officer' || role === 'supervisor')) continue;
    await t.request('POST', `/v1/cases/${id}/identity-verification`, { token: t.token(party, role), body: verification });
  }
  const events = await t.request('GET', `/v1/cases/${id}/events`, { token: t.token('KH', 'auditor') });
  expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['RequestFiled']);
});

it('every documented operation that needs a token has a row in this matrix', () => {
  const spec = t.app.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
  const documented = Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.responses?.['401'])
      .map(([method]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        name: `${method.toUpperCase()} ${path}`,
      })),
  );
  const rows = matrix.map((row) => ({ method: row.method, path: row.path('00000000-0000-4000-8000-000000000000').split('?')[0]! }));
  const missing = documented
    .filter((op) => !rows.some((row) => row.method === op.method && op.pattern.test(row.path)))
    .map((op) => op.name);
  expect(missing).toEqual([]);
});
