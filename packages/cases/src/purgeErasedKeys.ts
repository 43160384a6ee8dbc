import type { Executor, Vacuumer } from '@cco/event-store';
import { sql } from 'kysely';

export type PurgeOutcome =
  | { kind: 'nothing-pending' }
  /** Every erasure pending before the VACUUM is now purged: no version of their key rows is left. */
  | { kind: 'purged'; erasures: number }
  /** Dead versions are left (an open snapshot may still see them) or the VACUUM did not run: retry. */
  | { kind: 'pending'; erasures: number; reason: string };

/**
 * Makes erasures final in the live database: an erasure deletes its key row, but the deleted
 * version stays on its page until a VACUUM removes it, and a VACUUM cannot remove a version an
 * open snapshot may still see. So: the erasures committed so far, then a VACUUM of subject_keys
 * (its own session, by the table's owner); only if it reports no dead version left, a VACUUM
 * FULL (which would copy a version a snapshot may still see, hence the plain one first) rewrites
 * the table so that not even a removed row's bytes stay in its pages; then they are marked
 * purged. Otherwise they stay pending, and the caller retries.
 */
export async function purgeErasedKeys(db: Executor<any>, vacuum: Vacuumer): Promise<PurgeOutcome> {
  const { rows } = await sql<{ case_id: string }>`select case_id from erased_subjects where purged_at is null`.execute(db);
  if (rows.length === 0) return { kind: 'nothing-pending' };
  const table = await subjectKeysTable(db);
  const report = await vacuum(table);
  if (report.kind === 'skipped') return { kind: 'pending', erasures: rows.length, reason: `VACUUM skipped: ${report.reason}` };
  if (report.deadLeft > 0) {
    return { kind: 'pending', erasures: rows.length, reason: `${report.deadLeft} dead row versions not yet removable (open snapshots)` };
  }
  // No dead version left, but the freed space still holds the bytes of what was removed: the
  // table rewritten into a new file (small: one short row per case; erasures are rare).
  const rewrite = await vacuum(table, { full: true });
  if (rewrite.kind === 'skipped') return { kind: 'pending', erasures: rows.length, reason: `VACUUM FULL skipped: ${rewrite.reason}` };
  const ids = rows.map((r) => r.case_id);
  await sql`update erased_subjects set purged_at = now() where case_id = any(${ids}::text[]) and purged_at is null`.execute(db);
  return { kind: 'purged', erasures: ids.length };
}

/** Erasures whose key row may still have a dead version on a page of subject_keys. */
export async function countPendingPurges(db: Executor<any>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from erased_subjects where purged_at is null`.execute(db);
  return Number(rows[0]!.n);
}

/** subject_keys, schema-qualified, as the service resolves it (the owner's session resolves nothing). */
export async function subjectKeysTable(db: Executor<any>): Promise<{ schema: string; name: string }> {
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.oid = pg_catalog.to_regclass('subject_keys')`.execute(db);
  if (!rows[0]) throw new Error('no subject_keys table: is the database migrated?');
  return { schema: rows[0].schema, name: 'subject_keys' };
}

export interface ErasurePurge {
  /** An erasure committed: purge now (and retry until done). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs purgeErasedKeys when woken and every `intervalMs` (erasures by other processes, and
 * those left pending by a snapshot), retrying sooner while some are pending: 1 s, doubling to
 * the interval.
 */
export function startErasurePurge(options: {
  db: Executor<any>;
  vacuum: Vacuumer;
  intervalMs?: number;
  onOutcome?: (outcome: PurgeOutcome) => void;
  onError?: (error: unknown) => void;
}): ErasurePurge {
  const interval = options.intervalMs ?? 60_000;
  let retry = 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  };
  function run() {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let pending = false;
      try {
        const outcome = await purgeErasedKeys(options.db, options.vacuum);
        options.onOutcome?.(outcome);
        pending = outcome.kind === 'pending';
      } catch (error) {
        pending = true;
        options.onError?.(error);
      }
      retry = pending ? Math.min(retry * 2, interval) : 1000;
      schedule(pending ? retry : interval);
    })().finally(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        run();
      }
    });
  }
  schedule(0);
  return {
    wake: () => {
      if (!stopped) run();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
