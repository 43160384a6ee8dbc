import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalData } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportation, projectionsCaughtUp } from './projectionsSupport';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ workers: true });
  // The edges of the office's 12-month window, and a back-filled completion.
  await deportation(t, '2018-10-31T23:59:59.999Z'); // the day before: out
  await deportation(t, '2018-11-01T00:00:00.000Z', { offence: 'online_gambling' }); // first instant: in
  await deportation(t, '2019-10-31T23:59:59.999Z', { offence: 'online_gambling' }); // last instant: in
  await deportation(t, '2019-10-31T23:30:00-01:00', { offence: 'drug_trafficking' }); // 00:30Z on 1 November: out
  await deportation(t, '2019-11-01T06:30:00+07:00'); // 23:30Z on 31 October: in
  await deportation(t, '2017-05-03T10:00:00Z', { offence: 'violent_crime' }); // recorded today, counted in 2017
  await deportation(t, '2019-03-01T00:00:00Z', { stage: 'handed_over' }); // not completed: never counted
  await projectionsCaughtUp(t);
});
afterAll(() => t.close());

const stats = (query: string, token = t.token('CN', 'analyst')) => t.request('GET', `/v1/statistics/deportations?${query}`, { token });

describe('GET /v1/statistics/deportations', () => {
  it('counts completions by the UTC date of their occurredAt, both ends of the window inclusive', async () => {
    const answer = await stats('from=2018-11-01&to=2019-10-31');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ from: '2018-11-01', to: '2019-10-31', total: 3, groups: [] });
    expect((await stats('from=2019-11-01&to=2019-11-01')).body.total).toBe(1);
    expect((await stats('from=2018-10-31&to=2018-10-31')).body.total).toBe(1);
  });

  it('buckets months and years in UTC: 2019-10-31T23:30:00-01:00 is November', async () => {
    expect((await stats('from=2019-10-01&to=2019-11-30&groupBy=month')).body.groups).toEqual([
      { key: '2019-10', count: 2 },
      { key: '2019-11', count: 1 },
    ]);
    expect((await stats('from=2014-01-01&to=2019-12-31&groupBy=year')).body).toMatchObject({
      total: 6,
      groups: [
        { key: '2017', count: 1 },
        { key: '2018', count: 2 },
        { key: '2019', count: 3 },
      ],
    });
  });

  it('counts a back-dated completion at its business date, not the day it was recorded', async () => {
    expect((await stats('from=2017-01-01&to=2017-12-31')).body.total).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await stats(`from=${today}&to=${today}`)).body.total).toBe(0);
  });

  it('groups by principal offence, adding up to the total', async () => {
    expect((await stats('from=2018-11-01&to=2019-10-31&groupBy=offence')).body).toEqual({
      from: '2018-11-01',
      to: '2019-10-31',
      total: 3,
      groups: [
        { key: 'online_gambling', count: 2 },
        { key: 'telecom_fraud', count: 1 },
      ],
    });
    expect((await stats('from=2014-01-01&to=2019-12-31&requestingParty=KH')).body.total).toBe(0);
  });

  it('answers analysts, auditors, officers and supervisors; 401 without a token', async () => {
    for (const role of ['analyst', 'auditor', 'officer', 'supervisor'] as const)
      expect((await stats('from=2019-01-01&to=2019-12-31', t.token('KH', role))).status).toBe(200);
    const anonymous = await t.request('GET', '/v1/statistics/deportations?from=2019-01-01&to=2019-12-31');
    expect(anonymous.status).toBe(401);
  });

  it('refuses a bad window or grouping with a problem', async () => {
    for (const query of [
      'from=2019-11-01&to=2019-10-31',
      'from=2019-02-30&to=2019-10-31',
      'from=2019-01-01',
      'from=2019-01-01&to=2019-12-31&groupBy=week',
      'from=2019-01-01&to=2019-12-31&x=1',
    ]) {
      const answer = await stats(query);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors.length).toBeGreaterThan(0);
    }
  });
});

it('durations, refusals and verifications answer in their contract shapes, without personal data', async () => {
  const analyst = t.token('KH', 'analyst');
  const durations = await t.request('GET', '/v1/statistics/durations?from=2019-01-01&to=2019-12-31&kind=deportation', { token: analyst });
  // Handed over 6 h before completion, filed 240 h before: 9.75 days each, 9 whole days.
  expect(durations.body).toEqual({ from: '2019-01-01', to: '2019-12-31', kind: 'deportation', count: 4, medianDays: 9, p90Days: 9 });
  const refusals = await t.request('GET', '/v1/statistics/refusals?from=2019-01-01&to=2019-12-31', { token: analyst });
  expect(refusals.body).toEqual({ from: '2019-01-01', to: '2019-12-31', total: 0, groups: [] });
  const verifications = await t.request('GET', '/v1/statistics/victim-verifications?from=2019-01-01&to=2019-12-31&requestedParty=KH', {
    token: analyst,
  });
  expect(verifications.body).toEqual({ from: '2019-01-01', to: '2019-12-31', requestedParty: 'KH', total: 0, withinDeadline: 0, late: 0 });
  const text = JSON.stringify([durations.body, refusals.body, verifications.body]);
  for (const value of personalData) expect(text).not.toContain(value);
});
