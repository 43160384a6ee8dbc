import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, serverProcess } from '@cco/testkit';

// `npm start` on PGlite owns DATA_DIR: every other entry point refuses it in one line, and the
// running service is left untouched (a rebuild beside it once left it answering 500).

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const { DATABASE_URL: _url, KAFKA_BROKERS: _brokers, ...inherited } = process.env;
let dir: string;

interface Run {
  code: number | null;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const server = ['--enable-source-maps', 'services/api/dist/main.mjs'];
const cli = (file: string, ...args: string[]) => ['--import', 'tsx', file, ...args];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cco-pglite-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('one process owns DATA_DIR: a second service and the CLIs refuse it in one line; the service keeps serving', async () => {
  const dataDir = join(dir, 'data');
  // The service as `npm start` runs it, on PGlite: no DATABASE_URL.
  const service = await serverProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { unset: ['DATABASE_URL'], readyWithinMs: 60_000 });
  await service.start();
  try {
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()) };
    for (const args of [
      server,
      cli('services/projections/src/main.ts', 'rebuild', 'statistics'),
      cli('services/audit/src/main.ts', 'verify'),
      cli('services/api/src/cli/import.ts', '/dev/null'),
    ]) {
      const refused = await run(args, env);
      expect(refused.code, args.join(' ')).toBe(1);
      const lines = refused.stderr.trim().split('\n');
      expect(lines, refused.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`in use by process ${service.pid}`));
    }
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
  } finally {
    await service.stop();
  }
  // Released on exit: the directory opens again.
  const after = await run(cli('services/audit/src/main.ts', 'verify'), { DATA_DIR: dataDir });
  expect(after.stderr).not.toMatch(/in use/);
});

it('a configuration error at start-up is one line, no stack trace', async () => {
  const bad = await run(server, { DATA_DIR: join(dir, 'other'), PORT: 'not-a-port' });
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cannot start: PORT: /)]);
});
