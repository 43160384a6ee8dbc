import { openDatabase, migrateToLatest, type Database } from '@cco/event-store';
import pg from 'pg';
import { migrations } from '../../migrations/index';

export const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface BenchDatabase<T = any> extends Database<T> {
  url: string;
  name: string;
  /** Closes the pool and drops the database (also done on exit and on Ctrl-C). */
  drop(): Promise<void>;
}

const toDrop = new Set<string>();

/** A fresh, migrated database of the benchmark's own: cco_bench_<name>_<pid>[_<n>]. */
export async function createBenchDatabase<T = any>(
  bench: string,
  options: { poolSize?: number; suffix?: string } = {},
): Promise<BenchDatabase<T>> {
  const name = `cco_bench_${bench.replace(/\W/g, '_')}_${process.pid}${options.suffix ? `_${options.suffix}` : ''}`;
  await admin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  toDrop.add(name);
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase<T>({ url, poolSize: options.poolSize ?? 10 });
  await migrateToLatest(database.db, migrations);
  let dropped = false;
  return {
    ...database,
    url,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close().catch(() => undefined);
      await dropDatabase(name);
    },
  };
}

export async function dropDatabase(name: string) {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  toDrop.delete(name);
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops whatever databases are left when the run is interrupted. */
export async function dropLeftovers() {
  for (const name of [...toDrop]) await dropDatabase(name).catch(() => undefined);
}
