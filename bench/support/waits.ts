import pg from 'pg';
import { figure, title } from './report';

/**
 * PostgreSQL's side of the profile: what the benchmark database's client backends are doing,
 * sampled from pg_stat_activity every few milliseconds (CPU = active and waiting on nothing;
 * Lock:object on a commit that NOTIFYs = the global notification-queue lock; IO:WALSync =
 * fsync; Client:ClientRead = waiting for the client, i.e. for Node).
 */
export function sampleWaits(url: string, database: string, everyMs = 5) {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const client = new pg.Client({ connectionString: url });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ w: string }>(
        `select case when state = 'active' and wait_event is null then 'CPU (active)'
                     else coalesce(wait_event_type || ':' || wait_event, state) || case when state = 'active' then '' else ' (' || state || ')' end end as w
         from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        [database],
      );
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + 1);
      samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await client.end();
  })();
  return {
    async stop(label: string) {
      running = false;
      await loop;
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      title(`postgresql: what the backends were doing (${label}; ${samples} samples of pg_stat_activity)`);
      for (const [w, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8)) figure(w, (n / total) * 100, '% of backend samples');
    },
  };
}
