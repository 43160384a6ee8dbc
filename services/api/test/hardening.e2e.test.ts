import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, verification } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportationAt } from './support';

// What a hostile client or a careless one can send: a clear 4xx problem, nothing changed.

let t: TestApp;
let cn: string;
let kh: string;
let auditor: string;
beforeAll(async () => {
  t = await startTestApp();
  cn = t.token('CN', 'officer');
  kh = t.token('KH', 'officer');
  auditor = t.token('KH', 'auditor');
});
afterAll(() => t.close());

const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(t.database.db)).rows[0]!.n);

/** Sends raw bytes, so that content types and encodings are exactly what a client sent. */
async function raw(path: string, body: Uint8Array | string, contentType: string | undefined, token = cn) {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { detail: string } };
}

describe('no 5xx for any date a client can send: outside 1990-01-01 … 2100-12-31 is a 400', () => {
  const windows = [
    'from=2026-01-01&to=9999-12-31',
    'from=0000-01-01&to=2020-01-01',
    'from=1989-12-31&to=2020-01-01',
    'from=2020-01-01&to=2101-01-01',
  ];
  for (const path of [
    '/v1/statistics/deportations',
    '/v1/statistics/durations',
    '/v1/statistics/refusals',
    '/v1/statistics/victim-verifications',
  ]) {
    it(`${path}`, async () => {
      for (const window of windows) {
        const answer = await t.request('GET', `${path}?${window}`, { token: t.token('KH', 'analyst') });
        expect(answer.status, window).toBe(400);
        expect(answer.body.errors[0].message).toMatch(/between 1990-01-01 and 2100-12-31/);
      }
      expect((await t.request('GET', `${path}?from=1990-01-01&to=2100-12-31`, { token: t.token('KH', 'analyst') })).status).toBe(200);
    });
  }

  it('asOf, occurredAt, dates of birth and warrant dates', async () => {
    const id = await deportationAt(t, 'filed');
    expect((await t.request('GET', `/v1/cases/${id}?asOf=9999-12-31T23:59:59Z`, { token: auditor })).status).toBe(400);
    const before = await eventCount();
    const bad = [
      { ...deportationFiling, occurredAt: '1989-12-31T23:59:59Z' },
      { ...deportationFiling, occurredAt: '2101-01-01T00:00:00Z' },
      { ...deportationFiling, subject: { ...deportationFiling.subject, dateOfBirth: '1899-12-31' } },
      { ...deportationFiling, warrant: { ...deportationFiling.warrant, issuedOn: '0000-01-01' } },
    ];
    for (const body of bad)
      expect((await t.request('POST', '/v1/cases', { token: cn, body })).status, JSON.stringify(body).slice(-80)).toBe(400);
    // A person born in 1950 is filed: dates of birth reach further back than the office.
    const older = await t.request('POST', '/v1/cases', {
      token: cn,
      body: { ...deportationFiling, subject: { ...deportationFiling.subject, dateOfBirth: '1950-01-01' } },
    });
    expect(older.status).toBe(201);
    expect(await eventCount()).toBe(before + 1);
  });
});

describe('plausible content is the domain’s call: 422 with the rule', () => {
  const cases: [string, unknown, string][] = [
    [
      'occurredAt more than 5 minutes ahead',
      { ...deportationFiling, occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() },
      'occurred-in-future',
    ],
    [
      'occurredAt before the office’s oldest treaty',
      { ...deportationFiling, occurredAt: '1991-06-01T00:00:00Z' },
      'occurred-before-history',
    ],
    [
      'a date of birth in the future',
      { ...deportationFiling, subject: { ...deportationFiling.subject, dateOfBirth: '2099-01-01' } },
      'born-in-future',
    ],
    [
      'a nationality that is no country',
      { ...deportationFiling, subject: { ...deportationFiling.subject, nationality: 'ZZ' } },
      'unknown-country',
    ],
    [
      'an issuing country that is no country',
      {
        ...deportationFiling,
        subject: { ...deportationFiling.subject, documents: [{ type: 'passport', number: 'X1', issuingCountry: 'XK' }] },
      },
      'unknown-country',
    ],
  ];
  for (const [what, body, rule] of cases) {
    it(what, async () => {
      const before = await eventCount();
      const answer = await t.request('POST', '/v1/cases', { token: cn, body });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ type: 'urn:cco:problem:rule-violation', rule });
      expect(await eventCount()).toBe(before);
    });
  }
});

describe('bodies are JSON in UTF-8', () => {
  const json = JSON.stringify(deportationFiling);
  it('JSON sent as text/plain, or with no content type, is 415', async () => {
    const before = await eventCount();
    for (const type of ['text/plain', undefined, 'application/x-www-form-urlencoded', 'application/vnd.other+json']) {
      const answer = await raw('/v1/cases', json, type);
      expect(answer.status, String(type)).toBe(415);
      expect(answer.type).toMatch(/^application\/problem\+json/);
    }
    expect(await eventCount()).toBe(before);
  });
  it('a charset other than UTF-8 is 415; utf-8 (any case) is accepted', async () => {
    expect((await raw('/v1/cases', json, 'application/json; charset=iso-8859-1')).status).toBe(415);
    expect((await raw('/v1/cases', json, 'application/json; charset=utf-16')).status).toBe(415);
    expect((await raw('/v1/cases', json, 'application/json; charset="UTF-8"')).status).toBe(201);
    expect((await raw('/v1/cases', json, 'application/json;charset=utf-8')).status).toBe(201);
  });
  it('bytes that are not UTF-8 are a 400, never stored as U+FFFD', async () => {
    const before = await eventCount();
    const [head, tail] = json.split('ZHANG Wei') as [string, string];
    for (const bad of [[0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const body = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
      const answer = await raw('/v1/cases', body, 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toMatch(/UTF-8/);
    }
    expect(await eventCount()).toBe(before);
  });
});

describe('If-Match as RFC 9110 says', () => {
  const verify = (id: string, ifMatch: string) =>
    t.request('POST', `/v1/cases/${id}/identity-verification`, { token: kh, body: verification, headers: { 'if-match': ifMatch } });

  it('a weak tag never matches (strong comparison)', async () => {
    const id = await deportationAt(t, 'filed');
    expect((await verify(id, 'W/"1"')).status).toBe(412);
    expect((await verify(id, '"1"')).status).toBe(200);
  });
  it('a list matches if any member does', async () => {
    const id = await deportationAt(t, 'filed');
    expect((await verify(id, '"7", W/"1"')).status).toBe(412);
    expect((await verify(id, '"7", "1"')).status).toBe(200);
  });
  it('* matches any existing case, and a missing case is still 404', async () => {
    const id = await deportationAt(t, 'filed');
    expect((await verify(id, '*')).status).toBe(200);
    expect((await verify('7b0f0a3e-3a55-4c43-9a4d-0c6a2a1f3b11', '*')).status).toBe(404);
  });
});

describe('small things a newcomer hits', () => {
  it('an uppercase UUID in a path finds the case', async () => {
    const id = await deportationAt(t, 'filed');
    const upper = id.toUpperCase();
    expect((await t.request('GET', `/v1/cases/${upper}`, { token: kh })).body).toMatchObject({ id });
    expect((await t.request('GET', `/v1/cases/${upper}/events`, { token: kh })).status).toBe(200);
    expect((await verify(upper)).status).toBe(200);
    async function verify(caseId: string) {
      return t.request('POST', `/v1/cases/${caseId}/identity-verification`, { token: kh, body: verification });
    }
  });
  it('after=NaN says what is wrong in words', async () => {
    for (const path of ['/v1/events?after=NaN', '/v1/audit/access-log?after=NaN']) {
      const answer = await t.request('GET', path, { token: auditor });
      expect(answer.status, path).toBe(400);
      expect(JSON.stringify(answer.body)).not.toMatch(/BigInt/);
    }
  });
  it('a HEAD request writes no access-log row', async () => {
    const id = await deportationAt(t, 'filed');
    const rows = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from personal_data_access where case_id = ${id}`.execute(t.database.db)).rows[0]!.n,
      );
    const before = await rows();
    for (const path of [`/v1/cases/${id}`, `/v1/cases/${id}/events`]) {
      const answer = await fetch(`${t.url}${path}`, { method: 'HEAD', headers: { authorization: `Bearer ${kh}` } });
      expect(answer.status).toBe(200);
    }
    expect(await rows()).toBe(before);
    await t.request('GET', `/v1/cases/${id}`, { token: kh });
    expect(await rows()).toBe(before + 1);
  });
});
