import { sql, type Kysely } from 'kysely';

// Accountability: the access log records which issuer and key vouched for the reader, beside
// the subject (rows from before this migration have neither).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table personal_data_access add column issuer text, add column kid text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table personal_data_access drop column issuer, drop column kid`.execute(db);
}
