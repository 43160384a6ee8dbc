import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handover, personalData, verification, victimFiling } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { fill, monthsOf, yearsUpTo } from '../dashboard/window';
import { launchBrowser, watch, type Browser, type Watched } from './browser';
import { deportation, projectionsCaughtUp } from './projectionsSupport';

// The statistics page in a real Chromium against the real service over its own PostgreSQL:
// the figures it shows are the API's, it fetches nothing from elsewhere, has no script error,
// never scrolls sideways at phone width, and says what is wrong when something is.

const screenshots = fileURLToPath(new URL('../dist/screenshots/', import.meta.url));
const laptop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
const window2019 = { from: '2019-01-01', to: '2019-12-31' };

let t: TestApp;
let browser: Browser;

async function ok(response: Promise<{ status: number; body: any }>) {
  const r = await response;
  if (r.status >= 300) throw new Error(`seeding failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A victim CN asks KH to verify, filed at `filedAt`, verified at `verifiedAt` (or never). */
async function victim(filedAt: string, verifiedAt?: string) {
  const filed = await ok(
    t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: { ...victimFiling, occurredAt: filedAt } }),
  );
  if (verifiedAt)
    await ok(
      t.request('POST', `/v1/cases/${filed.id}/identity-verification`, {
        token: t.token('KH', 'officer'),
        body: { ...verification, occurredAt: verifiedAt },
      }),
    );
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  t = await startTestApp({ workers: true });
  // A small history: deportations across months, years and offences, two refusals, victims
  // verified in time, late, and not at all.
  await deportation(t, '2019-01-15T10:00:00Z');
  await deportation(t, '2019-01-20T10:00:00Z', { offence: 'online_gambling' });
  await deportation(t, '2019-03-03T10:00:00Z', { offence: 'online_gambling' });
  await deportation(t, '2019-07-31T23:30:00Z', { offence: 'drug_trafficking' });
  await deportation(t, '2019-12-31T12:00:00Z', { offence: 'money_laundering' });
  await deportation(t, '2018-06-01T00:00:00Z');
  await deportation(t, '2016-02-10T00:00:00Z', { offence: 'violent_crime' });
  await deportation(t, '2019-05-01T00:00:00Z', { stage: 'handed_over' });
  for (const [filedAt, ground] of [
    ['2019-04-01T00:00:00Z', 'security'],
    ['2019-09-01T00:00:00Z', 'insufficient_documents'],
  ] as const) {
    const id = await deportation(t, filedAt, { stage: 'filed' });
    await ok(
      t.request('POST', `/v1/cases/${id}/refusal`, {
        token: t.token('KH', 'supervisor'),
        body: { ground, reason: 'documents do not establish nationality', occurredAt: filedAt },
      }),
    );
  }
  await victim('2019-05-01T00:00:00Z', '2019-05-10T00:00:00Z');
  await victim('2019-06-01T00:00:00Z', '2019-07-20T00:00:00Z');
  await victim('2019-08-01T00:00:00Z');
  const handedOver = await ok(
    t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: { ...victimFiling, occurredAt: '2019-02-01T00:00:00Z' } }),
  );
  await ok(
    t.request('POST', `/v1/cases/${handedOver.id}/identity-verification`, {
      token: t.token('KH', 'officer'),
      body: { ...verification, occurredAt: '2019-02-05T00:00:00Z' },
    }),
  );
  await ok(
    t.request('POST', `/v1/cases/${handedOver.id}/handover`, {
      token: t.token('KH', 'officer'),
      body: { ...handover, namesNotifiedAt: '2019-02-10T00:00:00Z', occurredAt: '2019-02-12T00:00:00Z' },
    }),
  );
  await projectionsCaughtUp(t);
  browser = await launchBrowser(laptop);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const api = async (path: string, token = t.token('KH', 'analyst')) => (await ok(t.request('GET', path, { token }))) as any;
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const label = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' ');

async function openPage(path: string, viewport = laptop): Promise<{ page: Page; watched: Watched }> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const watched = watch(page);
  await page.goto(`${t.url}${path}`);
  return { page, watched };
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Show figures' }).click();
}

/** A table's body rows as arrays of cell texts. */
// This file is type-checked as Node code, without the DOM's types: page code is typed loosely.
const rowsOf = (page: Page, figure: string): Promise<string[][]> =>
  page
    .locator(`table[data-figure="${figure}"] tbody tr`)
    .evaluateAll((rows: { children: ArrayLike<{ textContent: string | null }> }[]) =>
      rows.map((row) => Array.from(row.children, (cell) => cell.textContent ?? '')),
    );
const focusedId = (page: Page): Promise<string | undefined> => page.evaluate('document.activeElement?.id');

const n = (value: number | null) => (value === null ? '—' : value.toLocaleString('en', { maximumFractionDigits: 2 }));

function expectOnlyOwnOrigin(watched: Watched) {
  const origin = new URL(t.url).origin;
  expect(watched.requests.length).toBeGreaterThan(0);
  expect(watched.requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
}

describe('GET /dashboard in Chromium', () => {
  it('shows an analyst the API’s figures for the window in the URL, fetching nothing from elsewhere', async () => {
    const { page, watched } = await openPage(`/dashboard?${query(window2019)}`);
    await signIn(page, t.token('KH', 'analyst'));
    const total = page.locator('[data-value="deportations-total"]');
    await total.waitFor();

    const monthly = await api(`/v1/statistics/deportations?${query({ ...window2019, groupBy: 'month' })}`);
    expect(monthly.total).toBe(5);
    expect(await total.textContent()).toBe(String(monthly.total));
    expect(await rowsOf(page, 'per-month')).toEqual(fill(monthsOf(window2019), monthly.groups).map((g) => [g.key, String(g.count)]));

    const yearly = await api(`/v1/statistics/deportations?${query({ from: '2014-01-01', to: window2019.to, groupBy: 'year' })}`);
    expect(await rowsOf(page, 'per-year')).toEqual(fill(yearsUpTo(window2019), yearly.groups).map((g) => [g.key, String(g.count)]));

    const offences = await api(`/v1/statistics/deportations?${query({ ...window2019, groupBy: 'offence' })}`);
    expect(offences.groups.length).toBe(4);
    expect(await rowsOf(page, 'by-offence')).toEqual(offences.groups.map((g: any) => [label(g.key), String(g.count)]));

    const durations = await Promise.all(
      ['deportation', 'extradition', 'victim_repatriation'].map((kind) =>
        api(`/v1/statistics/durations?${query({ ...window2019, kind })}`),
      ),
    );
    expect(durations[0].count).toBe(6); // the one handed over but not completed counts here
    expect(await rowsOf(page, 'durations')).toEqual(durations.map((d) => [label(d.kind), n(d.medianDays), n(d.p90Days), String(d.count)]));

    const refusals = await api(`/v1/statistics/refusals?${query(window2019)}`);
    expect(refusals.total).toBe(2);
    expect(await rowsOf(page, 'refusals')).toEqual(refusals.groups.map((g: any) => [label(g.key), String(g.count)]));

    const verifications = await api(`/v1/statistics/victim-verifications?${query(window2019)}`);
    const overdue = await Promise.all(['KH', 'CN'].map((p) => api(`/v1/statistics/victim-verifications/overdue?requestedParty=${p}`)));
    expect(verifications.late).toBeGreaterThan(0);
    expect(overdue[0].count).toBeGreaterThan(0);
    expect(await rowsOf(page, 'verifications')).toEqual([
      ['Within 30 days', String(verifications.withinDeadline)],
      ['Late', String(verifications.late)],
      ['Overdue now (KH)', String(overdue[0].count)],
      ['Overdue now (CN)', String(overdue[1].count)],
    ]);

    // A chart beside each table that has figures, each with a label for screen readers.
    expect(await page.locator('canvas[role=img][aria-label]').count()).toBe(6);
    expect(await page.locator('[data-value="integrity"]').count()).toBe(0);
    const text = await page.locator('body').innerText();
    for (const value of personalData) expect(text).not.toContain(value);
    expectOnlyOwnOrigin(watched);
    expect(watched.errors).toEqual([]);
    await page.screenshot({ path: `${screenshots}dashboard-laptop.png`, fullPage: true });
    await page.close();
  });

  it('is signed into by keyboard at 390 px and never scrolls sideways', async () => {
    const { page, watched } = await openPage(`/dashboard?${query(window2019)}`, phone);
    await page.getByLabel('Access token').waitFor();
    // From the top of the page, Tab reaches the token field; Enter submits it.
    for (let i = 0; i < 5 && (await focusedId(page)) !== 'token'; i += 1) await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('token');
    await page.keyboard.type(t.token('CN', 'analyst'));
    await page.keyboard.press('Enter');
    await page.locator('[data-value="deportations-total"]').waitFor();
    expect(await page.locator('[data-value="deportations-total"]').textContent()).toBe('5');
    const widths: { scroll: number; view: number } = await page.evaluate(
      '({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.view);
    expect(watched.errors).toEqual([]);
    expectOnlyOwnOrigin(watched);
    await page.screenshot({ path: `${screenshots}dashboard-phone.png`, fullPage: true });
    await page.close();
  });

  it('keeps the picked window in the URL and the token for the tab only', async () => {
    const { page, watched } = await openPage('/dashboard');
    // No window given: the last 12 months, written into the URL.
    await page.waitForURL(/\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByLabel('Last 12 months').isChecked()).toBe(true);
    await signIn(page, t.token('KH', 'analyst'));
    await page.locator('[data-value="deportations-total"]').waitFor();

    await page.getByLabel('Calendar year').check();
    await page.getByLabel('Year', { exact: true }).fill('2018');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\?from=2018-01-01&to=2018-12-31$/);
    // Anchored: a text filter is a case-insensitive substring, and "Loading the figures for …"
    // shows while the previous window's figures are still on the page.
    await page.locator('#status', { hasText: /^Figures for 2018-01-01 to 2018-12-31/ }).waitFor();
    const in2018 = await api(`/v1/statistics/deportations?from=2018-01-01&to=2018-12-31`);
    expect(await page.locator('[data-value="deportations-total"]').textContent()).toBe(String(in2018.total));

    await page.reload();
    await page.locator('#status', { hasText: /^Figures for 2018-01-01 to 2018-12-31/ }).waitFor();
    expect(await page.getByLabel('Calendar year').isChecked()).toBe(true);
    expect(await page.locator('[data-value="deportations-total"]').textContent()).toBe('1');

    // Another tab starts signed out.
    const other = await openPage(`/dashboard?from=2018-01-01&to=2018-12-31`);
    await other.page.locator('#status', { hasText: 'Enter your access token' }).waitFor();
    expect(await other.page.locator('[data-value="deportations-total"]').count()).toBe(0);
    expect([...watched.errors, ...other.watched.errors]).toEqual([]);
    await other.page.close();
    await page.close();
  });

  it('says so when the window is empty, the token is refused or the API does not answer', async () => {
    const empty = await openPage('/dashboard?from=2030-01-01&to=2030-01-31');
    await signIn(empty.page, t.token('KH', 'analyst'));
    await empty.page.locator('#empty-window').waitFor();
    expect(await empty.page.locator('[data-value="deportations-total"]').textContent()).toBe('0');
    expect(await empty.page.locator('#per-month .empty').textContent()).toBe('No deportation was completed in this window.');
    expect(empty.watched.errors).toEqual([]);
    await empty.page.close();

    const unauthorized = await openPage(`/dashboard?${query(window2019)}`);
    await signIn(unauthorized.page, 'not-a-token');
    await expect.poll(() => unauthorized.page.locator('#alert').textContent()).toContain('The access token was not accepted');
    expect(await unauthorized.page.locator('[data-value="deportations-total"]').count()).toBe(0);
    await unauthorized.page.close();

    // Every valid role may read statistics, so the service's 403 is played here by the route.
    const forbidden = await openPage(`/dashboard?${query(window2019)}`);
    await forbidden.page.route('**/v1/statistics/**', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'urn:cco:problem:forbidden',
          title: 'Not allowed for this party or role',
          status: 403,
          detail: 'Requires one of: analyst',
        }),
      }),
    );
    await signIn(forbidden.page, t.token('KH', 'analyst'));
    await expect.poll(() => forbidden.page.locator('#alert').textContent()).toContain('may not read the statistics');
    await forbidden.page.close();

    const down = await openPage(`/dashboard?${query(window2019)}`);
    await down.page.route('**/v1/**', (route) => route.abort('connectionrefused'));
    await signIn(down.page, t.token('KH', 'analyst'));
    await expect.poll(() => down.page.locator('#alert').textContent()).toContain('cannot be reached');
    expect(await down.page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await down.page.close();
  });

  it('shows an auditor the last integrity result and the projection lag', async () => {
    const { page, watched } = await openPage(`/dashboard?${query(window2019)}`);
    await signIn(page, t.token('CN', 'auditor'));
    const verdict = page.locator('[data-value="integrity"]');
    await verdict.waitFor();
    expect((await api('/v1/audit/integrity', t.token('CN', 'auditor'))).ok).toBe(true);
    expect(await verdict.textContent()).toBe('intact');
    const lag = (await t.request('GET', '/health')).body.projections as { name: string }[];
    expect((await rowsOf(page, 'projection-lag')).map((row) => row[0])).toEqual(lag.map((p) => p.name));
    expect(watched.errors).toEqual([]);
    await page.screenshot({ path: `${screenshots}dashboard-auditor.png`, fullPage: true });
    await page.close();
  });

  it('is served with a policy that allows only its own origin', async () => {
    for (const path of ['/dashboard', '/dashboard/app.js', '/dashboard/app.css']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    }
  });
});
