import { sql } from 'kysely';
import { assertPersonalDataKey } from '@cco/cases';
import { announceAppends, migrateToLatest, type Database } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { migrations } from '../../../../migrations/index';
import type { ApiTables } from '../tables';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database<ApiTables>;
    /** The key-encryption key that wraps each subject's data key. */
    personalDataKey: Buffer;
    /** Tells the log's readers, here and in other processes, that appends have committed. */
    announceAppend: () => void;
  }
}

export interface DatabasePluginOptions {
  database: Database<ApiTables>;
  /** Apply pending migrations before serving (under Kysely's advisory lock). */
  migrate: boolean;
  personalDataKey: Buffer;
}

/** The database the app runs on; closed with the app. */
export const databasePlugin = fp(
  async function database(app: FastifyInstance, options: DatabasePluginOptions) {
    if (options.migrate) {
      const result = await migrateToLatest(options.database.db, migrations);
      const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
      app.log.info({ applied, engine: options.database.kind }, applied.length ? 'migrations applied' : 'schema up to date');
    }
    // Before anything is read or sealed under it: the key this database was sealed with, or refused.
    // An app that neither migrated nor finds the schema (the OpenAPI generator's) seals nothing.
    const { rows } = await sql<{ schema: boolean }>`select pg_catalog.to_regclass('personal_data_keys') is not null as schema`.execute(
      options.database.db,
    );
    if (options.migrate || rows[0]?.schema) await assertPersonalDataKey(options.database.db, options.personalDataKey);
    app.decorate('database', options.database);
    app.decorate('personalDataKey', options.personalDataKey);
    const announcer = announceAppends(options.database.db, {
      onError: (error) => app.log.warn({ err: error }, 'could not announce appends; readers fall back to polling'),
    });
    app.decorate('announceAppend', () => announcer.appended());
    app.addHook('onClose', async () => {
      await announcer.close();
      await options.database.close();
    });
  },
  { name: 'database' },
);
