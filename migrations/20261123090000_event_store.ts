import { sql, type Kysely } from 'kysely';

// The event store: streams, the immutable global log, its hash chain, reader checkpoints.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table streams (
      stream_id text primary key,
      stream_type text not null,
      version bigint not null check (version > 0),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`.execute(db);

  await sql`
    create table events (
      position bigint generated always as identity primary key,
      transaction_id xid8 not null default pg_current_xact_id(),
      event_id uuid not null unique,
      stream_id text not null references streams (stream_id),
      stream_version bigint not null check (stream_version > 0),
      type text not null,
      schema_version int not null default 1,
      data jsonb not null,
      metadata jsonb not null,
      occurred_at timestamptz(3) not null,
      recorded_at timestamptz(3) not null default now(),
      unique (stream_id, stream_version)
    )`.execute(db);
  // Commit-safe readers scan by (transaction_id, position); see readAll.
  await sql`create index events_commit_order on events (transaction_id, position)`.execute(db);

  await sql`
    create table event_chain (
      seq bigint primary key,
      position bigint not null unique references events (position),
      transaction_id xid8 not null,
      prev_hash text not null,
      hash text not null
    )`.execute(db);

  await sql`
    create table checkpoints (
      name text primary key,
      transaction_id xid8 not null,
      position bigint not null,
      updated_at timestamptz(3) not null default now()
    )`.execute(db);

  // Immutability in the database itself, not only in the code: no UPDATE, DELETE or TRUNCATE
  // of the log or its chain, whoever connects. (A superuser can still disable the trigger;
  // that is what the hash chain is for.)
  await sql`
    create function cco_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '55000';
    end $$`.execute(db);
  for (const table of ['events', 'event_chain']) {
    await sql`create trigger ${sql.raw(`${table}_immutable`)} before update or delete on ${sql.table(table)}
      for each row execute function cco_refuse_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function cco_refuse_change()`.execute(db);
    await sql`revoke update, delete, truncate on ${sql.table(table)} from public`.execute(db);
  }

  // Wake readers (chainer, projections, relay) on every append; delivered at commit.
  await sql`
    create function cco_notify_append() returns trigger language plpgsql as $$
    begin
      perform pg_notify('cco_events', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger events_notify after insert on events
    for each statement execute function cco_notify_append()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table checkpoints, event_chain, events, streams`.execute(db);
  await sql`drop function cco_notify_append(), cco_refuse_change()`.execute(db);
}
