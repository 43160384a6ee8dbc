import { migrateFor, openDatabase } from '@cco/event-store';
import { findProjection, projections, projectionTables, readLag, rebuildProjection, startProjections } from '@cco/projections';
import { migrations } from '../../../migrations/index';

// `npm run projections -- status | rebuild <name> | run`, on DATABASE_URL, else on PGlite in
// DATA_DIR. PGlite is one process's database: while `npm start` runs on it, use the API
// (POST /v1/projections/{name}/rebuild, GET /health) instead.
const usage = `usage: npm run projections -- <command>
  status          how far each projection is behind the log
  rebuild <name>  replay the log into a shadow table, swap it in, say whether it equals the live one
  run             keep every projection caught up (npm start does this beside the API)
projections: ${projections.map((p) => p.name).join(', ')}`;

const [command, name] = process.argv.slice(2);
if (!command || !['status', 'rebuild', 'run'].includes(command) || (command === 'rebuild' && !name)) {
  console.error(usage);
  process.exit(2);
}
const projection = name === undefined ? undefined : findProjection(name);
if (command === 'rebuild' && !projection) {
  console.error(`no projection ${name}\n${usage}`);
  process.exit(2);
}

const database = await openDatabase<any>({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' }).catch(refuse);
// MIGRATIONS_DATABASE_URL set: the owner migrates and grants; this connects as the service.
await migrateFor(database, migrations, projectionTables, process.env.MIGRATIONS_DATABASE_URL);

async function status() {
  for (const lag of await readLag(database.db)) {
    const at = `${lag.position.transactionId}.${lag.position.position}`;
    console.log(`${lag.projection.padEnd(12)} at ${at.padEnd(16)} ${lag.eventsBehind} events, ${lag.secondsBehind.toFixed(1)} s behind`);
  }
}

async function rebuild() {
  // Progress redrawn in place on a terminal; a log gets only the result.
  const tty = process.stderr.isTTY;
  const report = await rebuildProjection(
    database.db,
    projection!,
    tty ? { onProgress: (events) => process.stderr.write(`\rreplayed ${events} events`) } : {},
  );
  if (tty) process.stderr.write('\n');
  const { comparison: c } = report;
  console.log(
    `${report.projection}: rebuilt from zero in ${(report.durationMs / 1000).toFixed(1)} s, ${report.eventsReplayed} events replayed`,
  );
  console.log(`compared at ${report.at.transactionId}.${report.at.position}: live ${c.liveRows} rows, rebuilt ${c.rebuiltRows} rows`);
  if (report.counters)
    console.log(
      `counters: live ${report.counters.liveRows} rows, rebuilt ${report.counters.rebuiltRows} rows, ${report.counters.onlyInLive + report.counters.onlyInRebuilt} different`,
    );
  console.log(
    report.equal
      ? 'EQUAL: the rebuilt model is the live one, row for row'
      : `DIFFERENT: ${c.onlyInLive} rows only in the live model, ${c.onlyInRebuilt} only in the rebuilt one; the rebuilt one is live now`,
  );
  return report.equal ? 0 : 1;
}

async function run() {
  const running = startProjections(database, {
    onError: (name, error, attempt) => console.error(`${name} failed (attempt ${attempt}): ${(error as Error).message}`),
  });
  console.error(`keeping ${projections.map((p) => p.name).join(', ')} caught up; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
}

let exitCode = 0;
try {
  if (command === 'status') await status();
  if (command === 'rebuild') exitCode = await rebuild();
  if (command === 'run') await run();
} finally {
  await database.close();
}
process.exit(exitCode);

/** A database that cannot be opened (DATA_DIR held by the running service, say): one line, no stack. */
function refuse(error: Error): never {
  console.error(error.message);
  process.exit(1);
}
