import { developmentKeyEncryptionKey, parseKeyEncryptionKey } from '@cco/case-records';
import { developmentJwtSecret } from '@cco/dev-auth';
import { readKafkaSettings, type KafkaSettings } from '@cco/publishing';
import { z } from 'zod';

// The development secret `npm start` and `npm run token` share when JWT_SECRET is unset.
export { developmentJwtSecret };

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

/** The limits alone (app.ts reads them when it builds the server). */
export function loadLimits(env: NodeJS.ProcessEnv = process.env): LimitsConfig {
  return toLimits(limitsSchema.parse(env));
}

const configSchema = z.object({
  ...limitsSchema.shape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  /** The tables' owner, used only to migrate; the service then connects through DATABASE_URL. */
  MIGRATIONS_DATABASE_URL: z.string().url().optional(),
  /** Which parts this process runs: the API, the background workers, or both (docs/operations.md). */
  CCO_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: z.string().min(16).optional(),
  JWT_ISSUER: z.string().default('cco-dev'),
  PERSONAL_DATA_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  migrationsDatabaseUrl: string | undefined;
  /** all: API and workers; api: the HTTP API only; worker: chainer, projections, relay (and /health, /metrics). */
  role: 'all' | 'api' | 'worker';
  dataDir: string;
  /** Kafka publishing (KAFKA_BROKERS, KAFKA_TOPIC_* ...); undefined when KAFKA_BROKERS is unset. */
  kafka: KafkaSettings | undefined;
  jwt: { secret: string; issuer: string; development: boolean };
  /** Wraps every subject's data key (crypto-shredding); see packages/case-records. */
  personalDataKey: { key: Buffer; development: boolean };
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** Rate limit and HTTP timeouts (RATE_LIMIT_*, HTTP_*_TIMEOUT_MS). */
  limits: LimitsConfig;
}

/** Reads the environment once; a production start without JWT_SECRET is refused. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.parse(env);
  if (parsed.NODE_ENV === 'production' && (!parsed.JWT_SECRET || !parsed.PERSONAL_DATA_KEY)) {
    throw new Error('JWT_SECRET and PERSONAL_DATA_KEY are required when NODE_ENV=production');
  }
  if (parsed.MIGRATIONS_DATABASE_URL && !parsed.DATABASE_URL) {
    throw new Error('MIGRATIONS_DATABASE_URL needs DATABASE_URL: the service connects through it as a role that does not own the tables');
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    migrationsDatabaseUrl: parsed.MIGRATIONS_DATABASE_URL,
    role: parsed.CCO_ROLE,
    dataDir: parsed.DATA_DIR,
    kafka: readKafkaSettings(env),
    jwt: { secret: parsed.JWT_SECRET ?? developmentJwtSecret, issuer: parsed.JWT_ISSUER, development: !parsed.JWT_SECRET },
    personalDataKey: {
      key: parseKeyEncryptionKey(parsed.PERSONAL_DATA_KEY ?? developmentKeyEncryptionKey),
      development: !parsed.PERSONAL_DATA_KEY,
    },
    logLevel: parsed.LOG_LEVEL,
    limits: toLimits(parsed),
  };
}
