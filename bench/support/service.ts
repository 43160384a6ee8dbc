import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { benchIdentities } from './jwt';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Service {
  url: string;
  pid: number;
  /** A token of the claims' party's identity provider (the bench's own keys, which the service trusts). */
  token(claims: { sub: string; party: 'KH' | 'CN'; roles: string[] }): string;
  /** /metrics, on its own listener as in production. */
  metricsUrl: string;
  logFile: string;
  /** Resident memory now, and the peak the kernel recorded for the process (VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** CPU seconds (user + system) the process used so far. */
  cpuSeconds(): number;
  logBytes(): number;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * What `npm start` runs (`npm run build`, then services/api/dist/main.mjs under node) as
 * its own process, in production mode with its own secrets, logs to a file. `env` goes on top.
 */
export async function startService(env: Record<string, string>, options: { nodeArgs?: string[]; logFile: string; unset?: string[] }): Promise<Service> {
  const port = await freePort();
  const metricsPort = await freePort();
  const identities = benchIdentities(dirname(options.logFile));
  const { KAFKA_BROKERS: _k, ...inherited } = process.env;
  for (const name of options.unset ?? []) delete inherited[name];
  const log = openSync(options.logFile, 'w');
  execFileSync(process.execPath, ['services/api/scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--enable-source-maps', 'services/api/dist/main.mjs'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...identities.env,
      METRICS_PORT: String(metricsPort),
      PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${readFileSync(options.logFile, 'utf8').slice(-3000)}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('the service was not ready within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  const status = () => readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) * 1024;
  const ticks = 100; // USER_HZ on Linux
  return {
    url,
    pid,
    token: (claims) => identities.sign(claims),
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    logFile: options.logFile,
    memory() {
      const s = status();
      return { rss: kb(s, 'VmRSS'), peak: kb(s, 'VmHWM') };
    },
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    },
    logBytes: () => statSync(options.logFile).size,
    signal: (signal) => void child.kill(signal),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. postgres). */
export function cpuSecondsOf(name: string): number {
  let total = 0;
  for (const entry of readdirSyncSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const comm = /\((.*)\)/.exec(stat)?.[1];
      if (comm !== name) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
