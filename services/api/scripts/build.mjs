// Builds what `npm start` runs: services/api/src/server.ts and the workspace packages it imports
// bundled into one ES module, dist/server.mjs, with every npm dependency left to node_modules.
// Running compiled JavaScript rather than TypeScript through tsx at run time spares the service
// tsx's loader thread and its cache of transformed sources (about 70 MiB of resident memory at
// start, measured by `npm run bench -- append-http`), and a transform on every start.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outfile = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['services/api/src/server.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      // The workspace's own packages (@cco/*, TypeScript sources) are bundled; everything from
      // npm is imported from node_modules as published, native parts and data files included.
      name: 'npm-packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@cco/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});
