import { caseEventTypes } from '@cco/domain';
import { describe, expect, it } from 'vitest';
import { analyticsAllowList, analyticsEnvelope, toAnalyticsMessage, toEventAsRead, toEventMessage } from '../src/index';
import { officerId, personalValues, recordedEvent, sampleData } from '@cco/testkit';

/** Every scalar's path in `value`, arrays written `name[]`, as the allow-list names them. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => leafPaths(item, `${prefix}[]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => leafPaths(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

const published = (type: string, data: unknown) => {
  const message = toAnalyticsMessage(recordedEvent(type, data));
  if (!message) throw new Error(`${type} published nothing`);
  return { message, value: JSON.parse(String(message.value)) as Record<string, unknown> };
};

describe.each(caseEventTypes)('analytics topic: %s', (type) => {
  const samples = sampleData[type];

  it.each(samples.map((data, i) => [i, data] as const))('sample %i carries none of the personal values, anywhere', (_, data) => {
    const { message } = published(type, data);
    const everything = JSON.stringify(message);
    for (const value of personalValues) expect(everything, `"${value}" leaked`).not.toContain(value);
  });

  it('publishes exactly the envelope and its allow-list', () => {
    const seen = new Set(samples.flatMap((data) => leafPaths(published(type, data).value)));
    expect([...seen].sort()).toEqual([...analyticsEnvelope, ...analyticsAllowList[type]].sort());
  });
});

describe('analytics topic, whatever the shape of the data', () => {
  it('keeps the key and headers of the events topic, and the party but not the officer', () => {
    const event = recordedEvent('DeportationCompleted', {});
    const message = toAnalyticsMessage(event)!;
    expect(message.key).toBe(event.streamId);
    expect(message.headers).toEqual({ 'event-type': 'DeportationCompleted', 'event-id': event.id });
    expect(JSON.parse(String(message.value))).toMatchObject({ id: event.id, data: {}, metadata: { party: 'KH' } });
    expect(String(message.value)).not.toContain(officerId);
  });

  it('publishes nothing for a type without an allow-list', () => {
    expect(toAnalyticsMessage(recordedEvent('SubjectRenamed', { names: ['ZHANG Wei'] }))).toBeNull();
    expect(toAnalyticsMessage(recordedEvent('toString', {}))).toBeNull();
  });

  it('copies no subtree that hides where a scalar is allowed, and no field a later version adds', () => {
    const [filing] = sampleData.RequestFiled;
    const hostile = {
      ...filing,
      kind: { names: ['ZHANG Wei'] },
      offences: [{ category: ['E12345678'], description: 'x' }, 'ZHANG Wei'],
      subject: { nationality: 'CN', personal: { clear: { names: ['ZHANG Wei'], dateOfBirth: '1990-04-12' } } },
      photo: 'base64-of-a-face',
    };
    const { value } = published('RequestFiled', hostile);
    // The planted values whole: a bare 'face' also matches the random hex of a UUID (failed once).
    expect(JSON.stringify(value)).not.toMatch(/ZHANG|E12345678|1990-04-12|base64-of-a-face|"photo"/);
    expect(value.data).toMatchObject({ subject: { nationality: 'CN' }, lastKnownLocation: { province: 'Preah Sihanouk' } });
  });
});

describe('events topic', () => {
  it('carries the event as read, keyed by case, with event-type and event-id headers', () => {
    const event = recordedEvent('RequestFiled', sampleData.RequestFiled[0], { version: 3, position: '9007199254740993' });
    const message = toEventMessage(event);
    expect(message.key).toBe(event.streamId);
    expect(message.headers).toEqual({ 'event-type': 'RequestFiled', 'event-id': event.id });
    const value = JSON.parse(String(message.value));
    expect(value).toEqual(JSON.parse(JSON.stringify(toEventAsRead(event))));
    expect(value).toMatchObject({ position: '9007199254740993', version: 3, occurredAt: '2019-10-12T03:04:05.678Z' });
    // The contract's metadata only: what else the store keeps there (roles) is not published.
    expect(Object.keys(value.metadata).sort()).toEqual(['actor', 'causationId', 'correlationId', 'party']);
  });
});
