import { sql, type Kysely } from 'kysely';

// The transparency log (RFC 9162 §2.1) over the events, beside the hash chain: leaf i is the
// event the chain links at seq i + 1. Stored as the perfect subtrees the log has completed —
// (level l, index i) hashes the 2^l leaves from i·2^l — written once by the chainer in the
// transaction that links the events, so appending costs O(log n) and any root or proof is
// O(log n) reads. Signed checkpoints and the witnesses' cosignatures are kept for good.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table merkle_nodes (
      level smallint not null check (level between 0 and 62),
      idx bigint not null check (idx >= 0),
      hash bytea not null check (length(hash) = 32),
      primary key (level, idx)
    )`.execute(db);

  await sql`
    create table tree_checkpoints (
      tree_size bigint primary key check (tree_size >= 0),
      root_hash bytea not null check (length(root_hash) = 32),
      note text not null,
      issued_at timestamptz(3) not null default now()
    )`.execute(db);

  await sql`
    create table checkpoint_cosignatures (
      tree_size bigint not null references tree_checkpoints (tree_size),
      witness text not null,
      key_id text not null,
      signature_line text not null,
      cosigned_at timestamptz(3) not null,
      received_at timestamptz(3) not null default now(),
      primary key (tree_size, witness)
    )`.execute(db);

  // How far each publisher of checkpoints (the Kafka relay) has got, by tree size.
  await sql`
    create table checkpoint_publications (
      name text primary key,
      tree_size bigint not null,
      updated_at timestamptz(3) not null default now()
    )`.execute(db);

  // Every whole re-verification of the log (the background one and `?full=true`), with its result.
  await sql`
    create table integrity_runs (
      id bigint generated always as identity primary key,
      started_at timestamptz(3) not null,
      finished_at timestamptz(3) not null default now(),
      tree_size bigint not null,
      checked bigint not null,
      ok boolean not null,
      first_broken_position bigint,
      detail text
    )`.execute(db);

  for (const table of ['merkle_nodes', 'tree_checkpoints', 'checkpoint_cosignatures', 'integrity_runs']) {
    await sql`create trigger ${sql.raw(`${table}_immutable`)} before update or delete on ${sql.table(table)}
      for each row execute function cco_refuse_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function cco_refuse_change()`.execute(db);
    await sql`revoke update, delete, truncate on ${sql.table(table)} from public`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table integrity_runs, checkpoint_publications, checkpoint_cosignatures, tree_checkpoints, merkle_nodes`.execute(db);
}
