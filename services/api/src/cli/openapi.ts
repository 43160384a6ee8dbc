import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateOpenApi } from '../openapiDocument';

// `npm run openapi`: regenerates openapi/openapi.json from the routes (a test fails when stale).
const target = fileURLToPath(new URL('../../../../openapi/openapi.json', import.meta.url));
await writeFile(target, await generateOpenApi());
console.log(`wrote ${target}`);
