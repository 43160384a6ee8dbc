import { randomBytes, randomUUID } from 'node:crypto';
import { sealForStorage } from '@cco/cases';
import type { RecordedEvent } from '@cco/event-store';
import { expect, it } from 'vitest';
import { deportationFiling, personalData } from '@cco/testkit';
import { toEventMessage } from '../src/toEventMessage';

// cooperation.events.v1 carries events as stored: a filing's personal part sealed under the
// subject's key, so erasing the key erases the Kafka copies too.
it('a filing on the events topic carries its subject’s personal data only sealed', () => {
  const caseId = randomUUID();
  const stored = sealForStorage(
    caseId,
    {
      type: 'RequestFiled',
      occurredAt: new Date('2019-09-01T00:00:00Z'),
      metadata: { actor: 'cn-officer', party: 'CN', correlationId: randomUUID(), causationId: null },
      data: { ...deportationFiling, requestingParty: 'CN', requestedParty: 'KH' },
    },
    randomBytes(32),
  );
  const recorded: RecordedEvent = {
    ...stored,
    id: randomUUID(),
    streamId: caseId,
    version: 1,
    position: '1',
    transactionId: '1',
    schemaVersion: stored.schemaVersion ?? 1,
    recordedAt: new Date(),
  };
  const value = String(toEventMessage(recorded).value);
  for (const personal of personalData) expect(value).not.toContain(personal);
  expect(JSON.parse(value).data.subject).toMatchObject({ nationality: 'CN', personal: { alg: 'A256GCM' } });
});
