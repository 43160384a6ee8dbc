import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { drive } from '../src/drive';
import { deportationFigure, waitForProjections } from '../src/figures';
import { planHistory, plannedDeportations } from '../src/plan';
import { tokenSigner } from '../src/tokens';
import { rawDeportations, rawDurations, rawEvents, rawOverdue, rawRefusals, rawVictimVerifications } from './rawFigures';

// A simulated history driven through the real server, then every statistic held to what the
// raw events say, before and after a rebuild from zero.
const from = '2018-06-01';
const to = '2019-03-31';
const plan = planHistory({ from, to, seed: 7, scale: 0.12 });
const tokenFor = tokenSigner();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  await drive(plan, { url: t.url, tokenFor, concurrency: 8 });
  await waitForProjections(t.url, 30_000);
});
afterAll(() => t.close());

const analyst = () => t.token('KH', 'analyst');
const get = async (path: string) => {
  const response = await t.request('GET', path, { token: analyst() });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};
const windows = [
  [from, to],
  ['2018-11-01', '2019-02-28'],
  ['2019-01-01', '2019-01-01'],
  ['2010-01-01', '2030-12-31'],
] as const;

async function figures() {
  const out: unknown[] = [];
  for (const [f, l] of windows) {
    for (const groupBy of ['year', 'month', 'offence'])
      out.push(await get(`/v1/statistics/deportations?from=${f}&to=${l}&groupBy=${groupBy}`));
    out.push(await get(`/v1/statistics/durations?from=${f}&to=${l}`), await get(`/v1/statistics/refusals?from=${f}&to=${l}`));
    out.push(await get(`/v1/statistics/victim-verifications?from=${f}&to=${l}`));
  }
  return out;
}

it('the statistics equal the counts computed straight from the raw events', async () => {
  const raw = await rawEvents(t.database.db);
  expect(raw.of('DeportationCompleted').length).toBeGreaterThan(50);
  for (const [f, l] of windows) {
    for (const groupBy of ['year', 'month', 'offence'] as const) {
      expect(await get(`/v1/statistics/deportations?from=${f}&to=${l}&groupBy=${groupBy}`)).toEqual({
        from: f,
        to: l,
        ...rawDeportations(raw, f, l, groupBy),
      });
    }
    expect((await get(`/v1/statistics/deportations?from=${f}&to=${l}`)).total).toBe(plannedDeportations(plan, f, l));
    expect(await get(`/v1/statistics/durations?from=${f}&to=${l}`)).toEqual({ from: f, to: l, kind: null, ...rawDurations(raw, f, l) });
    expect((await get(`/v1/statistics/refusals?from=${f}&to=${l}`)).groups).toEqual(rawRefusals(raw, f, l));
    expect(await get(`/v1/statistics/victim-verifications?from=${f}&to=${l}`)).toMatchObject(rawVictimVerifications(raw, f, l));
  }
  for (const party of ['KH', 'CN']) {
    const overdue = await get(`/v1/statistics/victim-verifications/overdue?requestedParty=${party}`);
    expect(overdue.count).toBe(rawOverdue(raw, party, new Date(overdue.asOf)));
  }
  expect((await deportationFigure(t.url, tokenFor, from, to)).total).toBe(plannedDeportations(plan, from, to));
});

it('a rebuild from zero equals the live projections, and the figures do not move', async () => {
  const before = await figures();
  for (const name of ['statistics', 'case_board']) {
    const rebuilt = await t.request('POST', `/v1/projections/${name}/rebuild`, { token: t.token('CN', 'auditor') });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ projection: name, equal: true, comparison: { onlyInLive: 0, onlyInRebuilt: 0 } });
    expect(rebuilt.body.comparison.rebuiltRows).toBe(plan.cases.length);
  }
  expect(await figures()).toEqual(before);
});

it('driving the same seed again adds nothing (every request carries its idempotency key)', async () => {
  const events = async () => (await rawEvents(t.database.db)).rows.length;
  const count = await events();
  await drive(planHistory({ from, to, seed: 7, scale: 0.12 }), { url: t.url, tokenFor, concurrency: 8 });
  expect(await events()).toBe(count);
});
