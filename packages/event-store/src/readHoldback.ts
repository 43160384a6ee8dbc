import { sql } from 'kysely';
import type { Executor } from './types';

export interface Holdback {
  /** The backend whose open transaction holds the log's readers back. */
  pid: number;
  /**
   * How long its transaction has been open: from `xact_start` where this role may read it (its
   * own sessions, or with pg_read_all_stats), else since this process first saw the transaction
   * (a lower bound; see below). Null only before a first sighting could be timed, which cannot
   * happen: kept nullable for the API's schema.
   */
  seconds: number | null;
}

/**
 * When this process first saw each open transaction (by backend and transaction id) whose start
 * it may not read, per database. Only transactions still open at the last look are kept.
 */
const firstSeenIn = new Map<string, Map<string, number>>();

/**
 * The oldest open transaction of THIS database that has an xid, if any: until it ends, no
 * reader of the log (chainer, projections, relay, /v1/events) can move past its transaction
 * id (see commitSafeBound). Transactions of other databases are not counted: they hold
 * nothing back. A short one is normal (every append is one); a long one is an operator's
 * problem worth an alert, which is what /health and the metric make of it.
 *
 * Oldest by transaction id (`age(backend_xid)`), which pg_stat_activity shows every role for
 * every backend, not by `xact_start`, which it hides for other roles' sessions: under the
 * documented two roles the service could otherwise not see the owner's (or anyone's)
 * transaction at all, and the alert was blind. Its age is then measured from when this
 * process first saw it: every /health answer and every metrics scrape looks (and /health's
 * sampler every few seconds), so the age falls short by at most that interval. Chosen over
 * granting the service pg_read_all_stats, which only a superuser can grant and which would show
 * it every other application's query text on the server; where an operator grants it anyway,
 * `xact_start` is used and the age is exact.
 */
export async function readHoldback(db: Executor<any>): Promise<Holdback | null> {
  const { rows } = await sql<{ database: string; pid: number; xid: string; seconds: number | null }>`
    select current_database() as database, pid, backend_xid::text as xid, extract(epoch from clock_timestamp() - xact_start)::float8 as seconds
    from pg_stat_activity
    where datid = (select oid from pg_database where datname = current_database())
      and backend_xid is not null and pid <> pg_backend_pid()
    order by age(backend_xid) desc`.execute(db);
  const now = Date.now();
  const database = rows[0]?.database ?? (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
  const firstSeen = firstSeenIn.get(database) ?? new Map<string, number>();
  firstSeenIn.set(database, firstSeen);
  const open = new Set<string>();
  for (const row of rows) {
    if (row.seconds !== null) continue;
    const key = `${row.pid}:${row.xid}`;
    open.add(key);
    if (!firstSeen.has(key)) firstSeen.set(key, now);
  }
  for (const key of firstSeen.keys()) if (!open.has(key)) firstSeen.delete(key);
  const oldest = rows[0];
  if (!oldest) return null;
  const seconds = oldest.seconds ?? (now - firstSeen.get(`${oldest.pid}:${oldest.xid}`)!) / 1000;
  return { pid: oldest.pid, seconds: Math.max(0, seconds) };
}
