import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  /** Every line the process wrote to stdout and stderr, across restarts (empty with `logFile`). */
  logs: string[];
  readonly pid: number | undefined;
  /** The process ended by itself or was killed (and not restarted since). */
  readonly exited: boolean;
  /** Starts (or restarts) the process and waits for GET /health 200. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook, no graceful close. Resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal and does not wait (e.g. SIGWINCH for the profiler). */
  signal(signal: NodeJS.Signals): void;
  /** Stops it if it runs (SIGTERM, then SIGKILL after `stopGraceMs`). */
  stop(): Promise<void>;
  /** Writes the logs to FAULTS_LOG_DIR/<name>.log when that is set (for a developer to read). */
  saveLogs(name: string): void;
  /** Resident memory now, and the peak the kernel recorded for the process (VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** CPU seconds (user + system) the process used so far. */
  cpuSeconds(): number;
  /** Bytes written to `logFile` so far (0 without one). */
  logBytes(): number;
}

export interface ServerProcessOptions {
  /** Node flags before the entry point (e.g. a profiler preload). */
  nodeArgs?: string[];
  /** Inherited settings to drop besides KAFKA_BROKERS, JWT_SECRET and AUTH_<party>_JWKS. */
  unset?: string[];
  /** Output to this file instead of `logs` (what a benchmark measures the size of). */
  logFile?: string;
  /** How long the first GET /health 200 may take (default 30 s). */
  readyWithinMs?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL (default 5 s). */
  stopGraceMs?: number;
  /** Another entry point than the service's bundle (a benchmark's floor route). */
  entry?: string;
}

/**
 * What `npm start` runs (services/api/dist/main.mjs, built by the global setup or by
 * `npm run build`) as a separate process on a free port, with `env` on top of the inherited
 * environment minus KAFKA_BROKERS (the relay is not part of what this starts unless `env` says)
 * and minus the AUTH_* key sets and JWT_SECRET: without settings the child trusts each party's
 * development key (tests sign with them); a benchmark passes its own identity providers in `env`.
 */
export async function serverProcess(env: Record<string, string>, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const { KAFKA_BROKERS: _kafka, JWT_SECRET: _secret, AUTH_KH_JWKS: _kh, AUTH_CN_JWKS: _cn, ...inherited } = process.env;
  for (const name of options.unset ?? []) delete inherited[name];
  const childEnv = {
    ...inherited,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...env,
  };
  const readyWithinMs = options.readyWithinMs ?? 30_000;
  const stopGraceMs = options.stopGraceMs ?? 5000;
  const lastLines = () => (options.logFile ? readFileSync(options.logFile, 'utf8').slice(-3000) : logs.slice(-20).join('\n'));

  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) logs.push(line);
    });
    stream?.on('end', () => partial && logs.push(partial));
  };
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const pidOf = () => {
    if (!child?.pid) throw new Error('the server is not running');
    return child.pid;
  };

  const handle: ServerProcess = {
    url,
    port,
    logs,
    get pid() {
      return child?.pid;
    },
    get exited() {
      return !running();
    },
    async start() {
      if (running()) throw new Error('already running');
      const log = options.logFile ? openSync(options.logFile, 'w') : undefined;
      const started = spawn(
        process.execPath,
        [...(options.nodeArgs ?? []), '--enable-source-maps', options.entry ?? 'services/api/dist/main.mjs'],
        {
          cwd: repoRoot,
          env: childEnv,
          stdio: log === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', log, log],
        },
      );
      if (log !== undefined) closeSync(log);
      child = started;
      collect(started.stdout);
      collect(started.stderr);
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const deadline = Date.now() + readyWithinMs;
      while (Date.now() < deadline) {
        if (started.exitCode !== null || started.signalCode !== null) {
          throw new Error(`the server exited (${started.exitCode ?? started.signalCode}) before it was ready:\n${lastLines()}`);
        }
        try {
          const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server was not ready within ${readyWithinMs / 1000} s:\n${lastLines()}`);
    },
    async kill(signal = 'SIGKILL') {
      if (!running()) return;
      child!.kill(signal);
      await exited;
    },
    signal(signal) {
      if (running()) child!.kill(signal);
    },
    saveLogs(name) {
      const dir = process.env.FAULTS_LOG_DIR;
      if (!dir) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.log`), `${logs.join('\n')}\n`);
    },
    async stop() {
      if (!running()) return;
      const current = child!;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(timer);
    },
    memory() {
      const status = readFileSync(`/proc/${pidOf()}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    },
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pidOf()}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ on Linux
    },
    logBytes: () => (options.logFile ? statSync(options.logFile).size : 0),
  };
  return handle;
}

/** process_resident_memory_bytes from the server's /metrics. */
export async function residentMemory(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^process_resident_memory_bytes\s+(\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  if (!match) throw new Error('no process_resident_memory_bytes in /metrics');
  return Number(match[1]);
}
