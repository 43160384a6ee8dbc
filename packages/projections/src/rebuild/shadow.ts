import { randomUUID } from 'node:crypto';
import { logStart, savePosition, type Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { positionNameOf, tablesOf, type CaseProjection, type Target } from '../caseProjection';
import { ensureSchema } from './ensureSchema';
import { lockForTransaction } from './lockForTransaction';

/** Where rebuilds build, beside the live tables (same table names, another schema). */
export const shadowSchema = 'cco_rebuild';

export interface Shadow {
  projection: CaseProjection;
  target: Target;
}

/** Rebuild runs of one projection take turns on this lock, one batch at a time. */
const shadowLockOf = (projection: CaseProjection) => `cco_projection_rebuild:${projection.name}`;

/**
 * The shadow's checkpoint doubles as the run's claim: it names the run, and a newer rebuild of
 * the same projection deletes it, so the older one finds itself superseded at its next batch
 * instead of writing into a table it no longer owns. Nothing holds a session meanwhile, so on
 * PGlite the API keeps serving between batches.
 */
const positionNameOfRun = (projection: CaseProjection, runId: string) => `${positionNameOf(projection)}@rebuild:${runId}`;

export class RebuildSuperseded extends Error {
  constructor(projection: string) {
    super(`a newer rebuild of ${projection} started; it will report`);
  }
}

/**
 * Creates empty shadows shaped like the live tables and claims them: columns, defaults, checks
 * and the constraints that own an index (primary key, unique, exclusion: the upserts need them),
 * but not yet the other indexes, so the replay maintains one index per row instead of all of
 * them (`indexShadow` adds them, once, before the shadow catches up and is compared).
 */
export async function createShadow(trx: Executor<any>, projection: CaseProjection): Promise<Shadow> {
  await lockForTransaction(trx, shadowLockOf(projection));
  await assertOwnsReadModel(trx, projection);
  const run: Shadow = { projection, target: { schema: shadowSchema, position: positionNameOfRun(projection, randomUUID()) } };
  await trx
    .deleteFrom('checkpoints')
    .where('name', 'like', `${positionNameOf(projection)}@rebuild:%`)
    .execute();
  await savePosition(trx, run.target.position, logStart);
  await ensureSchema(trx, shadowSchema);
  for (const table of tablesOf(projection)) {
    await sql`drop table if exists ${sql.id(shadowSchema, table)}`.execute(trx);
    await sql`create table ${sql.id(shadowSchema, table)} (like ${sql.table(table)} including all excluding indexes)`.execute(trx);
    const { rows } = await sql<{ name: string; definition: string }>`
      select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = ${table}::regclass and contype in ('p', 'u', 'x') order by conname`.execute(trx);
    for (const c of rows)
      await sql`alter table ${sql.id(shadowSchema, table)} add constraint ${sql.id(c.name)} ${sql.raw(c.definition)}`.execute(trx);
  }
  return run;
}

/**
 * A rebuild writes rows into the read models' shadows and swaps them in: only the role that owns
 * the read models may run it (the service role where the two roles are set up; the one role
 * otherwise). Run by the tables' owner, or a superuser, it would write into tables the service
 * owns, and anything the service attached to them would run with that session's rights.
 */
async function assertOwnsReadModel(trx: Executor<any>, projection: CaseProjection): Promise<void> {
  for (const table of tablesOf(projection)) {
    const { rows } = await sql<{ live: string; me: string }>`
      select pg_catalog.pg_get_userbyid(c.relowner) as live, current_user as me
      from pg_catalog.pg_class c where c.oid = ${table}::pg_catalog.regclass`.execute(trx);
    if (rows[0]!.live !== rows[0]!.me)
      throw new Error(
        `rebuild ${projection.name} as the role that owns its tables (${rows[0]!.live}: DATABASE_URL's), not as ${rows[0]!.me}: ` +
          `the service's tables must never run anything as another role`,
      );
  }
}

/**
 * Gives the shadows the live tables' other indexes, under the same names (index names are per
 * schema), so the swapped-in tables are indexed exactly as the migrations left the live ones.
 */
export async function indexShadow(trx: Executor<any>, run: Shadow): Promise<void> {
  for (const table of tablesOf(run.projection)) {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_indexdef(i.indexrelid) as definition from pg_index i
      where i.indrelid = ${table}::regclass
        and not exists (select from pg_constraint c where c.conindid = i.indexrelid and c.conrelid = i.indrelid)
      order by i.indexrelid`.execute(trx);
    for (const { definition } of rows) {
      // "CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING …": the same index on the shadow.
      const onShadow = definition.replace(/ ON (ONLY )?\S+ USING /, ` ON ${shadowSchema}.${quoteIdent(table)} USING `);
      if (onShadow === definition) throw new Error(`cannot place index on the shadow: ${definition}`);
      await sql.raw(onShadow).execute(trx);
    }
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Takes the rebuild lock for this transaction and checks the run still owns the shadow. */
export async function holdShadow(trx: Executor<any>, run: Shadow): Promise<void> {
  await lockForTransaction(trx, shadowLockOf(run.projection));
  const claim = await trx.selectFrom('checkpoints').select('name').where('name', '=', run.target.position).executeTakeFirst();
  if (!claim) throw new RebuildSuperseded(run.projection.name);
}

/** Ends the run: its claim goes; the shadow table itself has become the live one. */
export async function releaseShadow(trx: Executor<any>, run: Shadow): Promise<void> {
  await trx.deleteFrom('checkpoints').where('name', '=', run.target.position).execute();
}
