import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** Rows (whole rows, every column) in one and not the other; both 0 when equal. */
  onlyInLive: number;
  onlyInRebuilt: number;
}

/** Compares two tables of the same shape row for row, in the database (EXCEPT ALL both ways). */
export async function compareTables(
  trx: Executor<any>,
  table: string,
  liveSchema: string,
  rebuiltSchema: string,
): Promise<TableComparison> {
  const live = sql.id(liveSchema, table);
  const rebuilt = sql.id(rebuiltSchema, table);
  const { rows } = await sql<Omit<TableComparison, 'table'>>`
    select
      (select count(*)::int from ${live}) as "liveRows",
      (select count(*)::int from ${rebuilt}) as "rebuiltRows",
      (select count(*)::int from (select * from ${live} except all select * from ${rebuilt}) d) as "onlyInLive",
      (select count(*)::int from (select * from ${rebuilt} except all select * from ${live}) d) as "onlyInRebuilt"`.execute(trx);
  return { table, ...rows[0]! };
}
