import { parseArgs } from 'node:util';
import { drive, type Progress } from './drive';
import { deportationFigure, waitForProjections } from './figures';
import { planHistory, plannedDeportations } from './plan';
import { tokenSigner } from './tokens';

// npm run simulate -- --from 2014-01-01 --to 2019-10-31 --seed 1 [--url http://127.0.0.1:3000]
// Drives a seeded history through the public API, then prints the office's figures as the
// statistics endpoint answers them, checked against what was driven.
const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '2014-01-01' },
    to: { type: 'string', default: '2019-10-31' },
    seed: { type: 'string', default: '1' },
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    concurrency: { type: 'string', default: '8' },
    scale: { type: 'string', default: '1' },
  },
});
const url = values.url.replace(/\/$/, '');
const tokenFor = tokenSigner();
const plan = planHistory({ from: values.from, to: values.to, seed: Number(values.seed), scale: Number(values.scale) });
const requests = plan.cases.reduce((sum, c) => sum + 1 + c.steps.length, 0);
console.error(`simulate: ${plan.cases.length} cases, ${requests} requests, ${values.from}..${values.to}, seed ${plan.seed} → ${url}`);

const started = Date.now();
let printed = 0;
// On a terminal one line redrawn in place; in a log, a line every few seconds.
const show = (p: Progress, final = false) => {
  const interval = process.stderr.isTTY ? 250 : 5000;
  if (!final && Date.now() - printed < interval) return;
  printed = Date.now();
  const elapsed = (Date.now() - started) / 1000;
  const line = `simulate: ${p.casesDone}/${p.cases} cases (${Math.floor((100 * p.casesDone) / p.cases)}%), ${p.requests} requests, ${Math.round(p.requests / Math.max(elapsed, 0.001))}/s, at ${p.at}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
  else console.error(line);
};
const done = await drive(plan, { url, tokenFor, concurrency: Number(values.concurrency), onProgress: (p) => show(p) });
show(done, true);

console.error('simulate: waiting for the projections to apply the whole log…');
await waitForProjections(url);
const windows: [string, string][] = [
  ['2018-11-01', '2019-10-31'],
  ['2014-01-01', '2019-08-31'],
  [values.from, values.to],
];
let mismatches = 0;
console.log(
  `simulated ${values.from}..${values.to} (seed ${plan.seed}): ${plan.cases.length} cases, ${done.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log('completed deportations (GET /v1/statistics/deportations):');
for (const [from, to] of windows) {
  const figure = await deportationFigure(url, tokenFor, from, to);
  const planned = plannedDeportations(plan, from, to);
  if (figure.total !== planned) mismatches += 1;
  console.log(
    `  ${from}..${to}  ${String(figure.total).padStart(5)}  ${figure.total === planned ? '(as driven)' : `(MISMATCH: driven ${planned})`}`,
  );
}
const byYear = await deportationFigure(url, tokenFor, values.from, values.to, 'year');
console.log(`  by year: ${byYear.groups.map((g) => `${g.key} ${g.count}`).join(', ')}`);
process.exit(mismatches === 0 ? 0 : 1);
