// GET /dashboard: the office's figures for a window of UTC days, from the statistics endpoints.
// Figures only: the page asks for nothing that carries personal data (no case, no event).
import {
  ApiFailure,
  claimedRoles,
  getJson,
  type Counted,
  type Durations,
  type Health,
  type Integrity,
  type Overdue,
  type Verifications,
} from './api';
import { clearFigures, el, renderFigure } from './figure';
import {
  calendarYear,
  fill,
  isDay,
  isoDay,
  last12Months,
  modeOf,
  monthsOf,
  windowFromQuery,
  yearsUpTo,
  type Mode,
  type Window,
} from './window';

const TOKEN_KEY = 'cco.dashboard.accessToken';
const BLUE = '#1f5fa8';
const ORANGE = '#a34f00';
const kinds = ['deportation', 'extradition', 'victim_repatriation'] as const;
const parties = ['KH', 'CN'] as const;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const tokenForm = $<HTMLFormElement>('token-form');
const tokenInput = $<HTMLInputElement>('token');
const forget = $<HTMLButtonElement>('forget');
const windowForm = $<HTMLFormElement>('window-form');
const yearInput = $<HTMLInputElement>('year');
const fromInput = $<HTMLInputElement>('from');
const toInput = $<HTMLInputElement>('to');
const windowError = $<HTMLParagraphElement>('window-error');
const status = $<HTMLParagraphElement>('status');
const alertBox = $<HTMLDivElement>('alert');
const figures = $<HTMLDivElement>('figures');

const today = () => isoDay(new Date());
const label = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' ');
const days = (value: number | null) => (value === null ? '—' : value.toLocaleString('en', { maximumFractionDigits: 2 }));
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

let loading = 0;

function currentWindow(): Window {
  return windowFromQuery(location.search, today()).window;
}

/** The picker shows the URL's window. */
function showWindow(window: Window) {
  const mode = modeOf(window, today());
  for (const radio of windowForm.querySelectorAll<HTMLInputElement>('input[name=mode]')) radio.checked = radio.value === mode;
  yearInput.value = window.from.slice(0, 4);
  fromInput.value = window.from;
  toInput.value = window.to;
  syncPicker(mode);
}

function syncPicker(mode: Mode) {
  $('year-field').hidden = mode !== 'year';
  $('custom-field').hidden = mode !== 'custom';
}

function pickedWindow(): Window | string {
  const mode = (windowForm.querySelector<HTMLInputElement>('input[name=mode]:checked')?.value ?? 'last12') as Mode;
  if (mode === 'last12') return last12Months(today());
  if (mode === 'year') {
    const year = Number(yearInput.value);
    return Number.isInteger(year) && year >= 1 && year <= 9999 ? calendarYear(year) : 'Enter a year, e.g. 2024.';
  }
  if (!isDay(fromInput.value) || !isDay(toInput.value)) return 'Enter both days of the window.';
  if (fromInput.value > toInput.value) return 'The first day must not be after the last.';
  return { from: fromInput.value, to: toInput.value };
}

function say(message: string) {
  status.textContent = message;
}

function alarm(message: string | null, action?: { label: string; run: () => void }) {
  alertBox.replaceChildren();
  alertBox.hidden = message === null;
  if (message === null) return;
  alertBox.append(el('p', {}, message));
  if (action) alertBox.append(el('button', { type: 'button', onclick: action.run }, action.label));
}

function explain(error: unknown) {
  if (error instanceof ApiFailure) {
    const { kind, detail } = error.failure;
    if (kind === 'unauthorized') {
      alarm(`The access token was not accepted (${detail}). Enter a current token of your ministry.`);
      tokenInput.focus();
    } else if (kind === 'forbidden') {
      alarm(`This token may not read the statistics (${detail}). They are for analysts and auditors.`);
    } else {
      alarm(
        `The statistics service cannot be reached just now (${detail}). Nothing is shown rather than old figures; try again in a moment.`,
        { label: 'Try again', run: () => void load() },
      );
    }
  } else {
    alarm(`The page could not show the figures: ${(error as Error).message}`, { label: 'Try again', run: () => void load() });
  }
}

async function load() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  forget.hidden = token === null;
  const window = currentWindow();
  showWindow(window);
  if (token === null) {
    clearFigures(figures);
    say('Enter your access token to see the figures.');
    return;
  }
  const attempt = ++loading;
  alarm(null);
  say(`Loading the figures for ${window.from} to ${window.to}…`);
  figures.setAttribute('aria-busy', 'true');
  const get = <T>(path: string, params: Record<string, string>) => getJson<T>(`${path}?${new URLSearchParams(params)}`, token);
  const span = { from: window.from, to: window.to };
  const sinceFirstYear = { from: '2014-01-01', to: window.to < '2014-01-01' ? '2014-01-01' : window.to };
  try {
    const [monthly, yearly, offences, durations, refusals, verifications, overdue] = await Promise.all([
      get<Counted>('/v1/statistics/deportations', { ...span, groupBy: 'month' }),
      get<Counted>('/v1/statistics/deportations', { ...sinceFirstYear, groupBy: 'year' }),
      get<Counted>('/v1/statistics/deportations', { ...span, groupBy: 'offence' }),
      Promise.all(kinds.map((kind) => get<Durations>('/v1/statistics/durations', { ...span, kind }))),
      get<Counted>('/v1/statistics/refusals', span),
      get<Verifications>('/v1/statistics/victim-verifications', span),
      Promise.all(
        parties.map((requestedParty) => get<Overdue>('/v1/statistics/victim-verifications/overdue', { requestedParty, limit: '1' })),
      ),
    ]);
    if (attempt !== loading) return;
    clearFigures(figures);
    render(window, { monthly, yearly, offences, durations, refusals, verifications, overdue });
    say(`Figures for ${window.from} to ${window.to} (UTC days, both included), as of ${new Date().toISOString().slice(11, 16)} UTC.`);
    if (claimedRoles(token).includes('auditor')) await renderAudit(token, attempt);
  } catch (error) {
    if (attempt !== loading) return;
    clearFigures(figures);
    say('');
    explain(error);
  } finally {
    if (attempt === loading) figures.removeAttribute('aria-busy');
  }
}

interface Figures {
  monthly: Counted;
  yearly: Counted;
  offences: Counted;
  durations: Durations[];
  refusals: Counted;
  verifications: Verifications;
  overdue: Overdue[];
}

function render(window: Window, f: Figures) {
  const total = el('strong', {}, f.monthly.total.toLocaleString('en'));
  total.dataset.value = 'deportations-total';
  figures.append(
    el(
      'p',
      { className: 'total', id: 'total' },
      total,
      ` completed ${f.monthly.total === 1 ? 'deportation' : 'deportations'} from ${window.from} to ${window.to}.`,
    ),
  );
  if (f.monthly.total === 0 && f.refusals.total === 0 && f.verifications.total === 0) {
    figures.append(
      el(
        'p',
        { className: 'notice', id: 'empty-window' },
        `Nothing was recorded in this window: no completed deportation, no refusal, no victim verification between ${window.from} and ${window.to}. Choose another window above.`,
      ),
    );
  }
  const months = fill(monthsOf(window), f.monthly.groups);
  renderFigure(figures, {
    id: 'per-month',
    title: 'Completed deportations per month',
    summary: `${plural(f.monthly.total, 'deportation', 'deportations')} completed in ${plural(months.length, 'month', 'months')}.`,
    columns: ['Month', 'Completed'],
    categories: months.map((m) => m.key),
    series: [{ label: 'Completed', values: months.map((m) => m.count), color: BLUE }],
    empty: 'No deportation was completed in this window.',
  });
  const years = fill(yearsUpTo(window), f.yearly.groups);
  renderFigure(figures, {
    id: 'per-year',
    title: 'Completed deportations per year since 2014',
    summary: `${plural(f.yearly.total, 'deportation', 'deportations')} completed from 2014 to ${window.to.slice(0, 4)}.`,
    columns: ['Year', 'Completed'],
    categories: years.map((y) => y.key),
    series: [{ label: 'Completed', values: years.map((y) => y.count), color: BLUE }],
    empty: 'No deportation was completed since 2014.',
  });
  renderFigure(figures, {
    id: 'by-offence',
    title: 'Completed deportations by principal offence',
    summary: f.offences.groups.length
      ? `The principal offence (the first listed) of each deportation completed in the window.`
      : 'No deportation was completed in this window.',
    columns: ['Principal offence', 'Completed'],
    categories: f.offences.groups.map((g) => label(g.key)),
    series: [{ label: 'Completed', values: f.offences.groups.map((g) => g.count), color: BLUE }],
    empty: 'No deportation was completed in this window.',
  });
  renderFigure(figures, {
    id: 'durations',
    title: 'Days from filing to handover',
    summary: `Of the ${plural(
      f.durations.reduce((n, d) => n + d.count, 0),
      'case',
      'cases',
    )} handed over in the window: the median and the 90th percentile, by kind of case.`,
    columns: ['Kind', 'Median days', '90th percentile days', 'Cases handed over'],
    categories: f.durations.map((d) => label(d.kind ?? 'all')),
    series: [
      { label: 'Median days', values: f.durations.map((d) => d.medianDays), color: BLUE },
      { label: '90th percentile days', values: f.durations.map((d) => d.p90Days), color: ORANGE },
      // The count is a table column only: a count of cases does not belong on an axis of days.
    ],
    empty: 'No case was handed over in this window.',
    format: days,
  });
  // The handed-over counts as the durations table's last column.
  const durationsTable = figures.querySelector<HTMLTableElement>('table[data-figure=durations]');
  durationsTable
    ?.querySelectorAll('tbody tr')
    .forEach((row, i) => row.append(el('td', {}, (f.durations[i]?.count ?? 0).toLocaleString('en'))));
  renderFigure(figures, {
    id: 'refusals',
    title: 'Refusals by ground',
    summary: `${plural(f.refusals.total, 'request was', 'requests were')} refused in the window.`,
    columns: ['Ground', 'Refusals'],
    categories: f.refusals.groups.map((g) => label(g.key)),
    series: [{ label: 'Refusals', values: f.refusals.groups.map((g) => g.count), color: ORANGE }],
    empty: 'No request was refused in this window.',
  });
  const v = f.verifications;
  const overdue = f.overdue.map((o) => `${o.requestedParty}: ${o.count.toLocaleString('en')}`).join(', ');
  renderFigure(figures, {
    id: 'verifications',
    title: 'Victim verifications',
    summary: `${plural(v.total, 'verification was', 'verifications were')} done in the window, ${v.withinDeadline.toLocaleString('en')} within the 30 days the agreement allows. Overdue now (by the party that owes it): ${overdue}.`,
    columns: ['Verifications', 'Count'],
    categories: ['Within 30 days', 'Late', 'Overdue now (KH)', 'Overdue now (CN)'],
    series: [
      {
        label: 'Verifications',
        values: [v.withinDeadline, v.late, ...parties.map((p) => f.overdue.find((o) => o.requestedParty === p)?.count ?? 0)],
        color: BLUE,
      },
    ],
    empty: 'No victim verification was done in this window, and none is overdue.',
  });
}

async function renderAudit(token: string, attempt: number) {
  const section = el('section', { className: 'figure', id: 'audit' }, el('h2', { id: 'audit-h' }, 'For auditors'));
  section.setAttribute('aria-labelledby', 'audit-h');
  figures.append(section);
  try {
    const [integrity, health] = await Promise.all([getJson<Integrity>('/v1/audit/integrity', token), getJson<Health>('/health', null)]);
    if (attempt !== loading) return;
    const verdict = el('strong', {}, integrity.ok ? 'intact' : `broken at position ${integrity.firstBrokenPosition ?? '?'}`);
    verdict.dataset.value = 'integrity';
    section.append(
      el(
        'p',
        {},
        'Hash chain: ',
        verdict,
        `; ${plural(integrity.checked, 'link', 'links')} checked now, ${integrity.chainLength} in the chain.`,
      ),
    );
    const lag = health.projections ?? [];
    const rows = lag.map((p) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, p.name),
        el('td', {}, p.eventsBehind.toLocaleString('en')),
        el('td', {}, p.secondsBehind.toLocaleString('en')),
      ),
    );
    const table = el(
      'table',
      {},
      el('caption', {}, 'Projection lag: how far each read model is behind the log'),
      el('thead', {}, el('tr', {}, ...['Projection', 'Events behind', 'Seconds behind'].map((c) => el('th', { scope: 'col' }, c)))),
      el('tbody', {}, ...rows),
    );
    table.dataset.figure = 'projection-lag';
    section.append(el('div', { className: 'table', tabIndex: 0 }, table));
  } catch (error) {
    const detail = error instanceof ApiFailure ? error.failure.detail : (error as Error).message;
    section.append(el('p', { className: 'notice' }, `The integrity result and projection lag could not be read (${detail}).`));
  }
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) return;
  // For this tab only: sessionStorage ends with the tab, and the field is emptied at once.
  sessionStorage.setItem(TOKEN_KEY, token);
  tokenInput.value = '';
  void load();
});

forget.addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  alarm(null);
  void load();
  tokenInput.focus();
});

windowForm.addEventListener('change', (event) => {
  const target = event.target as HTMLInputElement;
  if (target.name === 'mode') syncPicker(target.value as Mode);
});

windowForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const picked = pickedWindow();
  windowError.textContent = typeof picked === 'string' ? picked : '';
  if (typeof picked === 'string') return;
  history.pushState(null, '', `?${new URLSearchParams({ from: picked.from, to: picked.to })}`);
  void load();
});

window.addEventListener('popstate', () => void load());

// A window the URL does not give (or gives badly) is written back, so the address can be shared.
const initial = windowFromQuery(location.search, today());
if (!initial.given) history.replaceState(null, '', `?${new URLSearchParams({ from: initial.window.from, to: initial.window.to })}`);
void load();
