import pg from 'pg';
import { countBenchTransaction } from './backlog';
import { withDatabase } from './database';
import { figure, line, title } from './report';

// PostgreSQL's own counters for the benchmark's database, read as deltas over a window:
// pg_stat_database (transactions committed / rolled back, rows inserted / updated / deleted)
// and pg_stat_user_tables (rows per table). pg_stat_statements would count statements, but it
// needs shared_preload_libraries and a server restart, which a shared PostgreSQL cannot take;
// these views need nothing. A backend publishes its counters when it goes idle, at most once
// a second, and an idle one within 10 s: `settledSnapshot` waits that long so that a window's
// end includes everything its backends did. The bench's own reads (backlog polling) are
// transactions too: callers subtract the count they made (see support/backlog.ts).

export interface PgCounters {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
  tables: Record<string, { ins: number; upd: number; del: number }>;
}

export async function snapshot(url: string, database: string): Promise<PgCounters> {
  const client = new pg.Client({ connectionString: url });
  // pg_stat_user_tables is per database: read from the benchmark's own, one transaction there.
  const local = new pg.Client({ connectionString: withDatabase(url, database) });
  await client.connect();
  await local.connect();
  try {
    const db = (
      await client.query<{ xact_commit: string; xact_rollback: string; tup_inserted: string; tup_updated: string; tup_deleted: string }>(
        'select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = $1',
        [database],
      )
    ).rows[0]!;
    const tables = await local.query<{ relname: string; ins: string; upd: string; del: string }>(
      `select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del from pg_stat_user_tables where schemaname = 'public'`,
    );
    return {
      commits: Number(db.xact_commit),
      rollbacks: Number(db.xact_rollback),
      inserted: Number(db.tup_inserted),
      updated: Number(db.tup_updated),
      deleted: Number(db.tup_deleted),
      tables: Object.fromEntries(tables.rows.map((t) => [t.relname, { ins: Number(t.ins), upd: Number(t.upd), del: Number(t.del) }])),
    };
  } finally {
    await client.end();
    await local.end();
  }
}

/** A snapshot taken once every backend has published its counters (idle backends: within 10 s). */
export async function settledSnapshot(url: string, database: string): Promise<PgCounters> {
  await new Promise((r) => setTimeout(r, 11_000));
  const counters = await snapshot(url, database);
  countBenchTransaction();
  return counters;
}

/** Which part of the service writes each table (for the per-event table). */
const writer: Record<string, string> = {
  events: 'command',
  streams: 'command',
  idempotency_keys: 'command',
  personal_data_access: 'command',
  subject_keys: 'command',
  event_chain: 'chainer',
  case_board: 'projection',
  statistics_cases: 'projection',
  statistics_daily: 'projection',
  checkpoints: 'projections / relay (their checkpoints)',
};

/** Deltas per event appended in the window: transactions, and rows by table and by writer. */
export function printCounters(label: string, before: PgCounters, after: PgCounters, benchTransactions: number) {
  const events = (after.tables.events?.ins ?? 0) - (before.tables.events?.ins ?? 0);
  const commits = after.commits - before.commits - benchTransactions;
  title(
    `postgresql counters, ${label} (pg_stat_database / pg_stat_user_tables deltas over the window and its catch-up; per event appended)`,
  );
  figure('events appended', events);
  if (events === 0) return;
  figure('transactions committed by the service', `${commits} (${(commits / events).toFixed(3)} per event)`);
  figure('transactions rolled back', after.rollbacks - before.rollbacks);
  figure(
    'rows inserted / updated / deleted',
    `${after.inserted - before.inserted} / ${after.updated - before.updated} / ${after.deleted - before.deleted}`,
  );
  for (const table of Object.keys(after.tables).sort()) {
    const a = after.tables[table]!;
    const b = before.tables[table] ?? { ins: 0, upd: 0, del: 0 };
    const ins = a.ins - b.ins;
    const upd = a.upd - b.upd;
    const del = a.del - b.del;
    if (ins + upd + del === 0) continue;
    figure(
      `  ${table} (${writer[table] ?? 'other'})`,
      `ins ${(ins / events).toFixed(3)}, upd ${(upd / events).toFixed(3)}, del ${(del / events).toFixed(3)} per event`,
    );
  }
  line(`  (the bench's own ${benchTransactions} polling transactions on this database are subtracted)`);
}
