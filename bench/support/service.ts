import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, identityProviders, serverProcess, type Claims, type ServerProcess } from '@cco/testkit';
import { generateSignerKey } from '@cco/transparency-log';
import { benchKek } from './load';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The transparency log's signing key, one per benchmark run (production requires one). */
const checkpointKey = generateSignerKey('cco.bench/log').privateKey;
let built = false;

export interface Service extends Pick<ServerProcess, 'url' | 'memory' | 'cpuSeconds' | 'logBytes' | 'signal' | 'stop'> {
  pid: number;
  /** A token of the claims' party's identity provider (the bench's own keys, which the service trusts). */
  token(claims: Claims): string;
  /** /metrics, on its own listener as in production. */
  metricsUrl: string;
  logFile: string;
}

/**
 * What `npm start` runs (`npm run build`, then services/api/dist/main.mjs under node) as its
 * own process (the test kit's launcher), in production mode with its own secrets and identity
 * providers, logs to a file. `env` goes on top.
 */
export async function startService(
  env: Record<string, string>,
  options: {
    nodeArgs?: string[];
    logFile: string;
    unset?: string[];
    /** Another entry point (e.g. the floor route); not built. */ entry?: string;
  },
): Promise<Service> {
  const metricsPort = await freePort();
  // One pair of identity providers per run directory: every process started trusts the same keys.
  const identities = identityProviders(dirname(options.logFile));
  if (!options.entry && !built) {
    execFileSync(process.execPath, ['services/api/scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    built = true; // one build per benchmark run: several processes start the same bundle
  }
  const service = await serverProcess(
    {
      NODE_ENV: 'production',
      // The benchmark's database is the superuser's (production refuses that unless allowed).
      ALLOW_OWNER_CONNECTION: 'true',
      ...identities.env,
      METRICS_PORT: String(metricsPort),
      PERSONAL_DATA_KEY: benchKek.toString('base64'),
      CHECKPOINT_SIGNING_KEY: checkpointKey,
      LOG_LEVEL: 'info',
      ...env,
    },
    {
      nodeArgs: options.nodeArgs,
      unset: options.unset,
      logFile: options.logFile,
      readyWithinMs: 60_000,
      stopGraceMs: 20_000,
      entry: options.entry,
    },
  );
  await service.start();
  return {
    url: service.url,
    pid: service.pid!,
    token: (claims) => identities.sign(claims),
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    logFile: options.logFile,
    memory: () => service.memory(),
    cpuSeconds: () => service.cpuSeconds(),
    logBytes: () => service.logBytes(),
    signal: (signal) => service.signal(signal),
    stop: () => service.stop(),
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

/** CPU seconds used so far by process `pid` (0 once it is gone). */
export function cpuSecondsOfPid(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
