import { sql, type Kysely } from 'kysely';

// Auditors: where the incremental integrity check stands, who read whose personal data, and
// the per-subject keys that make erasure verifiable (crypto-shredding).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table chain_verifications (
      name text primary key,
      seq bigint not null,
      hash text not null,
      verified_at timestamptz(3) not null default now()
    )`.execute(db);

  // Art. 9 of the 2016 agreement: every read of a case's personal data, by anyone.
  await sql`
    create table personal_data_access (
      id bigint generated always as identity primary key,
      case_id text not null,
      actor text not null,
      party text not null,
      roles text[] not null,
      resource text not null,
      correlation_id text not null,
      accessed_at timestamptz(3) not null default now()
    )`.execute(db);
  await sql`create index personal_data_access_case on personal_data_access (case_id, id)`.execute(db);
  // The access log is evidence too: append-only like the events.
  await sql`create trigger personal_data_access_immutable before update or delete on personal_data_access
    for each row execute function cco_refuse_change()`.execute(db);

  // One data key per subject (per case), wrapped by the service's key-encryption key. Erasure
  // destroys the wrapped key; the row stays as the record of when.
  await sql`
    create table subject_keys (
      case_id text primary key,
      wrapped_key bytea,
      created_at timestamptz(3) not null default now(),
      destroyed_at timestamptz(3),
      check ((wrapped_key is null) = (destroyed_at is not null))
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table subject_keys, personal_data_access, chain_verifications`.execute(db);
}
