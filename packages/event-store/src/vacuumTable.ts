import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

/** What a VACUUM of one table left behind, from its own report. */
export type VacuumReport =
  /** `deadLeft`: row versions dead but not yet removable (an open snapshot may see them) or missed (a page pinned). */
  | { kind: 'vacuumed'; deadLeft: number }
  /** It did not vacuum the table (its role neither owns it nor the database), or its report could not be read. */
  | { kind: 'skipped'; reason: string };

/**
 * `full`: rewrite the table into a new file (VACUUM FULL: a plain VACUUM frees a removed row's
 * space without zeroing it, so its bytes linger on the page until overwritten). It takes the
 * table's exclusive lock: given up after 5 s (lock_timeout), reported as skipped.
 */
export type Vacuumer = (table: { schema: string; name: string }, options?: { full?: boolean }) => Promise<VacuumReport>;

/**
 * Vacuums a table and reads what it could not remove from VACUUM VERBOSE's report (a notice:
 * only a session of its own hears it, hence a client of its own, never a pooled one). VACUUM
 * cannot run in a transaction: each call is its own session. The session's search_path is
 * pg_catalog, the table schema-qualified: whoever connects (the tables' owner) resolves nothing
 * another role could have planted. On embedded PGlite, one connection and one process: when its
 * VACUUM runs no other snapshot is open, so nothing dead can be left.
 */
export function vacuumerFor(target: { url: string } | Database<any>): Vacuumer {
  if ('db' in target) {
    if (target.kind !== 'pglite') throw new Error('vacuumerFor: a PostgreSQL database is vacuumed through its URL');
    return async ({ schema, name }, options = {}) => {
      await sql`vacuum (${sql.raw(options.full ? 'full' : 'disable_page_skipping')}) ${sql.id(schema, name)}`.execute(target.db);
      return { kind: 'vacuumed', deadLeft: 0 };
    };
  }
  return async ({ schema, name }, options = {}) => {
    const client = new pg.Client({ connectionString: target.url });
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('set search_path = pg_catalog');
      const table = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
      if (options.full) {
        await client.query("set lock_timeout = '5s'");
        const done = await client.query(`vacuum (full) ${table}`).then(
          () => true,
          (error: { code?: string; message: string }) => {
            if (error.code === '55P03') return false;
            throw error;
          },
        );
        return done ? { kind: 'vacuumed', deadLeft: 0 } : { kind: 'skipped', reason: 'VACUUM FULL gave up waiting for the table lock' };
      }
      await client.query(`vacuum (verbose, disable_page_skipping) ${table}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    return readReport(notices, `.${schema}.${name}"`);
  };
}

/** PostgreSQL 15's report: `finished vacuuming "db.schema.table": … tuples: R removed, N remain, D are dead but not yet removable` (+ `tuples missed: M dead …`). */
export function readReport(notices: readonly string[], suffix: string): VacuumReport {
  const report = notices.find((n) => /^finished vacuuming "/.test(n) && n.split('\n')[0]!.includes(suffix));
  if (!report) return { kind: 'skipped', reason: notices.find((n) => /skipping|permission denied/i.test(n)) ?? 'no VACUUM report' };
  const dead = /(\d+) are dead but not yet removable/.exec(report);
  if (!dead) return { kind: 'skipped', reason: 'the VACUUM report could not be read (lc_messages not English?)' };
  const missed = /tuples missed: (\d+) dead/.exec(report);
  return { kind: 'vacuumed', deadLeft: Number(dead[1]) + Number(missed?.[1] ?? 0) };
}
