import { createHash, randomUUID } from 'node:crypto';
import { importEvents, readAll, tryLockForTransaction } from '@cco/event-store';
import {
  appendLinks,
  chainEvents,
  inclusionProof,
  inclusionRanges,
  linksAfter,
  nodesFor,
  readChainTip,
  readConsistencyProof,
  readNodes,
  readRootHash,
  type Link,
  type OpenTree,
} from '@cco/transparency-log';
import { sql } from 'kysely';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { figure, goal, latencySummary, line, now, percentile, seconds, title } from './support/report';

// The transparency log's costs.
// 1. Proof latency as the tree grows: a tree of each size in --sizes is stored (leaf hashes made
//    up, on links to no event — the foreign key is off while building — written by the store's
//    own appendLinks, as the chainer writes them: leaf hashes in event_chain, nodes from level 4
//    in merkle_nodes), then --iterations inclusion and consistency proofs at random leaves/sizes
//    are read through the store's functions (the database reads and the hashing, not HTTP).
// 2. The chainer's added cost: a backlog of --backlog imported events chained by the chainer
//    (links + tree) and, alternately, by the same steps without the tree (the chainer before
//    the tree existed), --rounds times each; the median rates.

const bench: Benchmark = {
  summary: 'transparency log: proof latency at 1 M / 10 M leaves (goal p99 < 20 ms) and the chainer with and without the tree',
  defaults: { sizes: '1000000,10000000', iterations: 2000, backlog: 20000, rounds: 6 },
  async run(flags) {
    const sizes = String(flags.sizes).split(',').map(Number);
    const iterations = Number(flags.iterations);
    const db0 = await createBenchDatabase('tlog_proofs');
    try {
      const tree: OpenTree = { size: 0, frontier: [] };
      for (const target of sizes) {
        title(`proofs, tree of ${target} leaves`);
        const start = now();
        await db0.db.connection().execute(async (conn) => {
          await sql`set session_replication_role = replica`.execute(conn);
          while (tree.size < target) {
            const links = Array.from({ length: Math.min(50_000, target - tree.size) }, (_v, i): Link => {
              const seq = String(tree.size + i + 1);
              const leafHash = createHash('sha256').update(`leaf ${seq}`).digest();
              return { seq, position: seq, transactionId: '1', prevHash: '', hash: '', leafHash };
            });
            await conn.transaction().execute((trx) => appendLinks(trx, tree, links));
          }
          await sql`set session_replication_role = origin`.execute(conn);
        });
        await sql`analyze event_chain, merkle_nodes`.execute(db0.db);
        figure('tree built in', seconds(start), 's');
        const rnd = (n: number) => Math.floor(Math.random() * n);
        const inclusion: number[] = [];
        const consistency: number[] = [];
        const roots: number[] = [];
        for (let i = 0; i < iterations; i++) {
          let s = performance.now();
          const m = rnd(target);
          const found = await readNodes(db0.db, [...nodesFor(inclusionRanges(m, target)), { level: 0, index: m }]);
          inclusionProof(m, target, (node) => found.get(`${node.level}:${node.index}`)!);
          inclusion.push(performance.now() - s);
          s = performance.now();
          const proof = await readConsistencyProof(db0.db, 1 + rnd(target - 1), target);
          if (!proof.ok) throw new Error('no proof');
          consistency.push(performance.now() - s);
          s = performance.now();
          await readRootHash(db0.db, 1 + rnd(target));
          roots.push(performance.now() - s);
        }
        latencySummary('inclusion proof', inclusion);
        latencySummary('consistency proof', consistency);
        latencySummary('root of a random size', roots);
        goal(
          `inclusion and consistency p99 < 20 ms at ${target}`,
          percentile([...inclusion], 99) < 20 && percentile([...consistency], 99) < 20,
        );
      }
    } finally {
      await db0.drop();
    }

    title(`the chainer: ${flags.backlog} events, with and without the tree`);
    const db1 = await createBenchDatabase('tlog_chainer');
    try {
      const meta = { actor: 'bench', party: 'KH', correlationId: randomUUID(), causationId: null };
      const withoutTree = () =>
        db1.db.transaction().execute(async (trx) => {
          await tryLockForTransaction(trx, 'cco_event_chain');
          const tip = await readChainTip(trx);
          const { events } = await readAll(trx, tip.at, 2000);
          if (!events.length) return 0;
          // The chain as it was before the tree: links without leaf hashes.
          const links = linksAfter(tip, events);
          await sql`
            insert into event_chain (seq, position, transaction_id, prev_hash, hash)
            select * from unnest(${links.map((l) => l.seq)}::int8[], ${links.map((l) => l.position)}::int8[],
                                 ${links.map((l) => l.transactionId)}::xid8[], ${links.map((l) => l.prevHash)}::text[], ${links.map((l) => l.hash)}::text[])`.execute(
            trx,
          );
          return events.length;
        });
      const rates: Record<string, number[]> = { 'links only (before the tree)': [], 'links + tree (now)': [] };
      for (let round = 0; round < Number(flags.rounds); round++) {
        for (const [label, step] of [
          ['links only (before the tree)', withoutTree],
          ['links + tree (now)', () => chainEvents(db1.db, 2000)],
        ] as const) {
          const backlog = Number(flags.backlog);
          const streams = Array.from({ length: backlog / 10 }, () => ({
            streamId: randomUUID(),
            streamType: 'bench',
            events: Array.from({ length: 10 }, (_v, i) => ({
              type: 'T',
              data: { i, note: 'a payload of a realistic size for a case event ..........' },
              metadata: meta,
              occurredAt: new Date(),
            })),
          }));
          await importEvents(db1.db, streams); // left to the chainer
          // No older transaction anywhere in the cluster may hide the backlog from the chainer.
          for (;;) {
            const { rows } = await sql<{
              n: string;
            }>`select count(*) as n from events where transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`.execute(db1.db);
            if (rows[0]!.n === '0') break;
            await new Promise((r) => setTimeout(r, 100));
          }
          const start = now();
          let n = 0;
          for (let k; (k = await step()) > 0;) n += k;
          rates[label]!.push(n / seconds(start));
          // The tree catches up over links chained without it (untimed), for the next round.
          while ((await chainEvents(db1.db, 10_000)) > 0);
        }
      }
      const median = (xs: number[]) => percentile([...xs], 50);
      for (const [label, xs] of Object.entries(rates)) figure(`${label}, median of ${xs.length}`, median(xs), 'events/s', 0);
      const [before, after] = Object.values(rates).map(median) as [number, number];
      line(
        `  the tree costs ${((before / after - 1) * 100).toFixed(0)} % more chaining time per event (${((1 / after - 1 / before) * 1e6).toFixed(1)} µs)`,
      );
    } finally {
      await db1.drop();
    }
  },
};
export default bench;
