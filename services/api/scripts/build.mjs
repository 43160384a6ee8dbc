// Builds what `npm start` runs: services/api/src/main.ts and the workspace packages it imports
// bundled into one ES module, dist/main.mjs, with every npm dependency left to node_modules.
// Running compiled JavaScript rather than TypeScript through tsx at run time spares the service
// tsx's loader thread and its cache of transformed sources (tens of MiB of resident memory, and
// CPU under load: bench/RESULTS.md has the runs before and after), and a transform on every start.
// npm dependencies resolve from services/api/dist upwards, i.e. from the root node_modules where
// npm workspaces hoist them.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../dashboard/build.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outfile = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['services/api/src/main.ts'],
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

// The statistics page the service serves at GET /dashboard (browser code, its own bundle).
await buildDashboard(fileURLToPath(new URL('../dist/dashboard', import.meta.url)));
