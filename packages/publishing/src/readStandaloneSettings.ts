import { readKafkaSettings, type KafkaSettings } from './readKafkaSettings';

export type StandaloneSettings =
  { ok: true; settings: KafkaSettings; databaseUrl: string } | { ok: false; missing: ('KAFKA_BROKERS' | 'DATABASE_URL')[] };

/**
 * For a process of its own beside the service (`npm run relay`, a consumer): Kafka settings and
 * a shared PostgreSQL, or which of them is missing (the entry point says so and exits). Unlike
 * `npm start` such a process does not idle without brokers (idling is all it could do), and it
 * cannot use PGlite, which is one process's database.
 */
export function readStandaloneSettings(env: NodeJS.ProcessEnv): StandaloneSettings {
  const settings = readKafkaSettings(env);
  const databaseUrl = env.DATABASE_URL;
  if (settings && databaseUrl) return { ok: true, settings, databaseUrl };
  return { ok: false, missing: [...(settings ? [] : (['KAFKA_BROKERS'] as const)), ...(databaseUrl ? [] : (['DATABASE_URL'] as const))] };
}
