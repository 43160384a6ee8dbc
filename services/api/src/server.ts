import { openDatabase } from '@cco/event-store';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { loadConfig } from './config';
import type { ApiTables } from './tables';

// `npm start`: the whole service on PORT. Without DATABASE_URL it runs on embedded PGlite in
// DATA_DIR, so a newcomer needs nothing installed.
const config = loadConfig();
const database = await openDatabase<ApiTables>({ url: config.databaseUrl, dataDir: config.dataDir });
const app = await buildApp({ database, auth: config.jwt, logLevel: config.logLevel });

if (config.jwt.development) app.log.warn('JWT_SECRET is not set: using the development secret (npm run token signs with it)');
if (config.kafkaBrokers.length === 0) app.log.info('KAFKA_BROKERS is not set: events stay in the store until a broker is configured');

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

await app.listen({ port: config.port, host: config.host });
app.log.info({ engine: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'cooperation office API ready');
