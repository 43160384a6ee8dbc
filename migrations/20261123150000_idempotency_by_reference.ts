import { sql, type Kysely } from 'kysely';

/**
 * Idempotency keys remember their first answer by reference (the case and the version the
 * command left it at), no longer as a copy of the body: the copy held the subject's names,
 * birth date and documents in clear, out of reach of crypto-shredding. A replay re-reads the
 * case as of that version. Existing rows are converted (every answer was a case body, carrying
 * its id and version) and their copies dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys add column case_id text, add column version int8`.execute(db);
  await sql`update idempotency_keys set case_id = body->>'id', version = (body->>'version')::int8`.execute(db);
  await sql`alter table idempotency_keys
    alter column case_id set not null, alter column version set not null,
    drop column body, drop column headers, drop column status`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The bodies are gone for good (that is the point); older code would find none to replay.
  await sql`delete from idempotency_keys`.execute(db);
  await sql`alter table idempotency_keys drop column case_id, drop column version,
    add column status int not null, add column body json not null, add column headers json not null`.execute(db);
}
