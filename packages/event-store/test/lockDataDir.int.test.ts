import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { DataDirInUse } from '../src/lockDataDir';
import { lockDataDir } from '../src/lockDataDir';

// One process per embedded database directory, whatever name it is reached by: a symlink to the
// directory is the same directory, and finds the same lock (the lock file sits beside the real one).

const lockModule = fileURLToPath(new URL('../src/lockDataDir.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'cco-lock-'));
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Another process that locks `dir` and holds it until killed; resolves once it holds it. */
function holder(dir: string): Promise<number> {
  const script = `import { lockDataDir } from ${JSON.stringify(lockModule)}; lockDataDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => String(chunk).includes('locked') && resolve(child.pid!));
    child.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
}

it('a second process reaching the directory through a symlink to it is refused', async () => {
  const real = join(root, 'real', 'data');
  mkdirSync(real, { recursive: true });
  const link = join(root, 'link');
  symlinkSync(real, link);
  const pid = await holder(real);
  let refused: unknown;
  try {
    lockDataDir(link)();
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(DataDirInUse);
  expect((refused as DataDirInUse).pid).toBe(pid);
});
