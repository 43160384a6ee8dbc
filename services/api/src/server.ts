import { openDatabase } from '@cco/event-store';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { loadConfig } from './config';
import { loadCheckpointSigner, witnessKeysFrom } from './transparency/loadCheckpointSigner';
import type { ApiTables } from './tables';

// `npm start`: the whole service on PORT. Without DATABASE_URL it runs on embedded PGlite in
// DATA_DIR, so a newcomer needs nothing installed.
const config = loadConfig();
const checkpointKey = loadCheckpointSigner(process.env, config.dataDir);
if ('error' in checkpointKey) throw new Error(checkpointKey.error);
// A connection that fails outside a query (idle in the pool, or the LISTEN one: the database
// restarted) is replaced on demand; say so in the log rather than let it pass unseen.
let onPoolError = (error: Error) => console.warn('a database connection failed outside a query:', error.message);
const database = await openDatabase<ApiTables>({ url: config.databaseUrl, dataDir: config.dataDir, onPoolError: (error) => onPoolError(error) });
const app = await buildApp({ database, auth: config.jwt, personalDataKey: config.personalDataKey.key, kafka: config.kafka, logLevel: config.logLevel,
  transparency: { signer: checkpointKey.signer, witnessKeys: witnessKeysFrom(process.env) } });
onPoolError = (error) => app.log.warn({ code: (error as { code?: string }).code, reason: error.message }, 'a database connection failed outside a query; it is replaced on demand');

if (config.personalDataKey.development) app.log.warn('PERSONAL_DATA_KEY is not set: subjects\' data keys are wrapped with the development key');
if (checkpointKey.development) app.log.warn({ file: checkpointKey.generated, verifierKey: checkpointKey.signer.verifierKey }, 'CHECKPOINT_SIGNING_KEY is not set: checkpoints are signed with a development key kept in DATA_DIR');
if (config.jwt.development) app.log.warn('JWT_SECRET is not set: using the development secret (npm run token signs with it)');

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

await app.listen({ port: config.port, host: config.host });
app.log.info({ engine: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'cooperation office API ready');
