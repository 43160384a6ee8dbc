import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

/**
 * Applies pending migrations. Kysely's PostgreSQL adapter runs them in one transaction under
 * pg_advisory_xact_lock, so two instances starting at once take turns and the second finds
 * nothing left to do.
 */
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<MigrationResultSet> {
  // Unordered: migrations from branches developed side by side may land in any order; each is
  // applied once, whatever its timestamp.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const result = await migrator.migrateToLatest();
  if ((result.error as { code?: string } | undefined)?.code === '42501') {
    // The service's least-privilege role connected without the owner's URL beside it.
    throw new Error(
      "this database role may not migrate (it does not own the tables): set MIGRATIONS_DATABASE_URL to the owner's connection",
      { cause: result.error },
    );
  }
  if (result.error) throw result.error;
  return result;
}
