import type { Executor } from '@cco/event-store';
import type { LogVerification } from './verifyLog';
import { sql } from 'kysely';

export interface IntegrityRun {
  startedAt: Date;
  finishedAt: Date;
  treeSize: number;
  checked: number;
  ok: boolean;
  firstBrokenPosition: string | null;
  detail: string | null;
}

/** Keeps the result of a whole re-verification of the log. */
export async function recordIntegrityRun(db: Executor<any>, startedAt: Date, result: LogVerification): Promise<void> {
  await sql`
    insert into integrity_runs (started_at, tree_size, checked, ok, first_broken_position, detail)
    values (${startedAt}, ${String(result.treeSize)}::int8, ${String(result.checked)}::int8, ${result.ok}, ${result.firstBrokenPosition}::int8, ${result.detail})`.execute(
    db,
  );
}

export async function readLatestIntegrityRun(db: Executor<any>): Promise<IntegrityRun | null> {
  const { rows } = await sql<{
    started_at: Date;
    finished_at: Date;
    tree_size: string;
    checked: string;
    ok: boolean;
    first_broken_position: string | null;
    detail: string | null;
  }>`
    select started_at, finished_at, tree_size, checked, ok, first_broken_position, detail from integrity_runs order by id desc limit 1`.execute(
    db,
  );
  const r = rows[0];
  return r
    ? {
        startedAt: new Date(r.started_at),
        finishedAt: new Date(r.finished_at),
        treeSize: Number(r.tree_size),
        checked: Number(r.checked),
        ok: r.ok,
        firstBrokenPosition: r.first_broken_position === null ? null : String(r.first_broken_position),
        detail: r.detail,
      }
    : null;
}
