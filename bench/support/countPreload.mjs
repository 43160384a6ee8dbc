// Loaded into the service with --import by `append-http` (never in production): counts the
// SQL statements the service sends through `pg` (every Client#query: Kysely's, the pool's, a
// cursor's; BEGIN and COMMIT included) while switched on. SIGURG switches counting on; the
// next SIGURG writes the counts to CCO_COUNT_FILE and switches it off. Each statement is
// labelled by its verb and first table; one call in SAMPLE_EVERY also records which part of
// the service issued it, from the async stack trace put back into the source files through
// the bundle's source map (command = services/api, chainer, projections, relay).
import { writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import pg from 'pg';

const file = process.env.CCO_COUNT_FILE;
const SAMPLE_EVERY = 8;

if (file) {
  let on = false;
  let calls = 0;
  const byLabel = new Map(); // label -> statements
  const sampled = new Map(); // `${component}\t${label}` -> sampled statements
  const labels = new Map(); // SQL text -> label (texts repeat)
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(config) {
    if (on) {
      const text = typeof config === 'string' ? config : (config?.text ?? '');
      let label = labels.get(text);
      if (label === undefined) {
        label = labelOf(text);
        if (labels.size < 10_000) labels.set(text, label);
      }
      byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
      if (++calls % SAMPLE_EVERY === 0) {
        const key = `${componentOfCaller()}\t${label}`;
        sampled.set(key, (sampled.get(key) ?? 0) + 1);
      }
    }
    return original.apply(this, arguments);
  };
  process.on('SIGURG', () => {
    if (!on) {
      byLabel.clear();
      sampled.clear();
      calls = 0;
      on = true;
      return;
    }
    on = false;
    writeFileSync(
      file,
      JSON.stringify({ sampleEvery: SAMPLE_EVERY, statements: Object.fromEntries(byLabel), sampled: Object.fromEntries(sampled) }),
    );
  });
}

/** `insert events`, `select checkpoints`, `with … insert events,streams`; a statement without a table by its start. */
function labelOf(text) {
  const sql = text.replace(/\s+/g, ' ').trim().toLowerCase();
  const verb = /^(\w+)/.exec(sql)?.[1] ?? '?';
  if (verb === 'with') {
    const inserted = new Set([...sql.matchAll(/insert into "?([a-z_][a-z0-9_]*)"?/g)].map((m) => m[1]));
    if (inserted.size > 0) return `with … insert ${[...inserted].join(',')}`;
  }
  const table = /\b(?:into|from|update)\s+"?([a-z_][a-z0-9_.]*)"?/.exec(sql)?.[1];
  return table ? `${verb} ${table}` : sql.slice(0, 48);
}

const maps = new Map();
function originalSource(site) {
  const name = site.getFileName();
  if (!name) return '';
  if (!name.endsWith('.mjs')) return name;
  if (!maps.has(name)) maps.set(name, findSourceMap(name) ?? findSourceMap(name.replace(/^file:\/\//, '')) ?? null);
  const entry = maps.get(name)?.findEntry((site.getLineNumber() ?? 1) - 1, (site.getColumnNumber() ?? 1) - 1);
  return entry?.originalSource ?? name;
}

/** Which part of the service the current (async) stack comes from. */
function componentOfCaller() {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  Error.prepareStackTrace = (_error, sites) => sites;
  const holder = {};
  Error.captureStackTrace(holder);
  const sites = holder.stack;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  const files = sites.map(originalSource).filter((f) => f.includes('/packages/') || f.includes('/services/'));
  const has = (re) => files.some((f) => re.test(f));
  if (has(/publishing\/src|plugins\/relay/)) return 'relay';
  if (has(/projections\/src|plugins\/projections/)) return 'projections';
  if (has(/chainEvents|plugins\/chainer|verifyChainIncrementally/)) return 'chainer';
  if (has(/services\/api\/src/)) return 'command';
  // The NOTIFY a commit is followed by (batched on a timer, so no route on the stack).
  if (has(/announceAppends/)) return 'command (NOTIFY after commit)';
  // In the service only the workers run catch-up loops; where the async stack breaks between a
  // step and the transaction it begins, nothing but the loop is left to tell the part.
  if (has(/runCatchUp/)) return 'worker loop (step not on the stack)';
  const last = files.at(-1);
  return last ? `other (${last.replace(/^.*\/(packages|services)\//, '')})` : 'other (no app frame)';
}
