import { sql, type Kysely } from 'kysely';

// The example analytics consumer's own tables (services/analytics-consumer): the event ids it
// has applied, by which it drops Kafka's duplicates, and its figures.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table analytics_seen_events (
      event_id text primary key,
      seen_at timestamptz(3) not null default now()
    )`.execute(db);
  await sql`
    create table analytics_monthly_deportations (
      month char(7) primary key,
      completed bigint not null check (completed >= 0)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table analytics_monthly_deportations, analytics_seen_events`.execute(db);
}
