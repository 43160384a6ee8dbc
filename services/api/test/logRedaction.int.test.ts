import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loggerOptions } from '../src/logger';

// PGlite attaches the statement and its parameters to every error it throws; PostgreSQL quotes
// row values in `detail`. Logged as `err` (as the problems plugin logs a failed request), none of
// a subject's values may reach the log.

let pglite: PGlite;
beforeAll(async () => {
  pglite = await PGlite.create();
  await pglite.exec(`create table subjects (name text check (length(name) < 5), born date)`);
});
afterAll(() => pglite?.close());

function logged(entry: object): string {
  let out = '';
  const logger = pino(
    loggerOptions('info'),
    new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    }),
  );
  logger.error(entry, 'request failed');
  return out;
}

it('a PGlite error logged as err carries none of the parameters, nor the row PostgreSQL quotes', async () => {
  const error = await pglite.query('insert into subjects (name, born) values ($1, $2)', ['Sok Dara Chenda', '1990-04-17']).catch((e) => e);
  expect(error.params).toEqual(['Sok Dara Chenda', '1990-04-17']); // what the log must not show
  for (const key of ['err', 'error']) {
    const line = logged({ [key]: error });
    expect(line).toContain('subjects_name_check'); // the constraint stays: an operator needs it
    expect(line).not.toContain('Sok Dara');
    expect(line).not.toContain('1990-04-17');
  }
});

it('a value the message itself quotes is cut out of the message and the stack, also in a cause', async () => {
  const error = await pglite.query('select $1::date', ['Chenda-Sok']).catch((e) => e);
  expect(String(error.message)).toContain('Chenda-Sok');
  const line = logged({ err: new Error('appending failed', { cause: error }) });
  expect(line).toContain('invalid input syntax for type date');
  expect(line).not.toContain('Chenda-Sok');
});
