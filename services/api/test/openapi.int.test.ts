import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generateOpenApi } from '../src/openapiDocument';

it('openapi/openapi.json is what the routes generate (run `npm run openapi` when this fails)', async () => {
  const committed = await readFile(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8');
  expect(committed).toBe(await generateOpenApi());
});

it('documents every command of the contract with its problems', async () => {
  const spec = JSON.parse(await generateOpenApi());
  for (const action of ['identity-verification', 'handover', 'completion', 'refusal', 'withdrawal']) {
    const op = spec.paths[`/v1/cases/{id}/${action}`].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '412', '422']));
  }
  expect(spec.paths['/v1/cases'].post.responses['201']).toBeDefined();
});
