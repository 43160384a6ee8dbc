import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generateClientTypes, typesPath } from '../scripts/generate';

it('src/openapi.ts is what openapi/openapi.json generates (run `npm run client` when this fails)', { timeout: 30_000 }, async () => {
  expect(await readFile(typesPath, 'utf8')).toBe(await generateClientTypes());
});
