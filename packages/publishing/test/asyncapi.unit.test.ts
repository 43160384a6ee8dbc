import { Parser } from '@asyncapi/parser';
import { caseEventTypes } from '@cco/domain';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { asyncapiPath, generateAsyncApi } from '../scripts/asyncapi';
import {
  analyticsMessageSchema,
  eventAsReadSchema,
  messageHeadersSchema,
  messageKeySchema,
  toAnalyticsMessage,
  toEventMessage,
} from '../src/index';
import { recordedEvent, sampleData } from '@cco/testkit';

describe('openapi/asyncapi.json', () => {
  it('is what the relay’s schemas generate (run `npm run asyncapi` when this fails)', async () => {
    expect(await readFile(asyncapiPath, 'utf8')).toBe(generateAsyncApi());
  });

  it('is a valid AsyncAPI 3.0 document for the three topics', { timeout: 30_000 }, async () => {
    const { document, diagnostics } = await new Parser().parse(generateAsyncApi());
    // Severity 0 is an error; warnings and hints are listed in the message should one appear.
    expect(
      diagnostics.filter((d) => d.severity === 0),
      JSON.stringify(diagnostics, null, 1),
    ).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['cooperation.events.v1', 'cooperation.analytics.v1', 'cooperation.checkpoints.v1']);
  });
});

// The schemas describe what the relay really sends: every sample event of every type, mapped as
// the relay maps it, passes its topic's schemas (key, headers, value).
describe.each(caseEventTypes)('the messages of %s match the document', (type) => {
  it.each(sampleData[type].map((data, i) => [i, data] as const))('sample %i', (_, data) => {
    const event = recordedEvent(type, data);
    for (const message of [toEventMessage(event), toAnalyticsMessage(event)!]) {
      expect(messageKeySchema.safeParse(message.key).success).toBe(true);
      expect(messageHeadersSchema.safeParse(message.headers).success).toBe(true);
    }
    expect(eventAsReadSchema.safeParse(JSON.parse(String(toEventMessage(event).value))).error).toBeUndefined();
    expect(analyticsMessageSchema.safeParse(JSON.parse(String(toAnalyticsMessage(event)!.value))).error).toBeUndefined();
  });
});

it('the analytics schema refuses any field its allow-list does not name', () => {
  const value = JSON.parse(String(toAnalyticsMessage(recordedEvent('RequestFiled', sampleData.RequestFiled[0]))!.value));
  expect(analyticsMessageSchema.safeParse(value).success).toBe(true);
  expect(
    analyticsMessageSchema.safeParse({ ...value, data: { ...value.data, subject: { nationality: 'CN', names: ['ZHANG Wei'] } } }).success,
  ).toBe(false);
  expect(analyticsMessageSchema.safeParse({ ...value, metadata: { ...value.metadata, actor: 'kh-officer-7' } }).success).toBe(false);
});
