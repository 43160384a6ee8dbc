import { sql, type Kysely } from 'kysely';

// One personal-data key (PERSONAL_DATA_KEY) for the life of a database, changed only by a
// rotation, and erasure that leaves no copy of a destroyed key in the live table.
export async function up(db: Kysely<any>): Promise<void> {
  // Each key-encryption key the database has been sealed with, by its fingerprint (never the
  // key). The first process that opens the database with a key records epoch 1; a rotation
  // records the next and retires the one before. One current epoch at a time.
  await sql`
    create table personal_data_keys (
      epoch integer primary key check (epoch > 0),
      fingerprint text not null unique,
      created_at timestamptz(3) not null default now(),
      retired_at timestamptz(3)
    )`.execute(db);
  await sql`create unique index personal_data_keys_one_current on personal_data_keys ((true)) where retired_at is null`.execute(db);

  // The epoch whose key wraps each subject key. Keys stored before epochs were recorded are
  // epoch 1: the first start checks that its key opens them before it records itself as epoch 1.
  await sql`alter table subject_keys add column kek_epoch integer not null default 1`.execute(db);
  await sql`alter table subject_keys alter column kek_epoch drop default`.execute(db);

  // Erasure deletes the key row (so that VACUUM can remove every version of it) and keeps the
  // fact here; purged_at: when a VACUUM was seen to leave no dead version of subject_keys behind.
  await sql`
    create table erased_subjects (
      case_id text primary key,
      destroyed_at timestamptz(3) not null default now(),
      purged_at timestamptz(3)
    )`.execute(db);
  await sql`create index erased_subjects_pending on erased_subjects (case_id) where purged_at is null`.execute(db);
  await sql`insert into erased_subjects (case_id, destroyed_at) select case_id, destroyed_at from subject_keys where wrapped_key is null`.execute(
    db,
  );
  await sql`delete from subject_keys where wrapped_key is null`.execute(db);
  // Its check constraint goes with it.
  await sql`alter table subject_keys drop column destroyed_at`.execute(db);
  await sql`alter table subject_keys alter column wrapped_key set not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table subject_keys alter column wrapped_key drop not null`.execute(db);
  await sql`alter table subject_keys add column destroyed_at timestamptz(3)`.execute(db);
  await sql`insert into subject_keys (case_id, wrapped_key, destroyed_at) select case_id, null, destroyed_at from erased_subjects`.execute(
    db,
  );
  await sql`alter table subject_keys add constraint subject_keys_check check ((wrapped_key is null) = (destroyed_at is not null))`.execute(
    db,
  );
  await sql`alter table subject_keys drop column kek_epoch`.execute(db);
  await sql`drop table erased_subjects, personal_data_keys`.execute(db);
}
