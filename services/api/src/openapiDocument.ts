import { openDatabase } from '@cco/event-store';
import { buildApp } from './app';
import { loadConfig } from './config';
import type { ApiTables } from './tables';

/** The OpenAPI document as the routes declare it (an in-memory database; nothing is queried). */
export async function generateOpenApi(): Promise<string> {
  const database = await openDatabase<ApiTables>({});
  const app = await buildApp({
    database,
    auth: loadConfig({}).auth,
    personalDataKey: Buffer.alloc(32),
    migrate: false,
    workers: false,
    logLevel: 'silent',
  });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
