import { caseUpcasters } from '@cco/cases';
import { upcast, type Executor, type RecordedEvent } from '@cco/event-store';
import { sql } from 'kysely';
import type { CaseProjection, Target } from '../caseProjection';
import { applyCounters } from './applyCounters';
import { foldRows } from './foldRows';

/**
 * Loads the rows a batch touches, folds the batch over them and upserts what changed: two
 * statements whatever the batch size (the ids as one array, the rows as one jsonb document
 * that PostgreSQL turns into the table's row type), so a big batch costs no more round trips
 * than a small one and no SQL text grows with it. Events are folded in their current shape,
 * whatever version they were stored in, by the live runner and a rebuild alike.
 */
export async function applyEvents(
  trx: Executor<any>,
  projection: CaseProjection,
  target: Target,
  stored: readonly RecordedEvent[],
): Promise<void> {
  const events = stored.map((e) => upcast(caseUpcasters, e));
  const ids = [...new Set(events.map((e) => e.streamId))];
  const table = target.schema ? sql.id(target.schema, projection.table) : sql.table(projection.table);
  const { rows: existing } = await sql<{ case_id: string }>`select * from ${table} where case_id = any(${ids}::text[])`.execute(trx);
  const before = new Map(existing.map((row) => [row.case_id, row]));
  const changed = foldRows(projection, before, events);
  if (changed.length === 0) return;
  if (projection.counters) await applyCounters(trx, projection.counters, target, before, changed);
  const columns = Object.keys(changed[0]!);
  await sql`
    insert into ${table} (${sql.join(columns.map((c) => sql.id(c)))})
    select ${sql.join(columns.map((c) => sql.id(c)))} from jsonb_populate_recordset(null::${table}, ${JSON.stringify(changed)}::jsonb)
    on conflict (case_id) do update set ${sql.join(columns.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`.execute(trx);
}
