import { sql } from 'kysely';
import type { Executor } from './types';

export interface Holdback {
  /** The backend whose open transaction holds the log's readers back. */
  pid: number;
  /**
   * How long its transaction has been open; null when this role may not see it (another
   * role's session: grant the service role pg_read_all_stats to see every one).
   */
  seconds: number | null;
}

/**
 * The oldest open transaction of THIS database that has an xid, if any: until it ends, no
 * reader of the log (chainer, projections, relay, /v1/events) can move past its transaction
 * id (see commitSafeBound). Transactions of other databases are not counted: they hold
 * nothing back. A short one is normal (every append is one); a long one is an operator's
 * problem worth an alert, which is what /health and the metric make of it.
 */
export async function readHoldback(db: Executor<any>): Promise<Holdback | null> {
  const { rows } = await sql<{ pid: number; seconds: number | null }>`
    select pid, extract(epoch from clock_timestamp() - xact_start)::float8 as seconds
    from pg_stat_activity
    where datid = (select oid from pg_database where datname = current_database())
      and backend_xid is not null and pid <> pg_backend_pid()
    order by xact_start nulls last
    limit 1`.execute(db);
  const row = rows[0];
  return row ? { pid: row.pid, seconds: row.seconds === null ? null : Math.max(0, row.seconds) } : null;
}
