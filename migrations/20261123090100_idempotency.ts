import { sql, type Kysely } from 'kysely';

// Idempotency keys, written in the same transaction as the events their command produced.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table idempotency_keys (
      principal text not null,
      key text not null,
      request_hash text not null,
      status int not null,
      -- json, not jsonb: a replay must be the first answer byte for byte, key order included.
      body json not null,
      headers json not null,
      created_at timestamptz(3) not null default now(),
      primary key (principal, key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table idempotency_keys`.execute(db);
}
