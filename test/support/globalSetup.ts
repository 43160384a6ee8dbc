import { execFileSync } from 'node:child_process';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../packages/event-store/src/index';
import { migrations } from '../../migrations/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL to the server the tests use (its database is only for admin work). */
    pgAdminUrl: string;
    /** A migrated database that each test file clones (CREATE DATABASE … TEMPLATE). */
    pgTemplate: string;
  }
}

let stopContainer: (() => Promise<unknown>) | undefined;

/**
 * Finds the PostgreSQL the integration tests run on, in this order: DATABASE_URL; a
 * testcontainers PostgreSQL when a Docker engine answers; otherwise it fails, saying how to
 * provide one. It never skips: an integration suite without its database is a failure.
 */
export async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL ?? (await startContainer());
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL at ${redact(adminUrl)}: ${(error as Error).message}`);
  }
  const template = `cco_template_${process.pid}`;
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await admin.end();

  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(adminUrl, template), max: 1 }) }),
  });
  await migrateToLatest(db, migrations);
  await db.destroy();

  // What `npm start` runs, for the tests that start the service as its own process.
  execFileSync(process.execPath, ['services/api/scripts/build.mjs'], { stdio: 'inherit' });

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  // The suite runs beside a write transaction held open in another database of the same
  // server for its whole run, as on a shared cluster: no reader of the log may wait for it.
  const releaseNeighbour = await holdNeighbourTransaction(adminUrl);

  return async () => {
    await releaseNeighbour();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [
      `cco_t${process.pid}_%`,
      template,
    ]);
    for (const { datname } of rows) await cleanup.query(`drop database if exists ${datname} with (force)`);
    await cleanup.end();
    await stopContainer?.();
  };
}

/** A database of its own with a transaction that has an xid, open until the returned call. */
async function holdNeighbourTransaction(adminUrl: string): Promise<() => Promise<void>> {
  const name = `cco_neighbour_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const neighbour = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
  await neighbour.connect();
  await neighbour.query('begin');
  await neighbour.query('select pg_current_xact_id()');
  return async () => {
    await neighbour.end().catch(() => undefined);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

async function startContainer(): Promise<string> {
  if (!dockerAnswers()) {
    throw new Error(
      'The integration tests need PostgreSQL. Set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres, ' +
        'a superuser: each test file creates its own database), or run a Docker engine so testcontainers can start one.',
    );
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:15-alpine').start();
  stopContainer = () => container.stop();
  return container.getConnectionUri();
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
