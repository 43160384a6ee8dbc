import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@cco/testkit';

const run = promisify(execFile);
/** PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian and Ubuntu packages). */
function serverBinaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('No PostgreSQL server binaries (initdb, pg_ctl) found: install them or set PG_BIN');
  return join(root, newest, 'bin');
}

export interface PrivatePostgres {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are terminated, the server shuts down cleanly. */
  stop(): Promise<void>;
  /** Stops it if it runs and deletes its directory; never throws. */
  destroy(): Promise<void>;
  serverLog(): string;
}

/**
 * A PostgreSQL cluster of this test's own (initdb into a temporary directory, a free port,
 * the socket in that directory), so it can be stopped and started without touching the shared
 * cluster the other test files use. Runs as the `postgres` OS user when the tests run as root.
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'cco-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const pg = async (command: string, args: string[]) => {
    const line = [join(bin, command), ...args].map(shellQuote).join(' ');
    return asRoot ? run('su', ['postgres', '-s', '/bin/sh', '-c', line]) : run('/bin/sh', ['-c', line]);
  };

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  let running = false;
  const handle: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async start() {
      await pg('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '30', '-o', options]);
      running = true;
    },
    async stop() {
      await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']);
      running = false;
    },
    async destroy() {
      try {
        if (running) await pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
    serverLog: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
  return handle;
}
