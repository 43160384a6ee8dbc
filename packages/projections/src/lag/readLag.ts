import { readCheckpoint, type Executor, type LogPosition } from '@cco/event-store';
import { sql } from 'kysely';
import { checkpointOf, type CaseProjection } from '../projection';
import { projections as all } from '../projections';

export interface ProjectionLag {
  projection: string;
  checkpoint: LogPosition;
  /** Committed events after the checkpoint, i.e. not yet in the read model. */
  eventsBehind: number;
  /** Age of the oldest of them by record time; 0 when caught up. */
  secondsBehind: number;
}

/**
 * How far each projection is behind the log. Seconds are measured from the oldest event it has
 * not applied (not from its last run), so an idle but caught-up projection is 0 behind and a
 * stuck one grows by the second.
 */
export async function readLag(db: Executor<any>, projections: readonly CaseProjection[] = all): Promise<ProjectionLag[]> {
  return Promise.all(
    projections.map(async (projection) => {
      const checkpoint = await readCheckpoint(db, checkpointOf(projection));
      const { rows } = await sql<{ behind: number; seconds: number | null }>`
        select count(*)::int as behind, extract(epoch from now() - min(recorded_at))::float8 as seconds
        from events where (transaction_id, position) > (${checkpoint.transactionId}::xid8, ${checkpoint.position}::int8)`.execute(db);
      const row = rows[0]!;
      return { projection: projection.name, checkpoint, eventsBehind: row.behind, secondsBehind: Math.max(0, row.seconds ?? 0) };
    }),
  );
}
