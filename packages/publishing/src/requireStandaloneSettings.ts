import type { Log } from './createKafka';
import { readKafkaSettings, type KafkaSettings } from './readKafkaSettings';

/**
 * For a process of its own beside the service (`npm run relay`, a consumer): Kafka settings and
 * a shared PostgreSQL, or it logs what is missing and exits. Unlike `npm start` such a process
 * does not idle without brokers (idling is all it could do), and it cannot use PGlite, which is
 * one process's database.
 */
export function requireStandaloneSettings(log: Log, command: string, env: NodeJS.ProcessEnv = process.env): { settings: KafkaSettings; databaseUrl: string } {
  const settings = readKafkaSettings(env);
  const databaseUrl = env.DATABASE_URL;
  if (settings && databaseUrl) return { settings, databaseUrl };
  const missing = [settings ? [] : ['KAFKA_BROKERS'], databaseUrl ? [] : ['DATABASE_URL']].flat();
  log.error({ missing }, `${command} needs ${missing.join(' and ')}`);
  process.exit(1);
}
