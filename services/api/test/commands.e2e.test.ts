import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, handover, verification } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportationAt } from './support';

let t: TestApp;
let cn: string;
let kh: string;
beforeAll(async () => {
  t = await startTestApp();
  cn = t.token('CN', 'officer');
  kh = t.token('KH', 'officer');
});
afterAll(() => t.close());

const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(t.database.db)).rows[0]!.n);

describe('Idempotency-Key', () => {
  it('a retry returns the first answer, same status, body and ETag, with no new event', async () => {
    const key = randomUUID();
    const first = await t.request('POST', '/v1/cases', { token: cn, body: deportationFiling, headers: { 'idempotency-key': key } });
    const before = await eventCount();
    const retry = await t.request('POST', '/v1/cases', { token: cn, body: deportationFiling, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await eventCount()).toBe(before);
  });

  it('the same key with another body is 422 and appends nothing', async () => {
    const key = randomUUID();
    await t.request('POST', '/v1/cases', { token: cn, body: deportationFiling, headers: { 'idempotency-key': key } });
    const before = await eventCount();
    const other = await t.request('POST', '/v1/cases', {
      token: cn,
      body: { ...deportationFiling, lastKnownLocation: { province: 'Kandal' } },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:cco:problem:idempotency-key-reused');
    expect(await eventCount()).toBe(before);
  });

  it('ten concurrent retries of one command append exactly one event and answer alike', async () => {
    const id = await deportationAt(t, 'filed');
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.request('POST', `/v1/cases/${id}/identity-verification`, { token: kh, body: verification, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const events = await t.request('GET', `/v1/cases/${id}/events`, { token: kh });
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['RequestFiled', 'IdentityVerified']);
  });

  it('keys belong to their caller: another officer’s same key is a new request', async () => {
    const key = randomUUID();
    const a = await t.request('POST', '/v1/cases', { token: cn, body: deportationFiling, headers: { 'idempotency-key': key } });
    const b = await t.request('POST', '/v1/cases', {
      token: t.token('CN', 'supervisor'),
      body: deportationFiling,
      headers: { 'idempotency-key': key },
    });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('If-Match and state', () => {
  it('a stale If-Match is 412 and appends nothing; the current one succeeds', async () => {
    const id = await deportationAt(t, 'filed');
    const stale = await t.request('POST', `/v1/cases/${id}/identity-verification`, {
      token: kh,
      body: verification,
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('urn:cco:problem:precondition-failed');
    const garbage = await t.request('POST', `/v1/cases/${id}/identity-verification`, {
      token: kh,
      body: verification,
      headers: { 'if-match': 'nonsense' },
    });
    expect(garbage.status).toBe(412);
    const fresh = await t.request('POST', `/v1/cases/${id}/identity-verification`, {
      token: kh,
      body: verification,
      headers: { 'if-match': '"1"' },
    });
    expect(fresh.status).toBe(200);
  });

  it('a command the state does not allow is 409 with the rule', async () => {
    const id = await deportationAt(t, 'filed');
    const early = await t.request('POST', `/v1/cases/${id}/completion`, { token: cn, body: {} });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: 'urn:cco:problem:invalid-state', rule: 'lifecycle' });
    const handedEarly = await t.request('POST', `/v1/cases/${id}/handover`, { token: kh, body: handover });
    expect(handedEarly.status).toBe(409);
  });

  it('an unknown case is 404; a malformed id is 400', async () => {
    expect((await t.request('POST', `/v1/cases/${randomUUID()}/identity-verification`, { token: kh, body: verification })).status).toBe(
      404,
    );
    expect((await t.request('GET', `/v1/cases/${randomUUID()}`, { token: kh })).status).toBe(404);
    const bad = await t.request('GET', '/v1/cases/..%2F..%2Fetc%2Fpasswd', { token: kh });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('params.id');
  });
});

describe('rules and validation', () => {
  it('a deportation without a warrant is 422 warrant-required and appends nothing', async () => {
    const before = await eventCount();
    const { warrant: _omitted, ...noWarrant } = deportationFiling;
    const response = await t.request('POST', '/v1/cases', { token: cn, body: noWarrant });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: 'urn:cco:problem:rule-violation', rule: 'warrant-required' });
    expect(await eventCount()).toBe(before);
  });

  it('a refusal without a reason is 422', async () => {
    const id = await deportationAt(t, 'filed');
    const response = await t.request('POST', `/v1/cases/${id}/refusal`, {
      token: t.token('KH', 'supervisor'),
      body: { ground: 'security' },
    });
    expect(response.status).toBe(422);
    expect(response.body.rule).toBe('refusal-reason-required');
  });

  it('invalid bodies are 400 problem+json listing each error', async () => {
    const response = await t.request('POST', '/v1/cases', {
      token: cn,
      body: {
        ...deportationFiling,
        kind: 'deportation',
        subject: { ...deportationFiling.subject, nationality: 'China', names: [] },
        extra: 1,
      },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.subject.names', 'body.subject.nationality']));
  });

  const hostile: [string, string, Record<string, string>?][] = [
    ['malformed JSON', '{"kind": "deportation",'],
    ['an empty body', ''],
    ['a lone surrogate', JSON.stringify({ ...deportationFiling, lastKnownLocation: { province: 'Kandal\ud800' } })],
    ['a NUL character', JSON.stringify({ ...deportationFiling, lastKnownLocation: { province: 'Kan\u0000dal' } })],
    ['a __proto__ key', `{"kind":"deportation","__proto__":{"admin":true},"subject":${JSON.stringify(deportationFiling.subject)}}`],
    ['a wrong content type', JSON.stringify(deportationFiling), { 'content-type': 'text/plain' }],
    ['an oversized body', JSON.stringify({ ...deportationFiling, offences: [{ category: 'other', description: 'x'.repeat(300_000) }] })],
    ['an array body', '[]'],
    ['a wrong type', JSON.stringify({ ...deportationFiling, offences: 'fraud' })],
  ];
  it.each(hostile)('%s: 4xx problem+json, no event', async (_name, body, headers) => {
    const before = await eventCount();
    const response = await fetch(`${t.url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cn}`, 'content-type': 'application/json', ...headers },
      body,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await eventCount()).toBe(before);
  });
});
