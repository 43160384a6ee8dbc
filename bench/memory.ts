import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { figure, title } from './support/report';
import { startService, type Service } from './support/service';

// The service's resident memory at rest on embedded PGlite (first start, which runs initdb and
// the migrations, and a restart on the same directory) against the same service on PostgreSQL,
// whose memory is the server's and not the service's.

async function settle(service: Service, requests: number) {
  for (let i = 0; i < requests; i++) await fetch(`${service.url}/health`);
  await new Promise((r) => setTimeout(r, 1000));
  return service.memory();
}

const bench: Benchmark = {
  summary: 'resident memory of the service at rest: PGlite (first start, restart) vs PostgreSQL',
  defaults: { requests: 200 },
  async run(flags) {
    const requests = Number(flags.requests);
    const dir = mkdtempSync(join(tmpdir(), 'cco-bench-memory-'));
    const mib = (bytes: number) => bytes / 2 ** 20;
    try {
      title(`memory after ${requests} health checks (MiB)`);
      for (const phase of ['pglite, first start', 'pglite, restart']) {
        // Production refuses PGlite: the embedded engine is measured as development runs it (the
        // same bundle and settings otherwise; NODE_ENV only adds /metrics on the API's port).
        const service = await startService(
          { DATA_DIR: join(dir, 'data'), NODE_ENV: 'development' },
          { logFile: join(dir, 'pglite.log'), unset: ['DATABASE_URL'] },
        );
        const { rss, peak } = await settle(service, requests);
        await service.stop();
        figure(`${phase}: rss`, mib(rss), 'MiB');
        figure(`${phase}: peak`, mib(peak), 'MiB');
      }
      const database = await createBenchDatabase('memory');
      try {
        const service = await startService({ DATABASE_URL: database.url }, { logFile: join(dir, 'postgres.log') });
        const { rss, peak } = await settle(service, requests);
        await service.stop();
        figure('postgresql: rss', mib(rss), 'MiB');
        figure('postgresql: peak', mib(peak), 'MiB');
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
