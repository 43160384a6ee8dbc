import { sql, type Kysely } from 'kysely';

// Read models (packages/projections). Both are rebuilt from the log at will, so they hold no
// fact the events do not: business times are the events' occurredAt, record times their
// recorded_at. Neither holds personal data: no names, documents, dates of birth, nationality
// or whereabouts, only what a case is, where it stands and when it moved.

/** Where a case stands and when it moved: the columns both read models share. */
const lifecycleColumns = sql.raw(`
      case_id text primary key,
      kind text not null,
      status text not null,
      requesting_party text not null,
      requested_party text not null,
      filed_at timestamptz(3) not null,
      verification_due_by timestamptz(3),
      verified_at timestamptz(3),
      verified_within_deadline boolean,
      handed_over_at timestamptz(3),
      completed_at timestamptz(3),
      refused_at timestamptz(3),
      refusal_ground text,
      withdrawn_at timestamptz(3)`);

export async function up(db: Kysely<any>): Promise<void> {
  // The case board behind GET /v1/cases, paged newest filing first by (filed_at, case_id).
  await sql`
    create table case_board (
      ${lifecycleColumns},
      offences text[] not null,
      version int not null,
      created_at timestamptz(3) not null,
      updated_at timestamptz(3) not null
    )`.execute(db);
  await sql`create index case_board_page on case_board (filed_at desc, case_id desc)`.execute(db);
  await sql`create index case_board_status_page on case_board (status, filed_at desc, case_id desc)`.execute(db);
  await sql`create index case_board_kind_page on case_board (kind, filed_at desc, case_id desc)`.execute(db);

  // The analysts' fact table: one row per case, every statistic is a query over it.
  await sql`
    create table statistics_cases (
      ${lifecycleColumns},
      offence text
    )`.execute(db);
  await sql`create index statistics_cases_completed on statistics_cases (kind, completed_at)`.execute(db);
  await sql`create index statistics_cases_handed_over on statistics_cases (handed_over_at)`.execute(db);
  await sql`create index statistics_cases_refused on statistics_cases (refused_at)`.execute(db);
  await sql`create index statistics_cases_verified on statistics_cases (kind, verified_at)`.execute(db);
  await sql`create index statistics_cases_open on statistics_cases (kind, status, requested_party, verification_due_by)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table statistics_cases, case_board`.execute(db);
  await sql`delete from checkpoints where name like 'projection:%'`.execute(db);
}
