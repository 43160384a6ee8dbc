// Bundles the dashboard (GET /dashboard) at build time: main.ts with the chart library into
// one script, style.css into one stylesheet, index.html and the icon copied; the service serves these
// files and nothing else (services/api/src/routes/dashboard.ts). Called by scripts/build.mjs.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export async function buildDashboard(outdir) {
  await mkdir(outdir, { recursive: true });
  await build({
    absWorkingDir: here,
    entryPoints: [
      { in: 'main.ts', out: 'app' },
      { in: 'style.css', out: 'app' },
    ],
    outdir,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022'],
    sourcemap: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'favicon.svg']) await copyFile(`${here}${file}`, `${outdir}/${file}`);
}
