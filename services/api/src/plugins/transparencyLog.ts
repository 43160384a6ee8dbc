import { runCatchUp, type CatchUp } from '@cco/event-store';
import {
  verifyLog,
  type LogVerification,
  issueCheckpoint,
  readLatestCheckpoint,
  type Checkpoint,
  readLatestIntegrityRun,
  recordIntegrityRun,
  generateSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from '@cco/transparency-log';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';

export interface TransparencyOptions {
  /** The checkpoints' signing key (loadCheckpointSigner); absent: a key for this process only. */
  signer?: NoteSigner | undefined;
  /** Verifier keys of the witnesses whose cosignatures are accepted (CHECKPOINT_WITNESS_KEYS). */
  witnessKeys?: readonly string[] | undefined;
  /** Issue checkpoints and run the scheduled re-verification (off in tests that drive them). */
  workers: boolean;
  /** How often to look for growth to sign (default 1 s): the coalescing window under load. */
  checkpointIntervalMs?: number;
  /** Whole re-verification of the log every this often (default 1 h; first run 10 s after start). */
  integrityIntervalMs?: number;
  /** How long a plain GET /v1/audit/integrity may spend re-reading (default 5 s). */
  integrityBudgetMs?: number;
  /** Called with each checkpoint issued (Kafka publication). */
  onCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
}

export interface TransparencyLog {
  signer: NoteSigner;
  witnesses: NoteVerifier[];
  integrityBudgetMs: number;
  /** Signs the tree as it stands if it grew; what the background loop does every second. */
  issue(): Promise<Checkpoint | null>;
  /** Re-reads the whole log against tree, chain and checkpoints, and keeps the result. */
  verifyAll(): Promise<LogVerification>;
}

declare module 'fastify' {
  interface FastifyInstance {
    transparency: TransparencyLog;
  }
}

/** Signed checkpoints of the Merkle tree, witnesses' keys, and the scheduled re-verification. */
export const transparencyLogPlugin = fp(
  async function transparencyLog(app: FastifyInstance, options: TransparencyOptions) {
    const signer = options.signer ?? generateSignerKey('localhost/cooperation-office/ephemeral').signer;
    if (!options.signer)
      app.log.warn(
        { verifierKey: signer.verifierKey },
        'no checkpoint signing key given: checkpoints are signed with a key for this process only',
      );
    const witnesses = (options.witnessKeys ?? []).map((key) => {
      const parsed = parseVerifierKey(key);
      if (typeof parsed === 'string') throw new Error(`CHECKPOINT_WITNESS_KEYS: ${parsed}: ${key}`);
      return parsed;
    });
    const db = app.database.db;

    const transparency: TransparencyLog = {
      signer,
      witnesses,
      integrityBudgetMs: options.integrityBudgetMs ?? 5000,
      async issue() {
        const checkpoint = await issueCheckpoint(db, signer);
        if (checkpoint && options.onCheckpoint) await options.onCheckpoint(checkpoint);
        return checkpoint;
      },
      async verifyAll() {
        const startedAt = new Date();
        // Small pages: the re-hashing runs on the service's one thread, between requests.
        const result = await verifyLog(db, { pageSize: 500 });
        await recordIntegrityRun(db, startedAt, result);
        if (!result.ok)
          app.log.error(
            { firstBrokenPosition: result.firstBrokenPosition, firstBrokenLeaf: result.firstBrokenLeaf, detail: result.detail },
            'integrity: the log does not verify',
          );
        return result;
      },
    };
    app.decorate('transparency', transparency);

    // /metrics: the last whole re-verification (from the table, so any instance's run counts) and checkpoint lag.
    new Gauge({
      name: 'cco_integrity_last_full_run_ok',
      help: 'Result of the last whole re-verification of the log (1 ok, 0 broken, -1 never run)',
      registers: [app.metrics],
      async collect() {
        const run = await readLatestIntegrityRun(db).catch(() => null);
        this.set(run === null ? -1 : run.ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'cco_integrity_last_full_run_timestamp_seconds',
      help: 'When the last whole re-verification of the log finished (0 if never)',
      registers: [app.metrics],
      async collect() {
        const run = await readLatestIntegrityRun(db).catch(() => null);
        this.set(run ? run.finishedAt.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'cco_checkpoint_tree_size',
      help: 'Tree size of the latest signed checkpoint',
      registers: [app.metrics],
      async collect() {
        const latest = await readLatestCheckpoint(db).catch(() => null);
        this.set(latest?.treeSize ?? 0);
      },
    });

    if (!options.workers) return;
    let checkpoints: CatchUp | undefined;
    let timer: NodeJS.Timeout | undefined;
    let verifying: Promise<unknown> | undefined;
    let closed = false;
    app.addHook('onReady', async () => {
      checkpoints = runCatchUp({
        step: async () => ((await transparency.issue()) ? 1 : 0),
        idleMs: options.checkpointIntervalMs ?? 1000,
        minIntervalMs: options.checkpointIntervalMs ?? 1000,
        onError: (error, attempt) => app.log.warn({ err: error, attempt }, 'checkpoint signer failed; backing off'),
      });
      const every = options.integrityIntervalMs ?? 3_600_000;
      const schedule = (ms: number) => {
        if (closed) return;
        timer = setTimeout(() => {
          verifying = transparency
            .verifyAll()
            .catch((error) => app.log.warn({ err: error }, 'scheduled integrity verification failed to run'))
            .finally(() => schedule(every));
        }, ms);
        timer.unref();
      };
      schedule(Math.min(10_000, every));
    });
    app.addHook('onClose', async () => {
      closed = true;
      clearTimeout(timer);
      await checkpoints?.stop();
      await verifying;
    });
  },
  { name: 'transparency-log', dependencies: ['database', 'metrics'] },
);
