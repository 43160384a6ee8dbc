import { z } from 'zod';

/** The development secret `npm start` and `npm run token` share when JWT_SECRET is unset. */
export const developmentJwtSecret = 'development-only-secret-do-not-use-in-production';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  KAFKA_BROKERS: z.string().optional(),
  JWT_SECRET: z.string().min(16).optional(),
  JWT_ISSUER: z.string().default('cco-dev'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  kafkaBrokers: string[];
  jwt: { secret: string; issuer: string; development: boolean };
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
}

/** Reads the environment once; a production start without JWT_SECRET is refused. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.parse(env);
  if (!parsed.JWT_SECRET && parsed.NODE_ENV === 'production') {
    throw new Error('JWT_SECRET is required when NODE_ENV=production');
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.DATA_DIR,
    kafkaBrokers: (parsed.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    jwt: { secret: parsed.JWT_SECRET ?? developmentJwtSecret, issuer: parsed.JWT_ISSUER, development: !parsed.JWT_SECRET },
    logLevel: parsed.LOG_LEVEL,
  };
}
