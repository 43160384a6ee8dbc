import { randomUUID } from 'node:crypto';
import { logStart, saveCheckpoint, type Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { checkpointOf, tablesOf, type CaseProjection, type Target } from '../projection';
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
const checkpointOfRun = (projection: CaseProjection, runId: string) => `${checkpointOf(projection)}@rebuild:${runId}`;

export class RebuildSuperseded extends Error {
  constructor(projection: string) {
    super(`a newer rebuild of ${projection} started; it will report`);
  }
}

/** Creates empty shadows shaped like the live tables (columns, defaults, indexes) and claims them. */
export async function createShadow(trx: Executor<any>, projection: CaseProjection): Promise<Shadow> {
  await lockForTransaction(trx, shadowLockOf(projection));
  const run: Shadow = { projection, target: { schema: shadowSchema, checkpoint: checkpointOfRun(projection, randomUUID()) } };
  await trx.deleteFrom('checkpoints').where('name', 'like', `${checkpointOf(projection)}@rebuild:%`).execute();
  await saveCheckpoint(trx, run.target.checkpoint, logStart);
  await sql`create schema if not exists ${sql.id(shadowSchema)}`.execute(trx);
  for (const table of tablesOf(projection)) {
    await sql`drop table if exists ${sql.id(shadowSchema, table)}`.execute(trx);
    await sql`create table ${sql.id(shadowSchema, table)} (like ${sql.table(table)} including all)`.execute(trx);
  }
  return run;
}

/** Takes the rebuild lock for this transaction and checks the run still owns the shadow. */
export async function holdShadow(trx: Executor<any>, run: Shadow): Promise<void> {
  await lockForTransaction(trx, shadowLockOf(run.projection));
  const claim = await trx.selectFrom('checkpoints').select('name').where('name', '=', run.target.checkpoint).executeTakeFirst();
  if (!claim) throw new RebuildSuperseded(run.projection.name);
}

/** Ends the run: its claim goes; the shadow table itself has become the live one. */
export async function releaseShadow(trx: Executor<any>, run: Shadow): Promise<void> {
  await trx.deleteFrom('checkpoints').where('name', '=', run.target.checkpoint).execute();
}
