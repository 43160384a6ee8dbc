import { cpus, release, totalmem, type } from 'node:os';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { figure, title } from './report';

/** The machine, printed with every run: cores, memory, PostgreSQL and Node versions. */
export async function printMachine(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
    `select name, setting, unit from pg_settings
     where name in ('shared_buffers', 'max_connections', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'work_mem')
     order by name`,
  );
  await client.end();
  const cpu = cpus();
  title('machine');
  figure('date', new Date().toISOString());
  figure('cores', `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}`);
  figure('memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  figure('os', `${type()} ${release()}`);
  figure('node', process.version);
  figure('postgresql', `${version} on ${new URL(adminUrl).host}`);
  figure('postgresql settings', settings.rows.map((s) => `${s.name}=${s.setting}${s.unit ?? ''}`).join(' '));
}

/**
 * CPU seconds the whole machine spent busy so far (every vCPU, /proc/stat: all but idle and
 * iowait). Over a window, minus the benchmark's own processes, it shows what other tenants of a
 * shared machine took.
 */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - fields[3]! - fields[4]!) / 100;
}
