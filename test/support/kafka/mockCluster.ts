/**
 * A real Kafka-protocol cluster on loopback for tests: librdkafka's mock cluster
 * (rdkafka_mock.h) driven by the small C helper `mock_cluster.c` next to this file.
 *
 * The helper prints `BOOTSTRAP host:port,...` once, then answers line commands on
 * stdin with `OK` / `ERR <msg>`. Closing its stdin stops it, so it never outlives
 * the process that spawned it.
 *
 * Known limits of the mock (librdkafka 2.0.x): no CreateTopics/DeleteTopics/
 * DescribeConfigs (topics are created here, up front or with `createTopic`),
 * Metadata reports ControllerId 0, no offsets-by-timestamp, and data beyond ~5 MiB
 * per partition is silently dropped. Keep volumes small.
 */
import { type ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const MOCK_CLUSTER_BINARY = join(here, 'build', 'mock_cluster');
const BUILD_SCRIPT = join(here, 'build.sh');

export interface MockTopic {
  name: string;
  partitions: number;
  /** Defaults to min(brokers, 3). */
  replication?: number;
}

export interface MockClusterOptions {
  /** Number of brokers, ids 1..N. Default 3. */
  brokers?: number;
  topics?: MockTopic[];
  /** How long to wait for the BOOTSTRAP line. Default 10 s. */
  startTimeoutMs?: number;
}

/** Names as librdkafka spells them (RD_KAFKA_RESP_ERR_ prefix optional), or numbers. */
export type KafkaErrorCode =
  | 'NOT_LEADER_FOR_PARTITION'
  | 'REQUEST_TIMED_OUT'
  | 'LEADER_NOT_AVAILABLE'
  | 'NOT_ENOUGH_REPLICAS'
  | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
  | 'UNKNOWN_TOPIC_OR_PART'
  | 'NOT_COORDINATOR'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'COORDINATOR_LOAD_IN_PROGRESS'
  | 'REBALANCE_IN_PROGRESS'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'MSG_SIZE_TOO_LARGE'
  | 'CORRUPT_MESSAGE'
  | (string & {})
  | number;

/** Kafka ApiKey names (Produce, Fetch, Metadata, OffsetCommit, ...) or numbers. */
export type KafkaApiKey =
  | 'Produce'
  | 'Fetch'
  | 'ListOffsets'
  | 'Metadata'
  | 'OffsetCommit'
  | 'OffsetFetch'
  | 'FindCoordinator'
  | 'JoinGroup'
  | 'Heartbeat'
  | 'LeaveGroup'
  | 'SyncGroup'
  | 'ApiVersions'
  | 'InitProducerId'
  | (string & {})
  | number;

export interface MockCluster {
  /** `host:port` of every broker, ready for `new Kafka({ brokers })`. */
  readonly bootstrap: string[];
  /** Pid of the helper process. */
  readonly pid: number;
  /** Disconnects broker `id` (1..N, -1 = all) and refuses new connections. Leadership does not move. */
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Next `count` requests of `apiKey` (to any broker) fail with `codes` in order; the last code repeats. */
  pushErrors(apiKey: KafkaApiKey, count: number, ...codes: KafkaErrorCode[]): Promise<void>;
  clearErrors(apiKey: KafkaApiKey): Promise<void>;
  /** Adds `ms` of round-trip time to every response of broker `id`. */
  setRtt(id: number, ms: number): Promise<void>;
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  /** Moves leadership of a partition (broker down/up never does). Unknown topics get auto-created by the mock. */
  setLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  /** Raw command, for anything the helper understands that has no method here. */
  command(line: string): Promise<void>;
  /** Idempotent. Resolves once the helper has exited. */
  stop(): Promise<void>;
}

/** Builds the helper if it is missing or stale (build.sh is a no-op when up to date). */
export function ensureMockClusterBinary(): string {
  try {
    execFileSync('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
    const detail = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`.trim();
    throw new Error(`building the Kafka mock cluster helper failed:\n${detail || err.message}`);
  }
  if (!existsSync(MOCK_CLUSTER_BINARY)) {
    throw new Error(`build.sh ran but ${MOCK_CLUSTER_BINARY} is missing`);
  }
  return MOCK_CLUSTER_BINARY;
}

function checkToken(what: string, value: string | number): string {
  const s = String(value);
  if (!/^[A-Za-z0-9._\-]+$/.test(s)) throw new Error(`invalid ${what}: ${JSON.stringify(s)}`);
  return s;
}

export async function startMockCluster(options: MockClusterOptions = {}): Promise<MockCluster> {
  const binary = ensureMockClusterBinary();
  const args: string[] = ['--brokers', String(options.brokers ?? 3)];
  for (const t of options.topics ?? []) {
    checkToken('topic name', t.name);
    args.push('--topic', `${t.name}:${t.partitions}${t.replication ? `:${t.replication}` : ''}`);
  }

  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A dead helper must not crash the test process with EPIPE.
  child.stdin.on('error', () => {});

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });

  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });

  type Pending = { line: string; resolve: () => void; reject: (e: Error) => void };
  const pending: Pending[] = [];
  let onBootstrap: ((servers: string[]) => void) | undefined;
  let bootstrapSeen = false;

  const rl = createInterface({ input: child.stdout });
  rl.on('line', (raw) => {
    const line = raw.trimEnd();
    if (!bootstrapSeen) {
      if (line.startsWith('BOOTSTRAP ')) {
        bootstrapSeen = true;
        onBootstrap?.(line.slice('BOOTSTRAP '.length).split(',').filter(Boolean));
      }
      return;
    }
    const waiter = pending.shift();
    if (!waiter) return;
    if (line === 'OK') waiter.resolve();
    else waiter.reject(new Error(`mock cluster: "${waiter.line}" -> ${line}`));
  });

  const failAll = (why: string) => {
    for (const p of pending.splice(0)) p.reject(new Error(`mock cluster: "${p.line}" -> ${why}`));
  };
  void exitPromise.then(() => failAll(`helper exited (${exitInfo}) ${stderr.trim()}`));

  const timeoutMs = options.startTimeoutMs ?? 10_000;
  let bootstrap: string[];
  try {
    bootstrap = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`mock cluster: no BOOTSTRAP line within ${timeoutMs} ms. stderr: ${stderr}`)),
        timeoutMs,
      );
      onBootstrap = (servers) => {
        clearTimeout(timer);
        resolve(servers);
      };
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`mock cluster: cannot spawn ${binary}: ${e.message}`));
      });
      void exitPromise.then(() => {
        clearTimeout(timer);
        reject(new Error(`mock cluster: helper exited (${exitInfo}) before BOOTSTRAP. stderr: ${stderr.trim()}`));
      });
    });
  } catch (e) {
    if (!exited) child.kill('SIGKILL');
    throw e;
  }

  const command = (line: string): Promise<void> => {
    if (exited) return Promise.reject(new Error(`mock cluster: "${line}" -> helper exited (${exitInfo})`));
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('mock cluster: command must be one line'));
    return new Promise<void>((resolve, reject) => {
      pending.push({ line, resolve, reject });
      child.stdin.write(`${line}\n`);
    });
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      // "quit" answers OK and exits; EOF alone would do too.
      command('quit').catch(() => {});
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
      rl.close();
    })();
    return stopping;
  };

  const int = (what: string, n: number) => {
    if (!Number.isInteger(n)) throw new Error(`invalid ${what}: ${n}`);
    return String(n);
  };

  return {
    bootstrap,
    pid: child.pid ?? -1,
    brokerDown: (id) => command(`down ${int('broker id', id)}`),
    brokerUp: (id) => command(`up ${int('broker id', id)}`),
    pushErrors: (apiKey, count, ...codes) => {
      if (codes.length === 0) return Promise.reject(new Error('pushErrors needs at least one error code'));
      return command(
        `errors ${checkToken('api key', apiKey)} ${int('count', count)} ${codes.map((c) => checkToken('error code', c)).join(' ')}`,
      );
    },
    clearErrors: (apiKey) => command(`clear ${checkToken('api key', apiKey)}`),
    setRtt: (id, ms) => command(`rtt ${int('broker id', id)} ${int('rtt', ms)}`),
    createTopic: (name, partitions, replication) =>
      command(
        `topic ${checkToken('topic name', name)} ${int('partitions', partitions)}${replication === undefined ? '' : ` ${int('replication', replication)}`}`,
      ),
    setLeader: (topic, partition, brokerId) =>
      command(`leader ${checkToken('topic name', topic)} ${int('partition', partition)} ${int('broker id', brokerId)}`),
    command,
    stop,
  };
}
