import { developmentKeyEncryptionKey, parseKeyEncryptionKey } from '@cco/cases';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parties, type Party } from '@cco/domain';
import { developmentAudience, developmentIssuers, developmentJwks } from '@cco/dev-auth';
import { readKafkaSettings, type KafkaSettings } from '@cco/publishing';
import { z } from 'zod';
import type { JwksSource } from './auth/partyKeySet';
import { localKeySetRefusals } from './config/localKeySets';
import { databaseRefusals, jwksUrlRefusal, readDeployment, refusalPrefix } from './config/production';
import type { AuthOptions } from './plugins/auth';

/** A setting the service refuses to start with: main.ts prints the message alone, one line. */
export class ConfigError extends Error {}

/** A duration: milliseconds, or a number with a unit (`10 seconds`, `1 minute`, `500ms`). */
const duration = z
  .string()
  .regex(/^\s*\d+\s*(ms|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours)?\s*$/i, 'e.g. 10000, 10s, 1 minute')
  .transform((s) => {
    const [, n, unit = 'ms'] = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(s)!;
    const u = unit.toLowerCase();
    const factor = u === 'ms' ? 1 : u.startsWith('h') ? 3_600_000 : u.startsWith('m') ? 60_000 : 1000;
    return Number(n) * factor;
  });

/** Limits (plugins/limits.ts and the HTTP server's timeouts in app.ts); generous by default. */
const limitsSchema = z.object({
  /** Requests per client (JWT subject, else IP) per RATE_LIMIT_WINDOW. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_WINDOW: duration.default(10_000),
  /** All of a request's headers must arrive within this (slowloris). */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The whole request, body included, must arrive within this (slow bodies). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** A socket silent for this long mid-request is closed. */
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** An idle keep-alive connection is closed after this (above common load balancers' 60 s). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(72_000),
  /** A transaction of this database open longer than this (holding the log readers back) makes /health `degraded`. */
  READER_HOLDBACK_ALERT: duration.default(30_000),
});

export interface LimitsConfig {
  rateLimit: { max: number; windowMs: number };
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
  holdbackAlertMs: number;
}

const toLimits = (parsed: z.infer<typeof limitsSchema>): LimitsConfig => ({
  rateLimit: { max: parsed.RATE_LIMIT_MAX, windowMs: parsed.RATE_LIMIT_WINDOW },
  headersTimeoutMs: Math.min(parsed.HTTP_HEADERS_TIMEOUT_MS, parsed.HTTP_REQUEST_TIMEOUT_MS),
  requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
  connectionTimeoutMs: parsed.HTTP_CONNECTION_TIMEOUT_MS,
  keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  holdbackAlertMs: parsed.READER_HOLDBACK_ALERT,
});

/** The limits alone, from the given environment (loadConfig reads them with the rest). */
export function loadLimits(env: NodeJS.ProcessEnv): LimitsConfig {
  return toLimits(limitsSchema.parse(env));
}

/** The limits when no variable sets them: what buildApp uses unless given others. */
export const defaultLimits: LimitsConfig = loadLimits({});

const configSchema = z.object({
  ...limitsSchema.shape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  /** The tables' owner, used only to migrate; the service then connects through DATABASE_URL. */
  MIGRATIONS_DATABASE_URL: z.string().url().optional(),
  /** How long a start waits for an unreachable database (retrying with back-off) before refusing. */
  DATABASE_CONNECT_TIMEOUT: duration.default(60_000),
  /** Which parts this process runs: the API, the background workers, or both (docs/operations.md). */
  CCO_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  DATA_DIR: z.string().default('./data'),
  AUTH_KH_JWKS: z.string().min(1).optional(),
  AUTH_CN_JWKS: z.string().min(1).optional(),
  AUTH_KH_ISSUER: z.string().min(1).optional(),
  AUTH_CN_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).default(developmentAudience),
  /** How long a fetched key set is used before it is fetched again (a removed key works until then). */
  AUTH_JWKS_CACHE: duration.default(600_000),
  /** Development only: HS256 tokens of JWT_ISSUER signed with this secret are accepted too. */
  JWT_SECRET: z.string().min(16).optional(),
  JWT_ISSUER: z.string().default('cco-dev'),
  /** /metrics on a listener of its own (always in production: never on the public port). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  PERSONAL_DATA_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  migrationsDatabaseUrl: string | undefined;
  databaseConnectTimeoutMs: number;
  production: boolean;
  /** all: API and workers; api: the HTTP API only; worker: chainer, projections, relay (and /health, /metrics). */
  role: 'all' | 'api' | 'worker';
  dataDir: string;
  /** Kafka publishing (KAFKA_BROKERS, KAFKA_TOPIC_* ...); undefined when KAFKA_BROKERS is unset. */
  kafka: KafkaSettings | undefined;
  /** Whose tokens are trusted (AUTH_*); `developmentParties` run on the published development keys. */
  auth: AuthOptions & { developmentParties: Party[] };
  /** /metrics: on the API's port (not in production) and/or a listener of its own. */
  metrics: { onApiPort: boolean; listener: { port: number; host: string } | undefined };
  /** Wraps every subject's data key (crypto-shredding); see packages/cases. */
  personalDataKey: { key: Buffer; development: boolean };
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** Rate limit and HTTP timeouts (RATE_LIMIT_*, HTTP_*_TIMEOUT_MS). */
  limits: LimitsConfig;
}

/** The refetch interval docs/identity-providers.md allows for an unknown kid: at most every 30 s. */
const refetchCooldownMs = 30_000;
const defaultMetricsPort = 9464;

/**
 * Reads the environment once. A production start is refused (ConfigError) without both
 * parties' keys and issuers, with JWT_SECRET set at all, or with the development personal-data key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const deployment = readDeployment(env.NODE_ENV);
  if ('error' in deployment) throw new ConfigError(`${refusalPrefix(false)}${deployment.error}`);
  const parsed = configSchema.parse(env);
  const production = deployment.deployment === 'production';
  const refusals = databaseRefusals(
    { DATABASE_URL: parsed.DATABASE_URL, MIGRATIONS_DATABASE_URL: parsed.MIGRATIONS_DATABASE_URL },
    production,
  );
  if (production) {
    const missing = ['AUTH_KH_JWKS', 'AUTH_KH_ISSUER', 'AUTH_CN_JWKS', 'AUTH_CN_ISSUER'].filter(
      (name) => !parsed[name as keyof typeof parsed],
    );
    if (missing.length > 0) refusals.push(`each ministry's keys and issuer are required (${missing.join(', ')} not set)`);
    if (parsed.JWT_SECRET !== undefined)
      refusals.push('JWT_SECRET is for development only: unset it (each ministry signs with its own keys)');
    if (!parsed.PERSONAL_DATA_KEY) refusals.push('PERSONAL_DATA_KEY is required');
    else if (safeKey(parsed.PERSONAL_DATA_KEY)?.equals(parseKeyEncryptionKey(developmentKeyEncryptionKey))) {
      refusals.push('PERSONAL_DATA_KEY is the published development key');
    }
  }
  if (parsed.MIGRATIONS_DATABASE_URL && !parsed.DATABASE_URL) {
    throw new Error('MIGRATIONS_DATABASE_URL needs DATABASE_URL: the service connects through it as a role that does not own the tables');
  }
  const trust = {} as AuthOptions['parties'];
  const developmentParties: Party[] = [];
  for (const party of parties) {
    const jwks = parsed[`AUTH_${party}_JWKS`];
    const issuer = parsed[`AUTH_${party}_ISSUER`];
    if (jwks && !issuer) refusals.push(`AUTH_${party}_ISSUER is required with AUTH_${party}_JWKS`);
    const source: JwksSource | undefined = !jwks
      ? undefined
      : /^[a-z][a-z0-9+.-]*:\/\//i.test(jwks)
        ? { url: jwks }
        : { file: resolve(jwks) };
    const unsafeUrl = source && 'url' in source ? jwksUrlRefusal(`AUTH_${party}_JWKS`, source.url, production) : undefined;
    if (unsafeUrl) refusals.push(unsafeUrl);
    if (source && 'file' in source && !existsSync(source.file)) refusals.push(`AUTH_${party}_JWKS: no such file ${source.file}`);
    if (!source) developmentParties.push(party);
    trust[party] = { issuer: issuer ?? developmentIssuers[party], jwks: source ?? { keys: developmentJwks(party) } };
  }
  if (trust.KH.issuer === trust.CN.issuer) refusals.push('AUTH_KH_ISSUER and AUTH_CN_ISSUER must differ: the issuer selects the party');
  refusals.push(...localKeySetRefusals({ KH: trust.KH.jwks, CN: trust.CN.jwks }));
  if (refusals.length > 0) throw new ConfigError(`${refusalPrefix(production)}${refusals.join('; ')}`);

  const metricsPort = parsed.METRICS_PORT ?? (production ? defaultMetricsPort : undefined);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    migrationsDatabaseUrl: parsed.MIGRATIONS_DATABASE_URL,
    databaseConnectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT,
    production,
    role: parsed.CCO_ROLE,
    dataDir: parsed.DATA_DIR,
    kafka: readKafkaSettings(env),
    auth: {
      parties: trust,
      audience: parsed.AUTH_AUDIENCE,
      timing: { maxAgeMs: Math.max(parsed.AUTH_JWKS_CACHE, refetchCooldownMs), cooldownMs: refetchCooldownMs, fetchTimeoutMs: 5000 },
      // The development keys' private halves are in this repository: production never trusts them.
      refusedKeys: production ? parties.flatMap((party) => developmentJwks(party).keys) : undefined,
      developmentSecret: parsed.JWT_SECRET ? { secret: parsed.JWT_SECRET, issuer: parsed.JWT_ISSUER } : undefined,
      servedDevelopmentJwks: production ? [] : developmentParties,
      developmentParties,
    },
    metrics: { onApiPort: !production, listener: metricsPort === undefined ? undefined : { port: metricsPort, host: parsed.METRICS_HOST } },
    personalDataKey: {
      key: parseKeyEncryptionKey(parsed.PERSONAL_DATA_KEY ?? developmentKeyEncryptionKey),
      development: !parsed.PERSONAL_DATA_KEY,
    },
    logLevel: parsed.LOG_LEVEL,
    limits: toLimits(parsed),
  };
}

function safeKey(base64: string): Buffer | undefined {
  try {
    return parseKeyEncryptionKey(base64);
  } catch {
    return undefined;
  }
}
