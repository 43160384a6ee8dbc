import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Party, Role } from '@cco/domain';
import { developmentAudience, developmentIssuers, developmentJwks } from '@cco/dev-auth';
import { validToken } from '@cco/testkit';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, type AppOptions } from '../../services/api/src/app';
import { loadLimits } from '../../services/api/src/config';
import { loggerOptions } from '../../services/api/src/logger';
import type { AuthOptions } from '../../services/api/src/plugins/auth';
import type { ApiTables } from '../../services/api/src/tables';
import { createTestDatabase, type TestDatabase } from './testDatabase';

/** Each party's development JWKS as a file, read as production reads AUTH_<party>_JWKS. */
const jwksDir = mkdtempSync(join(tmpdir(), 'cco-test-jwks-'));
const jwksFile = (party: Party) => {
  const file = join(jwksDir, `${party}.json`);
  writeFileSync(file, JSON.stringify(developmentJwks(party)));
  return file;
};
/**
 * Per-party trust as production has it (each party's own issuer and key set; no shared
 * secret), on the development keys: tests sign with them (the test kit's validToken).
 */
export const testAuth: AuthOptions = {
  parties: {
    KH: { issuer: developmentIssuers.KH, jwks: { file: jwksFile('KH') } },
    CN: { issuer: developmentIssuers.CN, jwks: { file: jwksFile('CN') } },
  },
  audience: developmentAudience,
  timing: { maxAgeMs: 600_000, cooldownMs: 30_000, fetchTimeoutMs: 5000 },
};
/** A token of `party`'s identity provider (its development key) for these roles. */
export const testToken = (party: Party, ...roles: Role[]) =>
  validToken({ sub: `${party.toLowerCase()}-${roles.join('-')}`, party, roles }, 8 * 3600);
/**
 * The key-encryption key of the test servers (tests that open sealed rows by hand need it): fixed,
 * and random-looking, since a key of few distinct bytes is refused (parseKeyEncryptionKey).
 */
export const testPersonalDataKey = createHash('sha256').update('test-kek').digest();

export interface TestApp {
  app: FastifyInstance;
  url: string;
  database: TestDatabase<ApiTables>;
  /** Every log line the app wrote, for the personal-data scans. */
  logs: string[];
  token(party: Party, ...roles: Role[]): string;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** The real server on an ephemeral port over a database of this test file's own. */
export async function startTestApp(
  options: { workers?: boolean; auth?: AuthOptions; holdbackAlertMs?: number; transparency?: AppOptions['transparency'] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase<ApiTables>();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = pino(loggerOptions('info'), sink);
  // As server.ts does: the limits from the environment (a test file may set smaller ones).
  const limits = loadLimits(process.env);
  if (options.holdbackAlertMs !== undefined) limits.holdbackAlertMs = options.holdbackAlertMs;
  const app = await buildApp({
    database,
    auth: options.auth ?? testAuth,
    personalDataKey: testPersonalDataKey,
    migrate: false,
    workers: options.workers ?? false,
    limits,
    logger,
    transparency: options.transparency,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    database,
    logs,
    token: testToken,
    async request(method, path, { token, body, headers = {} } = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    close: () => app.close(),
  };
}
