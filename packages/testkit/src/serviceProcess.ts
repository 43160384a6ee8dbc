import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
  /** Every line the process wrote to stdout and stderr, across restarts. */
  logs: string[];
  readonly pid: number | undefined;
  /** The process ended by itself or was killed (and not restarted since). */
  readonly exited: boolean;
  /** Starts (or restarts) the process and waits for GET /health 200. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook, no graceful close. Resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it if it runs (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Writes the logs to FAULTS_LOG_DIR/<name>.log when that is set (for a developer to read). */
  saveLogs(name: string): void;
}

/**
 * What `npm start` runs (services/api/dist/main.mjs, built by the global setup) as a separate process on a
 * free port, with `env` on top of a minimal environment (no KAFKA_BROKERS: the relay is not part
 * of these tests).
 */
export async function serverProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  // No AUTH_* settings: the child trusts each party's development key (tests sign with them).
  const { KAFKA_BROKERS: _kafka, JWT_SECRET: _secret, AUTH_KH_JWKS: _kh, AUTH_CN_JWKS: _cn, ...inherited } = process.env;
  const childEnv = {
    ...inherited,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...env,
  };

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

  const handle: ServerProcess = {
    url,
    port,
    logs,
    get pid() {
      return child?.pid;
    },
    get exited() {
      return !child || child.exitCode !== null || child.signalCode !== null;
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) throw new Error('already running');
      const started = spawn(process.execPath, ['--enable-source-maps', 'services/api/dist/main.mjs'], {
        cwd: repoRoot,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      collect(started.stdout);
      collect(started.stderr);
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if (started.exitCode !== null || started.signalCode !== null) {
          throw new Error(`the server exited (${started.exitCode ?? started.signalCode}) before it was ready:\n${logs.slice(-20).join('\n')}`);
        }
        try {
          const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server was not ready within 30 s:\n${logs.slice(-20).join('\n')}`);
    },
    async kill(signal = 'SIGKILL') {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    saveLogs(name) {
      const dir = process.env.FAULTS_LOG_DIR;
      if (!dir) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.log`), `${logs.join('\n')}\n`);
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const current = child;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
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
