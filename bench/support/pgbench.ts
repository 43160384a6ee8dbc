import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './report';

const run = promisify(execFile);
export const pgbenchPath = process.env.PGBENCH ?? '/usr/bin/pgbench';

export interface PgbenchResult {
  clients: number;
  seconds: number;
  transactions: number;
  tps: number;
  p50Ms: number;
  p99Ms: number;
  /** The command line, to rerun it by hand. */
  command: string;
}

/**
 * The machine's own limit: pgbench running `script` (one transaction per run of the script)
 * with `clients` connections for `seconds`, extended protocol with prepared statements (the
 * cheapest way PostgreSQL can be asked), its per-transaction log read for p50/p99.
 */
export async function pgbench(
  url: string,
  options: { script: string; clients: number; seconds: number; threads?: number },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cco-bench-pgbench-'));
  try {
    const file = join(dir, 'script.sql');
    writeFileSync(file, options.script);
    const threads = Math.min(options.threads ?? 2, options.clients);
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(options.clients),
      '-j',
      String(threads),
      '-T',
      String(options.seconds),
      '-f',
      file,
      '-l',
      '--log-prefix',
      join(dir, 'log'),
      url,
    ];
    const { stdout } = await run(pgbenchPath, args, { maxBuffer: 16 * 1024 * 1024 });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
    const latencies: number[] = [];
    for (const name of readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const row of readFileSync(join(dir, name), 'utf8').split('\n')) {
        const fields = row.split(' ');
        if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
      }
    }
    return {
      clients: options.clients,
      seconds: options.seconds,
      transactions,
      tps,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      command: `pgbench -n -M prepared -c ${options.clients} -j ${threads} -T ${options.seconds} -f <script> <db>`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A one-row INSERT transaction, the baseline of every append figure; the table is created if missing. */
export const oneRowInsert = {
  setup: `create table if not exists bench_baseline (id bigint generated always as identity primary key, payload jsonb not null, at timestamptz not null default now())`,
  script: (rows = 1) =>
    `insert into bench_baseline (payload) values ${Array.from({ length: rows }, (_v, i) => `('{"kind":"baseline","n":${i},"text":"a one-row insert transaction"}')`).join(', ')};\n`,
};
