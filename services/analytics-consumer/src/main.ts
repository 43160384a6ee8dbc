import { migrateFor, openDatabase } from '@cco/event-store';
import { projectionTables } from '@cco/projections';
import { readStandaloneSettings } from '@cco/publishing';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { migrations } from '../../../migrations/index';
import { readMonthlyDeportations } from './readMonthlyDeportations';
import { startAnalyticsConsumer } from './startAnalyticsConsumer';
import type { AnalyticsTables } from './tables';

// `npm run analytics-consumer`: what an analytics team at either ministry might run. It reads
// only cooperation.analytics.v1 (no personal data) and logs its monthly figures every minute.
const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'cco-analytics-consumer' } });
const standalone = readStandaloneSettings(process.env);
if (!standalone.ok) {
  log.error({ missing: standalone.missing }, `npm run analytics-consumer needs ${standalone.missing.join(' and ')}`);
  process.exit(1);
}
const { settings, databaseUrl } = standalone;

const database = await openDatabase<AnalyticsTables>({
  url: databaseUrl,
  poolSize: 3,
  onPoolError: (err) => log.warn({ err }, 'database connection lost'),
});
// Its tables are among the project's migrations; applying them here (under the migrator's lock)
// lets it start before or beside the API.
// MIGRATIONS_DATABASE_URL set: the owner migrates and grants; this connects as the service.
await migrateFor(database, migrations, projectionTables, process.env.MIGRATIONS_DATABASE_URL);
const groupId = process.env.ANALYTICS_GROUP_ID ?? 'cco-analytics-example';
const consumer = await startAnalyticsConsumer({ db: database.db, settings, groupId, log });
log.info({ groupId, topic: settings.topics.analytics }, 'analytics consumer started');

const report = setInterval(async () => {
  const months = await readMonthlyDeportations(database.db).catch(() => []);
  log.info({ stats: consumer.stats, completedDeportationsPerMonth: Object.fromEntries(months.map((m) => [m.key, m.count])) }, 'figures');
}, 60_000);

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'analytics consumer stopping after an error');
  else log.info({ signal }, 'analytics consumer stopping');
  clearInterval(report);
  await consumer.stop();
  await database.close();
});
