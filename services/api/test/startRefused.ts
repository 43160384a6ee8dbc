import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts dist/main.mjs (what `npm start` runs, built by the global setup) with only `env` (no
 * inherited settings but PATH and HOME); resolves when it exits, for start-up refusals.
 */
export function startRefused(env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const clean = Object.fromEntries(
    Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ...env }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', 'services/api/dist/main.mjs'], {
      cwd: repoRoot,
      env: clean,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not refuse to start within 20 s:\n${stdout}${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** A refusal as production promises it: one line on stderr, no stack trace, a non-zero exit. */
export function refusalLine(result: { code: number | null; stderr: string; stdout: string }): string {
  if (result.code === 0 || result.code === null) throw new Error(`exited with ${result.code}: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  if (lines.length !== 1 || /\bat .*:\d+:\d+/.test(result.stderr)) throw new Error(`not one line:\n${result.stderr}`);
  return lines[0]!;
}
