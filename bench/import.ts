import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sealForStorage } from '@cco/cases';
import { verifyChain } from '@cco/transparency-log';
import { sql } from 'kysely';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { caseHistories } from '@cco/testkit';
import { chainAll, endProgress, loadHistory, progress } from './support/load';
import { profiled } from './support/profiled';
import { figure, goal, now, ratio, seconds, title } from './support/report';

const run = promisify(execFile);

// The bulk back-fill path for historical events: importCaseHistories (subject keys created and
// personal data sealed in the same transaction) → importEvents (streams claimed at their
// expected versions, multi-row INSERTs, the hash chain computed in batch in the same
// transaction), one transaction per batch of cases; then the chainer runs until the chain
// covers every event (it has nothing left to do when the import chained itself); the figure is
// both together. verifyChain checks the result.
// Baseline: PostgreSQL's COPY (psql \copy) of the same number of stored-form rows, same
// columns, into a bare table (no index, constraint or trigger): the machine's bulk-load limit.

const bench: Benchmark = {
  summary: 'bulk back-fill of historical events (importEvents + batched chain) vs COPY of the same rows into a bare table',
  defaults: { events: 1_000_000, casesPerBatch: 2000, seed: 1, verify: true },
  async run(flags) {
    const total = Number(flags.events);
    const database = await createBenchDatabase('import', { poolSize: 4 });
    const work = mkdtempSync(join(tmpdir(), 'cco-bench-import-'));
    try {
      title(`baseline: COPY of ${total.toLocaleString('en')} stored-form event rows into a bare table`);
      const file = join(work, 'events.copy');
      await writeCopyFile(file, total, Number(flags.seed));
      await sql`create table bench_copy_events (event_id uuid, stream_id text, stream_version bigint, type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)`.execute(
        database.db,
      );
      const copyStarted = now();
      await run('psql', [database.url, '-qc', `\\copy bench_copy_events from '${file}'`]);
      const copySeconds = seconds(copyStarted);
      rmSync(file);
      await sql`drop table bench_copy_events`.execute(database.db);
      figure('COPY', total / copySeconds, 'rows/s');
      figure('COPY duration', copySeconds, 's', 2);

      title(`import: ${total.toLocaleString('en')} events, ${flags.casesPerBatch} cases per transaction`);
      const loaded = await profiled('import', () =>
        loadHistory(database.db, {
          events: total,
          seed: Number(flags.seed),
          casesPerBatch: Number(flags.casesPerBatch),
          onProgress: progress('imported'),
        }),
      );
      endProgress();
      const chainStarted = now();
      const linked = await chainAll(database.db);
      const chainSeconds = seconds(chainStarted);
      const both = loaded.importSeconds + chainSeconds;
      figure('cases', loaded.cases);
      figure('events', loaded.events);
      figure('events the import chained itself', loaded.chained);
      figure('import (keys, sealing, streams, events, links)', loaded.events / loaded.importSeconds, 'events/s');
      figure('import duration', loaded.importSeconds, 's', 2);
      figure('links the chainer added after the import', linked);
      if (linked > 0) figure('chainer over the import', linked / chainSeconds, 'events/s');
      figure('chainer duration', chainSeconds, 's', 2);
      figure('import + chain', loaded.events / both, 'events/s');
      figure('import + chain duration', both, 's', 2);
      ratio('ratio (import + chain) ÷ COPY', loaded.events / both, total / copySeconds);
      goal(
        '≥ 50,000 events/s (import + chain)',
        loaded.events / both >= 50_000,
        `${Math.round(loaded.events / both).toLocaleString('en')} events/s`,
      );

      title('the invariants, checked after the import');
      const { rows } = await sql<{ events: string; streams: string; keys: string; bad_versions: string; chained: string }>`
        select (select count(*) from events) as events, (select count(*) from streams) as streams,
               (select count(*) from subject_keys) as keys, (select count(*) from event_chain) as chained,
               (select count(*) from streams s where s.version <> (select count(*) from events e where e.stream_id = s.stream_id)) as bad_versions`.execute(
        database.db,
      );
      const c = rows[0]!;
      figure('events / streams / subject keys', `${c.events} / ${c.streams} / ${c.keys}`);
      figure('streams whose version ≠ their event count', Number(c.bad_versions));
      figure('links in the chain', Number(c.chained));
      if (flags.verify) {
        const verifyStarted = now();
        const verified = await verifyChain(database.db);
        const verifySeconds = seconds(verifyStarted);
        figure(
          'verifyChain',
          verified.ok ? `ok, ${verified.checked} links in ${verifySeconds.toFixed(1)} s` : `BROKEN at ${verified.firstBrokenPosition}`,
        );
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
      await database.drop();
    }
  },
};
export default bench;

/** The same history, sealed as the import stores it (throwaway keys), as COPY text. */
async function writeCopyFile(file: string, total: number, seed: number) {
  const out = createWriteStream(file);
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  for (const batch of caseHistories({ events: total, seed })) {
    let chunk = '';
    for (const h of batch) {
      const key = randomBytes(32);
      h.events.forEach((e, i) => {
        const stored = sealForStorage(h.caseId, e, e.type === 'RequestFiled' ? key : null);
        chunk += `${stored.id}\t${h.caseId}\t${i + 1}\t${stored.type}\t${stored.schemaVersion}\t${esc(JSON.stringify(stored.data))}\t${esc(JSON.stringify(stored.metadata))}\t${stored.occurredAt.toISOString()}\n`;
      });
    }
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
