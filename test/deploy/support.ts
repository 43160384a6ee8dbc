import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { withDatabase } from '../support/globalSetup';

/** A database of this test's own, owned by a fresh owner role, with a fresh service role beside it. */
export interface TwoRoleDatabase {
  name: string;
  owner: string;
  service: string;
  /** MIGRATIONS_DATABASE_URL: logs in as the owner. */
  ownerUrl: string;
  /** DATABASE_URL: logs in as the service role. */
  serviceUrl: string;
  /** The superuser's URL on this database (for checks only). */
  adminUrl: string;
  drop(): Promise<void>;
}

const as = (url: string, user: string) => {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  return parsed.toString();
};

/**
 * What an operator does once (see services/api/deploy/postgres-init-roles.sh): an owner that owns the database, a
 * service role that logs in, and the owner a member of the service role (so it can hand the
 * service its read models). Roles are cluster-wide, so their names are unique per run; the
 * cluster trusts loopback, so neither has a password.
 */
export async function createTwoRoleDatabase(label: string): Promise<TwoRoleDatabase> {
  const suffix = `${process.ppid}_${randomBytes(4).toString('hex')}`;
  const name = `cco_t${suffix}_${label}`;
  const owner = `cco_own_${suffix}`;
  const service = `cco_svc_${suffix}`;
  const root = inject('pgAdminUrl');
  const admin = new pg.Client({ connectionString: root });
  await admin.connect();
  try {
    await admin.query(`create role ${owner} login`);
    await admin.query(`create role ${service} login`);
    await admin.query(`grant ${service} to ${owner}`);
    await admin.query(`create database ${name} owner ${owner}`);
  } finally {
    await admin.end();
  }
  const adminUrl = withDatabase(root, name);
  return {
    name,
    owner,
    service,
    ownerUrl: as(adminUrl, owner),
    serviceUrl: as(adminUrl, service),
    adminUrl,
    async drop() {
      const client = new pg.Client({ connectionString: root });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
        await client.query(`drop role if exists ${service}`);
        await client.query(`drop role if exists ${owner}`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one query on `url` (a connection of its own) and returns its rows. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Runs `text` on `url` in a transaction that is rolled back either way, and returns PostgreSQL's
 * error code (undefined if it succeeded).
 */
export async function errorCodeOf(url: string, text: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(text);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

/**
 * How long the tests wait for the background readers (chainer, projections, relay). They read
 * only below the cluster's oldest running transaction (commit-safe order), and the cluster is
 * shared with other test runs whose transactions may hold it back for a while: a deadline, not
 * an expectation of an idle machine.
 */
export const readersDeadlineMs = 90_000;

/** Waits until the service's chainer has linked all `events` and the whole chain verifies. */
export async function waitForFullChain(send: (path: string) => Promise<{ json: any }>, events: number): Promise<{ chainLength: string }> {
  let integrity: any;
  await waitForReaders(() =>
    expect
      .poll(
        async () => {
          integrity = (await send('/v1/audit/integrity?full=true')).json;
          return integrity?.ok === true && Number(integrity.chainLength) === events;
        },
        { timeout: readersDeadlineMs, interval: 250 },
      )
      .toBe(true),
  );
  return integrity;
}

/**
 * Runs a wait on the background readers; if it fails, says which transactions on the server
 * were holding every reader back at that moment (a failure caused by another run's long
 * transaction then names it instead of looking like a defect of the service).
 */
export async function waitForReaders<T>(wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await client.connect();
    try {
      const { rows } = await client.query(`
        select pid, datname, usename, (now() - xact_start)::text as age, state, left(query, 120) as query
        from pg_stat_activity where backend_xid is not null order by xact_start limit 5`);
      (error as Error).message +=
        `\noldest write transactions on the server (they hold every commit-safe reader back):\n${JSON.stringify(rows, null, 1)}`;
    } finally {
      await client.end();
    }
    throw error;
  }
}
