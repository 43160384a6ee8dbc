import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverProcess, type ServerProcess } from '@cco/testkit';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

// The README's walk-through, run as a newcomer would paste it: the shell block under "A
// deportation in the first minute", against the service as `npm start` runs it (development
// keys, no settings but the database and the port). It fails when the README stops being true.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let db: TestDatabase<any>;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await serverProcess({ DATABASE_URL: db.url });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

function walkThrough(): string {
  const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## A deportation in the first minute'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no shell block under "A deportation in the first minute"');
  expect(block).toContain('API=http://127.0.0.1:3000');
  return block;
}

it('the README walk-through files, verifies, hands over and completes a deportation', async () => {
  const script = walkThrough().replace('API=http://127.0.0.1:3000', `API=${server.url}`);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'test' },
    timeout: 120_000,
  });
  // Each step printed the case it left; the last command printed the case's events.
  const answers = jsonValues(stdout);
  expect(answers.slice(0, 3).map((c) => c.status)).toEqual(['identity_verified', 'handed_over', 'completed']);
  const events = answers.at(-1).items;
  expect(events.map((e: { type: string }) => e.type)).toEqual([
    'RequestFiled',
    'IdentityVerified',
    'SuspectHandedOver',
    'DeportationCompleted',
  ]);
  expect(events[0].metadata).toMatchObject({ party: 'CN' });
  expect(events[1].metadata).toMatchObject({ party: 'KH' });
});

/** The JSON documents printed one after another (curl adds no newline between them). */
function jsonValues(text: string): any[] {
  const values: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}
