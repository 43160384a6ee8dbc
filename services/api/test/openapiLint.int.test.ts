import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

// What client generators rely on: Redocly's recommended rules (redocly.yaml) pass with no error
// and no warning, every operation has a unique verb-noun operationId, every tag is defined.
it('openapi/openapi.json passes `redocly lint` with the recommended rules', { timeout: 60_000 }, async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    ['node_modules/@redocly/cli/bin/cli.js', 'lint', 'openapi/openapi.json', '--format=summary'],
    {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  ).catch((error: { stdout: string; stderr: string }) => {
    throw new Error(`redocly lint failed:\n${error.stdout}\n${error.stderr}`);
  });
  expect(`${stdout}${stderr}`).not.toMatch(/\b(error|warning)\s+[\w-]+:/);
});

it('names every operation with a unique verb-noun operationId and defines every tag', async () => {
  const spec = JSON.parse(await readFile(`${root}openapi/openapi.json`, 'utf8'));
  const operations = Object.values(spec.paths).flatMap((item) =>
    Object.values(item as Record<string, { operationId?: string; tags?: string[] }>),
  );
  const ids = operations.map((op) => op.operationId);
  expect(
    ids.every(
      (id) =>
        typeof id === 'string' &&
        /^(get|list|file|verify|handOver|complete|refuse|withdraw|request|confirm|check|rebuild|add)[A-Z]\w+$/.test(id),
    ),
  ).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  const defined = new Set((spec.tags as { name: string; description?: string }[]).filter((t) => t.description).map((t) => t.name));
  expect(operations.flatMap((op) => op.tags ?? []).filter((t) => !defined.has(t))).toEqual([]);
  expect(spec.servers.length).toBeGreaterThan(0);
  // The problems that can happen on any route: the root rate limit, the database, the body parser.
  expect(spec.paths['/v1/statistics/deportations'].get.responses).toHaveProperty('429');
  expect(spec.paths['/v1/statistics/deportations'].get.responses).toHaveProperty('503');
  expect(spec.paths['/v1/cases'].post.responses).toHaveProperty('413');
  expect(spec.paths['/v1/cases'].post.responses).toHaveProperty('415');
});
