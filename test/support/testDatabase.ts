import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../packages/event-store/src/index';
import { withDatabase } from './globalSetup';

export interface TestDatabase<T> extends Database<T> {
  url: string;
  name: string;
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase<T = any>(options: { poolSize?: number } = {}): Promise<TestDatabase<T>> {
  const adminUrl = inject('pgAdminUrl');
  const name = `cco_t${process.ppid}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
        break;
      } catch (error) {
        // 55006: the template is busy being copied by a parallel test file; wait and retry.
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase<T>({ url, poolSize: options.poolSize ?? 10 });
  return { ...database, url, name };
}

/** A new database with nothing in it (not migrated), for tests of the migrations themselves: its name and URL. */
export async function createEmptyDatabase(tag: string): Promise<{ name: string; url: string }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `cco_t${process.ppid}_${tag}${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return { name, url: withDatabase(adminUrl, name) };
}
