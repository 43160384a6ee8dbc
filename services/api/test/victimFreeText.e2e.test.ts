import { randomUUID } from 'node:crypto';
import { toEventMessage } from '@cco/publishing';
import { readStream } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handover, verification, victimFiling } from '../../../test/support/fixtures';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

// In a victim's case every free-text field is personal: a victim's name planted in each of them
// is sealed under the subject's key like the subject, readable while the key exists, and gone from
// the log, both read APIs and the events topic's messages once the erasure destroyed the key.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('a victim’s name in every free-text field is sealed, opened for readers, and erased with the subject', async () => {
  const name = `PLANTED ${randomUUID()}`;
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');
  const auditor = t.token('KH', 'auditor');
  const filing = {
    ...victimFiling,
    subject: { ...victimFiling.subject, names: [{ script: 'Latn', value: name }] },
    lastKnownLocation: { province: 'Preah Sihanouk', district: `near ${name}'s compound`, details: `room of ${name}` },
    occurredAt: '2019-07-01T00:00:00Z',
  };
  const filed = await t.request('POST', '/v1/cases', { token: cn, body: filing });
  expect(filed.status).toBe(201);
  const id = filed.body.id;
  const steps: [string, string, object][] = [
    ['identity-verification', kh, { ...verification, notes: `${name} recognised her photo`, occurredAt: '2019-07-05T00:00:00Z' }],
    [
      'handover',
      kh,
      {
        ...handover,
        place: `${name}'s home village`,
        receivingOfficers: [`escort of ${name}`],
        flight: name.slice(0, 20),
        namesNotifiedAt: '2019-07-06T00:00:00Z',
        occurredAt: '2019-07-07T00:00:00Z',
      },
    ],
    ['completion', cn, { notes: `${name} arrived`, occurredAt: '2019-07-08T00:00:00Z' }],
    ['erasure-request', t.token('CN', 'supervisor'), { reason: `${name} asked`, occurredAt: '2019-07-09T00:00:00Z' }],
  ];
  for (const [path, token, body] of steps) expect((await t.request('POST', `/v1/cases/${id}/${path}`, { token, body })).status).toBe(200);

  const stored = async () =>
    (await sql<{ text: string }>`select data::text as text from events where stream_id = ${id}`.execute(t.database.db)).rows
      .map((r) => r.text)
      .join('\n');
  // Never in clear in the log, even before the erasure; every field readable through the API.
  expect(await stored()).not.toContain(name);
  const before = await t.request('GET', `/v1/cases/${id}`, { token: auditor });
  expect(before.body).toMatchObject({
    lastKnownLocation: { province: 'Preah Sihanouk', district: `near ${name}'s compound`, details: `room of ${name}` },
    verification: { notes: `${name} recognised her photo` },
    handover: { place: `${name}'s home village`, receivingOfficers: [`escort of ${name}`], flight: name.slice(0, 20) },
    completion: { notes: `${name} arrived` },
    erasure: { reason: `${name} asked` },
  });

  expect((await t.request('POST', `/v1/cases/${id}/erasure-confirmation`, { token: auditor, body: {} })).status).toBe(200);

  // The planted name's unique part (the flight holds only a prefix of it).
  const trace = name.slice(0, 20);
  expect(await stored()).not.toContain(trace);
  const caseEvents = await t.request('GET', `/v1/cases/${id}/events`, { token: auditor });
  expect(caseEvents.body.items).toHaveLength(6);
  expect(JSON.stringify(caseEvents.body)).not.toContain(trace);
  const view = await t.request('GET', `/v1/cases/${id}`, { token: auditor });
  expect(JSON.stringify(view.body)).not.toContain(trace);
  expect(view.body).toMatchObject({ lastKnownLocation: { province: 'Preah Sihanouk' }, erasure: { reason: null } });
  expect(view.body.handover).toMatchObject({ erased: true, namesNotifiedAt: '2019-07-06T00:00:00Z' });
  let after: string | undefined;
  const globalLog: unknown[] = [];
  for (;;) {
    const page = await t.request('GET', `/v1/events?limit=1000${after ? `&after=${after}` : ''}`, { token: auditor });
    globalLog.push(...page.body.items.filter((e: { streamId: string }) => e.streamId === id));
    if (!page.body.nextAfter || page.body.items.length === 0) break;
    after = page.body.nextAfter;
  }
  expect(globalLog).toHaveLength(6);
  expect(JSON.stringify(globalLog)).not.toContain(trace);
  // What the relay publishes on cooperation.events.v1: each stored event, mapped by toEventMessage.
  const messages = (await readStream(t.database.db, id)).map((e) => String(toEventMessage(e).value));
  expect(messages).toHaveLength(6);
  expect(messages.join('\n')).not.toContain(trace);
});
