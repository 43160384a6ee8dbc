import { readAll, type LogPosition } from '@cco/event-store';
import { findProjection, projectBatch, rebuildProjection } from '@cco/projections';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { endProgress, loadHistory, progress } from './support/load';
import { profiled } from './support/profiled';
import { figure, goal, now, ratio, seconds, title } from './support/report';

// A projection rebuild from position zero over a log of --events events (default 1,000,000),
// created through the bulk import. The live model is first brought to the head of the log (as
// `npm start` keeps it), then `rebuildProjection` replays the whole log into a shadow table,
// compares it with the live one row for row and swaps it in: the figure is the whole call.
// Baseline: reading the same log in commit-safe order with readAll, in the same batches, and
// doing nothing with it: the floor of any replay in Node.

const bench: Benchmark = {
  summary: 'projection rebuild from zero over 1,000,000 events (shadow table, compare, swap) vs reading the same log with readAll',
  defaults: { events: 1_000_000, projections: 'statistics,case_board', seed: 1, liveBatch: 5000 },
  async run(flags) {
    const total = Number(flags.events);
    const database = await createBenchDatabase('rebuild', { poolSize: 4 });
    try {
      title(`log: ${total.toLocaleString('en')} events through the bulk import`);
      const loaded = await loadHistory(database.db, { events: total, seed: Number(flags.seed), onProgress: progress('imported') });
      endProgress();
      figure('events / cases', `${loaded.events} / ${loaded.cases}`);
      figure('import duration', loaded.importSeconds, 's', 1);

      title('baseline: readAll over the whole log in commit-safe order, batches of 2000, nothing applied');
      const readStarted = now();
      let read = 0;
      for (let at: LogPosition | undefined, batch; ;) {
        batch = await readAll(database.db, at, 2000);
        if (batch.events.length === 0) break;
        read += batch.events.length;
        at = batch.last;
      }
      const readSeconds = seconds(readStarted);
      figure('readAll', read / readSeconds, 'events/s');

      for (const name of String(flags.projections).split(',')) {
        const projection = findProjection(name);
        if (!projection) throw new Error(`no projection ${name}`);
        title(`rebuild ${name}`);
        const liveStarted = now();
        let live = 0;
        for (
          let n = await projectBatch(database.db, projection, Number(flags.liveBatch));
          n > 0;
          n = await projectBatch(database.db, projection, Number(flags.liveBatch))
        )
          live += n;
        const liveSeconds = seconds(liveStarted);
        figure(`live runner catching up from zero (batches of ${flags.liveBatch})`, live / liveSeconds, 'events/s');
        const started = now();
        const report = await profiled(`rebuild ${name}`, () =>
          rebuildProjection(database.db, projection, { onProgress: progress('replayed') }),
        );
        const rebuildSeconds = seconds(started);
        endProgress();
        const rate = report.eventsReplayed / rebuildSeconds;
        figure('events replayed', report.eventsReplayed);
        figure('rebuild duration (replay, compare, swap)', rebuildSeconds, 's', 2);
        figure('rebuild', rate, 'events/s');
        figure('rows live / rebuilt, equal', `${report.comparison.liveRows} / ${report.comparison.rebuiltRows}, ${report.equal}`);
        ratio('ratio rebuild ÷ readAll baseline', rate, read / readSeconds);
        goal(`${name}: ≥ 100,000 events/s`, rate >= 100_000, `${Math.round(rate).toLocaleString('en')} events/s`);
      }
    } finally {
      await database.drop();
    }
  },
};
export default bench;
