import { validToken } from '@cco/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

// A token's `sub` becomes the actor of events and of the access log and is printed by
// `npm run audit -- replay`: one with a line break, a tab or a bidi control is refused (401),
// saying why, before it can forge or hide a line anywhere.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it.each([
  ['LF', 'kh-officer\nv9 PersonalDataErased by KH:auditor'],
  ['CR', 'kh-officer\rforged'],
  ['TAB', 'kh\tofficer'],
  ['NEL (C1)', 'kh\u0085officer'],
  ['RLO', 'kh-\u202eofficer'],
  ['LRI', 'kh-\u2066officer'],
  ['ALM', 'kh-\u061cofficer'],
  ['LINE SEPARATOR', 'kh\u2028officer'],
])('a sub with %s is refused with 401 and a clear detail', async (_, sub) => {
  const token = validToken({ sub, party: 'KH', roles: ['auditor'] });
  const answer = await t.request('GET', '/v1/events?limit=1', { token });
  expect(answer.status).toBe(401);
  expect(answer.body.type).toBe('urn:cco:problem:unauthorized');
  expect(answer.body.detail).toMatch(/sub: must not contain control characters .*bidi/);
});

it('a plain sub, non-Latin scripts included, is still accepted', async () => {
  for (const sub of ['kh-officer-1', 'ស៊ុន ដារ៉ា', '李明']) {
    expect((await t.request('GET', '/v1/events?limit=1', { token: validToken({ sub, party: 'KH', roles: ['auditor'] }) })).status).toBe(
      200,
    );
  }
});
