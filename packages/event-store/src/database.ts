import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './lockDataDir';
import { SerializedPGliteDialect } from './pgliteDialect';

/** The channel on which every append notifies readers (see the events migration). */
export const eventsChannel = 'cco_events';

export interface Database<T> {
  db: Kysely<T>;
  kind: 'postgres' | 'pglite';
  /** Calls `onNotify` on each NOTIFY on `channel`; resolves to an unsubscribe. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; without it an embedded PGlite in `dataDir` (or in memory). */
  url?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
  /**
   * Pins every connection's search_path (the tables' owner: see ownerSchema.ts), set at
   * connection start so that no statement of the session runs without it.
   */
  searchPath?: string;
  /** Called when an idle pooled connection fails (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
}

export async function openDatabase<T>(options: DatabaseOptions): Promise<Database<T>> {
  return options.url ? openPostgres<T>(options.url, options) : openPGlite<T>(options.dataDir);
}

function openPostgres<T>(url: string, options: DatabaseOptions): Database<T> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.searchPath === undefined ? {} : { options: `-c search_path=${options.searchPath}` }),
    // int8 stays a string (pg's default); so does xid8, which pg does not know.
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  // pg-pool listens for errors only on idle clients: a checked-out client whose server goes away
  // (a PostgreSQL restart) would throw an uncaught error and take the process down. Each client
  // gets its own listener; the pool discards the dead client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onPoolError?.(error));
    prepareStatements(client);
  });
  const db = new Kysely<T>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async listen(channel, onNotify) {
      // A dedicated client: LISTEN is per session and must not go back to the pool.
      const client = new pg.Client({ connectionString: url });
      client.on('error', (error) => options.onPoolError?.(error));
      client.on('notification', (n) => n.channel === channel && onNotify());
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    close: () => db.destroy(),
  };
}

/** How many statements one connection keeps prepared, and how many texts get a name at all. */
const maxPreparedPerConnection = 200;
const maxNamedStatements = 2000;
const statementNames = new Map<string, string>();

/**
 * Named (prepared) statements: PostgreSQL parses and plans each statement once per connection
 * instead of on every call, which is most of its work for the short statements of a command.
 * Kysely sends the same text for the same query shape, so the text is the key. Only statements
 * with parameters (BEGIN and COMMIT stay simple queries), and a bounded number per connection
 * and per process: statements whose text varies with their arguments (long IN lists, multi-row
 * inserts) would otherwise pile up on the server. A plan invalidated by DDL (a projection's
 * table swapped by a rebuild, a migration) is re-planned by PostgreSQL on its next use.
 */
function prepareStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const prepared = new Set<string>();
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      let name = statementNames.get(text);
      if (name === undefined && statementNames.size < maxNamedStatements) {
        name = `cco_${statementNames.size + 1}`;
        statementNames.set(text, name);
      }
      if (name !== undefined && (prepared.has(name) || prepared.size < maxPreparedPerConnection)) {
        prepared.add(name);
        return query({ name, text, values });
      }
    }
    return query(text, values, callback);
  }) as typeof client.query;
}

async function openPGlite<T>(dataDir: string | undefined): Promise<Database<T>> {
  // Loaded only when used: PGlite's module alone adds some 40 MB to a service on PostgreSQL.
  const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
  // One process at a time: a second opener would corrupt the first one's view of the files.
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  process.once('exit', release);
  const pglite = await createPGlite(
    () =>
      PGlite.create({
        ...(dataDir ? { dataDir } : {}),
        // Same mapping as pg: int8 as string, so the code above it cannot tell the two apart.
        parsers: { [pgliteTypes.INT8]: (value: string) => value },
        // A single-user embedded database needs no server-sized buffers: these cut its resident
        // memory at rest by about a quarter (`npm run bench -- memory`, bench/RESULTS.md).
        postgresqlconf: ['shared_buffers=16MB', 'work_mem=2MB', 'maintenance_work_mem=16MB', 'wal_buffers=1MB'],
      }),
    release,
  );
  const db = new Kysely<T>({ dialect: new SerializedPGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, () => onNotify());
      return unlisten;
    },
    async close() {
      await db.destroy();
      release();
    },
  };
}

async function createPGlite<P>(create: () => Promise<P>, release: () => void): Promise<P> {
  try {
    return await create();
  } catch (error) {
    release();
    throw error;
  }
}
