import { sql, type RawBuilder } from 'kysely';

/**
 * The oldest transaction id that may still write to THIS database's log, as seen by the
 * current statement's snapshot: every event with a lower `transaction_id` has committed (or
 * its transaction aborted), so a reader below this bound can never be overtaken by a late
 * commit.
 *
 * `pg_snapshot_xmin` alone gives that guarantee but is cluster-wide: a transaction open in
 * ANY database of the server (another application's, another test file's) holds every reader
 * back until it ends. So we start from the snapshot's own list of running transactions and
 * drop those positively known to belong to another database: a backend's `backend_xid` with
 * another `datid` in `pg_stat_activity` (visible to every role, unlike the query text), or a
 * prepared transaction of another database. A transaction that commits between our snapshot
 * and that look-up is simply not dropped: the bound can only err on the early side. Xids are
 * never reused and a backend never changes database, so what marks an xid as foreign stays
 * true. The reader's own transaction, if it has an xid (a writer reading inside its
 * transaction), counts as running: its own rows are not the log yet.
 *
 * Chosen over appenders registering themselves (an advisory lock per appending transaction,
 * read back from pg_locks): that costs every append a lock and leaves a window between the
 * xid being assigned and the lock being taken that readers would have to close another way.
 * This costs appends nothing; readers pay a scan of pg_stat_activity only while some
 * transaction of the cluster is running.
 */
export const commitSafeBound: RawBuilder<string> = sql<string>`(
  select least(pg_snapshot_xmax(s), pg_current_xact_id_if_assigned(), (
    select min(x) from pg_snapshot_xip(s) as x
    where x::xid not in (
      select backend_xid from pg_stat_activity
      where backend_xid is not null and datid <> (select oid from pg_database where datname = current_database())
      union all
      select transaction from pg_prepared_xacts where database <> current_database())))
  from (select pg_current_snapshot() as s) as snapshot)`;
