import { PersonalDataKeyRefused } from '@cco/cases';
import { databaseAddress, migrateAsOwner, openDatabase, refusalOfOwnerConnection, vacuumerFor, waitForDatabase } from '@cco/event-store';
import { projectionTables } from '@cco/projections';
import closeWithGrace from 'close-with-grace';
import { ZodError } from 'zod';
import { migrations } from '../../../migrations/index';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { refusalPrefix } from './config/production';
import { startMetricsListener } from './plugins/metrics';
import { loadCheckpointSigner, witnessKeysFrom } from '@cco/transparency-log';
import type { ApiTables } from './tables';

// `npm start`: the whole service on PORT. Without DATABASE_URL it runs on embedded PGlite in
// DATA_DIR, so a newcomer needs nothing installed.
const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    return refuseToStart(error);
  }
})();
const checkpointKey = loadCheckpointSigner(process.env, config.dataDir, config.production);
if ('error' in checkpointKey) {
  refuseToStart(new ConfigError(`${refusalPrefix(config.production)}${checkpointKey.error}`));
}
// Bound before the database is touched: a port in use refuses the start before anything is migrated.
const metricsListener =
  config.metrics.listener &&
  (await startMetricsListener(config.metrics.listener).catch((error: NodeJS.ErrnoException) =>
    refuseToStart(new Error(`METRICS_PORT ${config.metrics.listener!.port} on ${config.metrics.listener!.host} ${unbound(error)}`)),
  ));
// A connection that fails outside a query (idle in the pool, or the LISTEN one: the database
// restarted) is replaced on demand; say so in the log rather than let it pass unseen.
let onPoolError = (error: Error) => console.warn('a database connection failed outside a query:', error.message);
const database = await openDatabase<ApiTables>({
  url: config.databaseUrl,
  dataDir: config.dataDir,
  onPoolError: (error) => onPoolError(error),
}).catch(refuseToStart);
// Started beside its database (compose, an orchestrator), the service may come up first: wait for
// it, saying so once, then refuse in one line.
if (config.databaseUrl)
  await waitForDatabase(database.db, {
    timeoutMs: config.databaseConnectTimeoutMs,
    address: databaseAddress(config.databaseUrl),
    onWaiting: (line) => process.stderr.write(`${line}\n`),
  }).catch(refuseToStart);
// Least privilege: the owner migrates and grants; the service never connects as the owner.
const asOwner = config.migrationsDatabaseUrl
  ? await migrateAsOwner({ ownerUrl: config.migrationsDatabaseUrl, service: database, migrations, ownedTables: projectionTables }).catch(
      refuseToStart,
    )
  : undefined;
// Production never serves as a superuser or the tables' owner unless told to (docs/operations.md).
if (config.production && database.kind === 'postgres') {
  const options = { migratesItself: !asOwner, allowed: process.env.ALLOW_OWNER_CONNECTION };
  const refusal = await refusalOfOwnerConnection(database.db, options).catch((error: Error) => error.message);
  if (refusal) refuseToStart(new ConfigError(`${refusalPrefix(true)}${refusal}`));
}
const app = await buildApp({
  database,
  auth: config.auth,
  metricsOnApiPort: config.metrics.onApiPort,
  personalDataKey: config.personalDataKey.key,
  // Erasure's VACUUM needs the owner of subject_keys: the migrator's role when there are two.
  vacuum: vacuumerFor(
    config.migrationsDatabaseUrl || config.databaseUrl ? { url: (config.migrationsDatabaseUrl ?? config.databaseUrl)! } : database,
  ),
  kafka: config.kafka,
  logLevel: config.logLevel,
  limits: config.limits,
  migrate: !asOwner,
  // CCO_ROLE: several API processes and one or more workers may share a database.
  api: config.role !== 'worker',
  workers: config.role !== 'api',
  transparency: { signer: checkpointKey.signer, witnessKeys: witnessKeysFrom(process.env) },
}).catch(refuseToStart); // e.g. migrating as a role that does not own the tables (migrate.ts names the fix)
if (asOwner)
  app.log.info(
    {
      applied: asOwner.applied,
      serviceRole: asOwner.serviceRole,
      appendOnly: asOwner.grants.kind === 'granted' ? asOwner.grants.appendOnly : [],
    },
    'migrated as the owner; the service connects as a role that cannot rewrite the log',
  );
onPoolError = (error) =>
  app.log.warn(
    { code: (error as { code?: string }).code, reason: error.message },
    'a database connection failed outside a query; it is replaced on demand',
  );

if (config.personalDataKey.development)
  app.log.warn("PERSONAL_DATA_KEY is not set: subjects' data keys are wrapped with the development key");
if (config.auth.developmentParties.length > 0) {
  app.log.warn(
    { parties: config.auth.developmentParties },
    'AUTH_<party>_JWKS is not set: trusting the published development keys (npm run token signs with them)',
  );
}
if (checkpointKey.development)
  app.log.warn(
    { file: checkpointKey.generated, verifierKey: checkpointKey.signer.verifierKey },
    'CHECKPOINT_SIGNING_KEY is not set: checkpoints are signed with a development key kept in DATA_DIR',
  );
if (config.auth.developmentSecret) app.log.warn('JWT_SECRET is set: HS256 tokens of JWT_ISSUER are accepted (development only)');
metricsListener?.serve(app.metrics);

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  metricsListener?.close();
  await app.close();
});

await app
  .listen({ port: config.port, host: config.host })
  .catch((error: NodeJS.ErrnoException) => refuseToStart(new Error(`PORT ${config.port} on ${config.host} ${unbound(error)}`)));
app.log.info(
  { engine: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined, role: config.role },
  config.role === 'worker' ? 'cooperation office worker ready' : 'cooperation office API ready',
);
if (metricsListener)
  app.log.info({ metrics: `http://${config.metrics.listener!.host}:${metricsListener.port}/metrics` }, 'metrics listener ready');

function unbound(error: NodeJS.ErrnoException): string {
  return error.code === 'EADDRINUSE'
    ? 'is in use (another process listens there)'
    : `cannot be listened on (${error.code ?? error.message})`;
}

/** A start-up that cannot go on (bad settings, DATA_DIR held by another process): one line on stderr, no stack. */
function refuseToStart(error: unknown): never {
  const message =
    error instanceof ZodError
      ? `cannot start: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
      : error instanceof ConfigError || error instanceof PersonalDataKeyRefused
        ? error.message
        : `cannot start: ${(error as Error).message || String((error as { code?: string }).code ?? error)}`;
  process.stderr.write(`${message.replaceAll('\n', ' ')}\n`);
  process.exit(1);
}
