import { sql, type Kysely } from 'kysely';

/**
 * Appends no longer NOTIFY from inside their transaction (see announceAppends): PostgreSQL
 * serializes the commits of every notifying transaction on one lock, WAL flush included. The
 * writers announce after commit instead; readers keep their polling fallback for any other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger events_notify on events`.execute(db);
  await sql`drop function cco_notify_append()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create function cco_notify_append() returns trigger language plpgsql as $$
    begin
      perform pg_notify('cco_events', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger events_notify after insert on events
    for each statement execute function cco_notify_append()`.execute(db);
}
