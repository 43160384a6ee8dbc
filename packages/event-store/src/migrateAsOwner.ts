import { sql, type Migration } from 'kysely';
import { openDatabase, type Database } from './database';
import { assertCannotRewriteHistory, grantServiceRole, type GrantOutcome } from './grantServiceRole';
import { migrateToLatest } from './migrate';

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

/**
 * Least privilege (MIGRATIONS_DATABASE_URL set): migrates as the tables' owner, grants the role
 * the service connects as what it needs and no more, then checks from the service's own
 * connection that it cannot rewrite the log. Instances starting at once take turns on the
 * migrator's and the grants' advisory locks.
 */
export async function migrateAsOwner(options: MigrateAsOwnerOptions): Promise<OwnerMigration> {
  // The role is whatever DATABASE_URL logs in as (its user, or libpq's default when it names none).
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(options.service.db);
  const serviceRole = rows[0]!.role;
  const owner = await openDatabase<any>({ url: options.ownerUrl, poolSize: 2 });
  try {
    const result = await migrateToLatest(owner.db, options.migrations);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const grants = await grantServiceRole(owner.db, { role: serviceRole, ownedTables: options.ownedTables });
    if (grants.kind === 'same-role') {
      throw new Error(
        'MIGRATIONS_DATABASE_URL and DATABASE_URL log in as the same role: give the service a role of its own, or unset MIGRATIONS_DATABASE_URL',
      );
    }
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
