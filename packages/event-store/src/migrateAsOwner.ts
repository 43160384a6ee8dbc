import { sql, type Migration } from 'kysely';
import { openDatabase, type Database } from './database';
import { assertCannotRewriteHistory, grantServiceRole, type GrantOutcome } from './grantServiceRole';
import { migrateToLatest } from './migrate';
import { ownerSearchPath } from './ownerSchema';
import { secureOwnerSchemas } from './secureOwnerSchemas';

export interface OwnerMigration {
  applied: string[];
  serviceRole: string;
  grants: GrantOutcome;
}

export interface MigrateAsOwnerOptions {
  /** MIGRATIONS_DATABASE_URL: the tables' owner. */
  ownerUrl: string;
  /** The service's own connection (DATABASE_URL). */
  service: Database<any>;
  migrations: Record<string, Migration>;
  /** The read models' tables, which the service owns (see grantServiceRole). */
  ownedTables: readonly string[];
}

const sameRole =
  'MIGRATIONS_DATABASE_URL and DATABASE_URL log in as the same role: give the service a role of its own, or unset MIGRATIONS_DATABASE_URL';

/**
 * Least privilege (MIGRATIONS_DATABASE_URL set): migrates as the tables' owner, grants the role
 * the service connects as what it needs and no more, then checks from the service's own
 * connection that it cannot rewrite the log. The owner's session has its search_path pinned
 * and first makes sure the service can plant nothing it would run (secureOwnerSchemas). Instances starting at once take turns on the
 * migrator's and the grants' advisory locks.
 */
export async function migrateAsOwner(options: MigrateAsOwnerOptions): Promise<OwnerMigration> {
  // The role is whatever DATABASE_URL logs in as (its user, or libpq's default when it names none).
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(options.service.db);
  const serviceRole = rows[0]!.role;
  const owner = await openDatabase<any>({ url: options.ownerUrl, poolSize: 2, searchPath: ownerSearchPath });
  try {
    // The URL's own `options` would win over ours: then refuse rather than run unpinned.
    const { rows: path } = await sql<{ path: string; me: string }>`
      select pg_catalog.current_setting('search_path'::pg_catalog.text) as path, current_user as me`.execute(owner.db);
    if (path[0]!.me === serviceRole) throw new Error(sameRole);
    if (path[0]!.path !== ownerSearchPath)
      throw new Error(
        `MIGRATIONS_DATABASE_URL sets search_path to ${path[0]!.path}: leave it out, the owner's is pinned to ${ownerSearchPath}`,
      );
    // Before anything of the owner's runs: no CREATE for the service where the owner resolves
    // names, and nothing of another role's that the owner could be made to run.
    await secureOwnerSchemas(owner.db, { role: serviceRole, ownedTables: options.ownedTables });
    const result = await migrateToLatest(owner.db, options.migrations);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const grants = await grantServiceRole(owner.db, { role: serviceRole, ownedTables: options.ownedTables });
    if (grants.kind === 'same-role') throw new Error(sameRole);
    await assertCannotRewriteHistory(options.service.db);
    return { applied, serviceRole, grants };
  } finally {
    await owner.close();
  }
}

/**
 * What every entry point runs before it works on `database`: with the owner's URL (the entry
 * point's MIGRATIONS_DATABASE_URL), the owner migrates and grants; without it, the one role
 * migrates as it always has.
 */
export async function migrateFor(
  database: Database<any>,
  migrations: Record<string, Migration>,
  ownedTables: readonly string[],
  ownerUrl: string | undefined,
): Promise<{ applied: string[]; owner?: OwnerMigration }> {
  if (ownerUrl) {
    const owner = await migrateAsOwner({ ownerUrl, service: database, migrations, ownedTables });
    return { applied: owner.applied, owner };
  }
  const result = await migrateToLatest(database.db, migrations);
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
