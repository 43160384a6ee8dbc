import { afterAll, beforeAll, expect, it } from 'vitest';
import { deportationFiling, verification } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { commandHeaders, createCooperationClient, versionOf } from '../src/index';

// The generated client against the real service: the document's paths, headers and answers
// are the ones the service has.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('files with an idempotency key, acts with If-Match, and types the problem of a stale version', async () => {
  const cn = createCooperationClient({ baseUrl: t.url, token: t.token('CN', 'officer') });
  const kh = createCooperationClient({ baseUrl: t.url, token: () => t.token('KH', 'officer') });

  const key = commandHeaders();
  // The fixture is `as const` (readonly arrays), which the generated body type does not take.
  const filed = await cn.POST('/v1/cases', { params: { header: key }, body: deportationFiling as never });
  expect(filed.response.status).toBe(201);
  const id = filed.data!.id;
  expect(versionOf(filed.response)).toBe(1);
  const retried = await cn.POST('/v1/cases', { params: { header: key }, body: deportationFiling as never });
  expect(retried.data!.id).toBe(id);

  const verified = await kh.POST('/v1/cases/{id}/identity-verification', {
    params: { path: { id }, header: commandHeaders({ version: 1 }) },
    body: verification,
  });
  expect(verified.data?.status).toBe('identity_verified');
  expect(versionOf(verified.response)).toBe(2);

  const stale = await kh.POST('/v1/cases/{id}/handover', {
    params: { path: { id }, header: commandHeaders({ version: 1 }) },
    body: { place: 'Phnom Penh', receivingOfficers: ['escort'] },
  });
  expect(stale.response.status).toBe(412);
  expect(stale.error?.type).toBe('urn:cco:problem:precondition-failed');

  const read = await kh.GET('/v1/cases/{id}', { params: { path: { id } } });
  expect(read.data?.version).toBe(2);

  // The rest of the README's walk-through: handover at the version just read, completion, events.
  const handedOver = await kh.POST('/v1/cases/{id}/handover', {
    params: { path: { id }, header: commandHeaders({ version: versionOf(read.response) }) },
    body: { place: 'Phnom Penh', receivingOfficers: ['escort'] },
  });
  expect(handedOver.data?.status).toBe('handed_over');
  const completed = await cn.POST('/v1/cases/{id}/completion', {
    params: { path: { id }, header: commandHeaders({ version: versionOf(handedOver.response) }) },
    body: {},
  });
  expect(completed.data?.status).toBe('completed');
  const events = await cn.GET('/v1/cases/{id}/events', { params: { path: { id } } });
  expect(events.data?.items.map((e) => e.type)).toEqual(['RequestFiled', 'IdentityVerified', 'SuspectHandedOver', 'DeportationCompleted']);
  const anonymous = await createCooperationClient({ baseUrl: t.url }).GET('/v1/statistics/deportations', {
    params: { query: { from: '2019-01-01', to: '2019-12-31' } },
  });
  expect(anonymous.response.status).toBe(401);
});
