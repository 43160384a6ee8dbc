import type { Executor, RecordedEvent } from '@cco/event-store';
import type { CaseProjection, Target } from '../projection';
import { foldRows } from './foldRows';

/** Loads the rows a batch touches, folds the batch over them and upserts what changed. */
export async function applyEvents(trx: Executor<any>, projection: CaseProjection, target: Target, events: readonly RecordedEvent[]): Promise<void> {
  const ids = [...new Set(events.map((e) => e.streamId))];
  const db = target.schema ? trx.withSchema(target.schema) : trx;
  const existing = await db.selectFrom(projection.table).selectAll().where('case_id', 'in', ids).execute();
  const changed = foldRows(projection, new Map(existing.map((row) => [row.case_id as string, row])), events);
  if (changed.length === 0) return;
  const columns = Object.keys(changed[0]!);
  await db
    .insertInto(projection.table)
    .values(changed)
    .onConflict((conflict) =>
      conflict.column('case_id').doUpdateSet((eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]))),
    )
    .execute();
}
