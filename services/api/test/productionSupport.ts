import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { generateSignerKey } from '@cco/transparency-log';
import type { FakeIdentityProvider, TestCertificate } from './identityProvider';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const checkpointKey = generateSignerKey('cco.test/production').privateKey;

/**
 * Everything a production start needs (a refusal test breaks exactly one thing): KH's keys from
 * its provider over https (its certificate trusted through NODE_EXTRA_CA_CERTS), CN's from a file,
 * fresh secrets.
 */
export function productionSettings(trust: {
  kh: FakeIdentityProvider;
  tls: TestCertificate;
  cn: { issuer: string; jwksFile: string };
  databaseUrl: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: trust.databaseUrl,
    AUTH_KH_JWKS: trust.kh.url,
    AUTH_KH_ISSUER: trust.kh.issuer,
    AUTH_CN_JWKS: trust.cn.jwksFile,
    AUTH_CN_ISSUER: trust.cn.issuer,
    PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
    CHECKPOINT_SIGNING_KEY: checkpointKey,
    NODE_EXTRA_CA_CERTS: trust.tls.certFile,
    // Test databases are the superuser's; the refusal of such a connection: productionRoles.e2e.test.ts.
    ALLOW_OWNER_CONNECTION: 'true',
  };
}

export interface Refusal {
  code: number | null;
  stderr: string;
  stdout: string;
}

/**
 * Starts dist/main.mjs (what `npm start` runs) with only `env` on top of PATH, HOME and PORT=0
 * (no inherited settings: no DATABASE_URL unless given); resolves when it exits.
 */
export function startRefused(env: Record<string, string | undefined>, options: { withinMs?: number } = {}): Promise<Refusal> {
  const withinMs = options.withinMs ?? 20_000;
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
      reject(new Error(`the service did not refuse to start within ${withinMs / 1000} s:\n${stdout}${stderr}`));
    }, withinMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/**
 * The refusal's shape: a non-zero exit, its last line on stderr matching `says` (after at most
 * `before` lines saying what it waited for), no stack trace, nothing on stdout (nothing started).
 */
export function expectRefusal(refusal: Refusal, says: RegExp, options: { before?: number } = {}): void {
  const { code, stderr, stdout } = refusal;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  const lines = stderr.trim().split('\n');
  expect(lines.length, stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, stderr).toBeLessThanOrEqual(1 + (options.before ?? 0));
  expect(lines.at(-1)).toMatch(says);
  expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
  expect(stdout).toBe('');
}

/** A refusal as production promises it: one line on stderr, no stack trace, a non-zero exit. */
export function refusalLine(result: { code: number | null; stderr: string; stdout: string }): string {
  if (result.code === 0 || result.code === null) throw new Error(`exited with ${result.code}: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  if (lines.length !== 1 || /\bat .*:\d+:\d+/.test(result.stderr)) throw new Error(`not one line:\n${result.stderr}`);
  return lines[0]!;
}
