import { randomUUID } from 'node:crypto';
import { appendToStream, type NewEvent } from '@cco/event-store';
import { sql, type Kysely } from 'kysely';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { oneRowInsert, pgbench } from './support/pgbench';
import { sampleWaits } from './support/waits';
import { figure, line, now, percentile, ratio, seconds, title } from './support/report';

// The store's append without HTTP: N writers, each appending to streams of its own with the
// exact expected version (as the API does), 1-event and 10-event appends. Baseline: pgbench
// running a 1-row (resp. 10-row) INSERT transaction with the same number of clients.

const payload = (i: number): NewEvent => ({
  type: 'IdentityVerified',
  occurredAt: new Date('2019-10-01T08:30:00.000Z'),
  data: {
    nationalityConfirmed: true,
    identityConfirmed: true,
    confirmedNationality: 'CN',
    documentsSufficient: true,
    notes: `benchmark event ${i}`,
  },
  metadata: { actor: 'kh-officer-7', party: 'KH', roles: ['officer'], correlationId: randomUUID(), causationId: null },
});

const bench: Benchmark = {
  summary: "the store's appendToStream without HTTP: 1 and 8 concurrent writers, 1-event and 10-event appends",
  defaults: { seconds: 10, warmup: 2, writers: '1,8', sizes: '1,10', streamLength: 20 },
  async run(flags) {
    const writerCounts = String(flags.writers).split(',').map(Number);
    const sizes = String(flags.sizes).split(',').map(Number);
    const duration = Number(flags.seconds);
    const database = await createBenchDatabase('append_store', { poolSize: Math.max(...writerCounts) + 2 });
    try {
      await sql.raw(oneRowInsert.setup).execute(database.db);
      const rows: {
        writers: number;
        size: number;
        appends: number;
        events: number;
        p50: number;
        p99: number;
        baseline: number;
        baselineP99: number;
      }[] = [];
      for (const size of sizes) {
        for (const writers of writerCounts) {
          title(`append-store: ${writers} writer(s), ${size}-event appends, ${duration} s (after ${flags.warmup} s warm-up)`);
          const waits = sampleWaits(database.url, database.name);
          const measured = await appendFor(database.db, writers, size, Number(flags.warmup), duration, Number(flags.streamLength));
          await waits.stop(`${writers} writer(s), ${size}-event appends`);
          const base = await pgbench(database.url, { script: oneRowInsert.script(size), clients: writers, seconds: duration });
          figure('appends', measured.appends, 'appends/s');
          figure('events', measured.appends * size, 'events/s');
          figure('append latency p50', measured.p50, 'ms', 2);
          figure('append latency p99', measured.p99, 'ms', 2);
          figure(`baseline: pgbench ${size}-row INSERT transaction`, base.tps, 'TPS');
          figure('baseline latency p50', base.p50Ms, 'ms', 2);
          figure('baseline latency p99', base.p99Ms, 'ms', 2);
          figure('baseline command', base.command);
          ratio('ratio appends/s ÷ baseline TPS', measured.appends, base.tps);
          rows.push({
            writers,
            size,
            appends: measured.appends,
            events: measured.appends * size,
            p50: measured.p50,
            p99: measured.p99,
            baseline: base.tps,
            baselineP99: base.p99Ms,
          });
        }
      }
      title('append-store summary');
      line('  writers  events/append    appends/s     events/s   p50 ms   p99 ms   baseline TPS   ratio');
      for (const r of rows) {
        line(
          `  ${String(r.writers).padStart(7)}  ${String(r.size).padStart(13)}  ${r.appends.toFixed(0).padStart(11)}  ${r.events.toFixed(0).padStart(11)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${r.baseline.toFixed(0).padStart(13)}  ${(r.appends / r.baseline).toFixed(3).padStart(6)}`,
        );
      }
    } finally {
      await database.drop();
    }
  },
};
export default bench;

async function appendFor(db: Kysely<any>, writers: number, size: number, warmup: number, duration: number, streamLength: number) {
  const latencies: number[] = [];
  let appends = 0;
  let measuring = false;
  const warmEnd = Date.now() + warmup * 1000;
  const end = warmEnd + duration * 1000;
  let startedAt = 0n;
  const events = Array.from({ length: size }, (_v, i) => payload(i));
  const writer = async () => {
    let stream = randomUUID();
    let version = 0;
    let count = 0;
    while (Date.now() < end) {
      if (!measuring && Date.now() >= warmEnd) {
        measuring = true;
        startedAt = now();
      }
      const t = now();
      const result = await appendToStream(db, stream, 'bench', version === 0 ? 'no_stream' : version, events);
      const ms = Number(now() - t) / 1e6;
      if (!result.ok) throw new Error(`append lost: ${JSON.stringify(result.error)}`);
      version = result.nextVersion;
      if (measuring) {
        latencies.push(ms);
        appends++;
      }
      if (++count % streamLength === 0) {
        stream = randomUUID();
        version = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = seconds(startedAt);
  return { appends: appends / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
