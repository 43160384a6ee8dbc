import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import type { Counters, Target } from '../caseProjection';

/**
 * Moves a projection's counters along with a batch of changed rows, in the batch's transaction:
 * each changed row's facts as it was (`before`) counted off, as it is now counted on, the net
 * deltas upserted in one statement. Counters that reach zero are removed, so a table kept live
 * and one rebuilt from zero hold the same rows.
 */
export async function applyCounters<Row extends { case_id: string }>(
  trx: Executor<any>,
  counters: Counters<Row>,
  target: Target,
  before: ReadonlyMap<string, Row>,
  changed: readonly Row[],
): Promise<void> {
  const deltas = new Map<string, { fact: Record<string, string>; delta: number }>();
  const count = (row: Row, delta: number) => {
    for (const fact of counters.facts(row)) {
      const id = counters.keys.map((k) => fact[k]).join('\u0000');
      const entry = deltas.get(id) ?? { fact, delta: 0 };
      entry.delta += delta;
      deltas.set(id, entry);
    }
  };
  for (const row of changed) {
    const old = before.get(row.case_id);
    if (old) count(old, -1);
    count(row, +1);
  }
  const rows = [...deltas.values()].filter((e) => e.delta !== 0).map((e) => ({ ...e.fact, count: e.delta }));
  if (rows.length === 0) return;
  const table = target.schema ? sql.id(target.schema, counters.table) : sql.table(counters.table);
  const keys = sql.join(counters.keys.map((k) => sql.id(k)));
  await sql`
    insert into ${table} as t (${keys}, count)
    select ${keys}, count from jsonb_populate_recordset(null::${table}, ${JSON.stringify(rows)}::jsonb)
    on conflict (${keys}) do update set count = t.count + excluded.count`.execute(trx);
  if (rows.some((r) => r.count < 0)) await sql`delete from ${table} where count = 0`.execute(trx);
}
