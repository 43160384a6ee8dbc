import type { Party, Role } from '@cco/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, handover, verification } from '../../../test/support/fixtures';
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
  body?: unknown;
  success: number;
  allowed: (party: Party, role: Role) => boolean;
}[] = [
  { name: 'file', method: 'POST', path: () => '/v1/cases', body: deportationFiling, success: 201, allowed: (_p, r) => writer(r) },
  { name: 'verify', method: 'POST', path: (id) => `/v1/cases/${id}/identity-verification`, stage: 'filed', body: verification, success: 200, allowed: (p, r) => p === 'KH' && writer(r) },
  { name: 'hand over', method: 'POST', path: (id) => `/v1/cases/${id}/handover`, stage: 'identity_verified', body: handover, success: 200, allowed: (p, r) => p === 'KH' && writer(r) },
  { name: 'complete', method: 'POST', path: (id) => `/v1/cases/${id}/completion`, stage: 'handed_over', body: {}, success: 200, allowed: (p, r) => p === 'CN' && writer(r) },
  { name: 'refuse', method: 'POST', path: (id) => `/v1/cases/${id}/refusal`, stage: 'filed', body: { ground: 'security', reason: 'threat to public order' }, success: 200, allowed: (p, r) => p === 'KH' && r === 'supervisor' },
  { name: 'withdraw', method: 'POST', path: (id) => `/v1/cases/${id}/withdrawal`, stage: 'filed', body: { reason: 'located elsewhere' }, success: 200, allowed: (p, r) => p === 'CN' && writer(r) },
  { name: 'read case', method: 'GET', path: (id) => `/v1/cases/${id}`, stage: 'filed', success: 200, allowed: (_p, r) => r !== 'analyst' },
  { name: 'read case events', method: 'GET', path: (id) => `/v1/cases/${id}/events`, stage: 'filed', success: 200, allowed: (_p, r) => r !== 'analyst' },
  { name: 'read global log', method: 'GET', path: () => '/v1/events', success: 200, allowed: (_p, r) => r === 'auditor' },
  { name: 'check integrity', method: 'GET', path: () => '/v1/audit/integrity', success: 200, allowed: (_p, r) => r === 'auditor' },
];

describe.each(matrix)('$name', (row) => {
  it.each(everyone)('$party $role', async ({ party, role }) => {
    const id = row.stage ? await deportationAt(t, row.stage) : 'unused';
    const response = await t.request(row.method, row.path(id), { token: t.token(party, role), body: row.body });
    const expected = row.allowed(party, role) ? row.success : 403;
    expect(response.status, JSON.stringify(response.body)).toBe(expected);
    if (expected === 403) expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('without a token, or with a bad one: 401', async () => {
    const id = row.stage ? await deportationAt(t, row.stage) : 'unused';
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
