import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { developmentKeyEncryptionKey, importCaseHistories, parseKeyEncryptionKey, type CaseHistory } from '@cco/case-records';
import { announceAppends, chainEvents, migrateFor, openDatabase } from '@cco/event-store';
import { projectionTables } from '@cco/projections';
import { z } from 'zod';
import { migrations } from '../../../../migrations/index';

// `npm run import -- <file.ndjson> [--batch 2000]`: back-fills historical case events through
// the bulk path (importCaseHistories → importEvents), on DATABASE_URL, else on PGlite in
// DATA_DIR (with the service stopped). One line per case:
//   {"caseId": "<uuid>", "expectedVersion"?: <n>, "events": [{"type", "occurredAt", "data", "metadata", "id"?}, ...]}
// events in the clear and oldest first, as the deciders would have emitted them; a new case
// starts with its RequestFiled, whose personal data is sealed under a new subject key on the
// way in. One transaction per --batch cases: a batch is stored whole or not at all, and a batch
// run twice is refused (its cases exist), so an interrupted import can be run again as is.
const usage = 'usage: npm run import -- <file.ndjson> [--batch 2000]';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { batch: { type: 'string', default: '2000' } } });
const file = positionals[0];
const batchSize = Number(values.batch);
if (!file || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error(usage);
  process.exit(2);
}
if (process.env.NODE_ENV === 'production' && !process.env.PERSONAL_DATA_KEY) {
  console.error('PERSONAL_DATA_KEY is required when NODE_ENV=production');
  process.exit(2);
}
const kek = parseKeyEncryptionKey(process.env.PERSONAL_DATA_KEY ?? developmentKeyEncryptionKey);

const line = z.object({
  caseId: z.string().min(1).max(200),
  expectedVersion: z.number().int().min(1).optional(),
  events: z
    .array(
      z.object({
        id: z.uuid().optional(),
        type: z.string(),
        occurredAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
        data: z.record(z.string(), z.unknown()),
        metadata: z.looseObject({ actor: z.string(), party: z.string(), correlationId: z.string(), causationId: z.string().nullable() }),
      }),
    )
    .min(1),
});

const database = await openDatabase<any>({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' });
let code = 0;
try {
  // MIGRATIONS_DATABASE_URL set: the owner migrates and grants; this connects as the service.
  await migrateFor(database, migrations, projectionTables);
  const announcer = announceAppends(database.db, { onError: (error) => console.error(`could not wake the service's readers: ${(error as Error).message}`) });
  const started = Date.now();
  let batch: CaseHistory[] = [];
  let lineNo = 0;
  let cases = 0;
  let events = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await importCaseHistories(database.db, kek, batch);
    if (!result.ok) {
      const first = result.errors[0]!;
      throw new Error(`batch ending at line ${lineNo} refused, nothing of it stored: ${result.errors.length} case(s) not at their expected version, e.g. ${first.streamId} (expected ${first.expected}, is at ${first.actual ?? 'none'})`);
    }
    cases += result.streams;
    events += result.events;
    // Wake the service's readers (chainer, projections, relay) for this batch.
    announcer.appended();
    console.error(`${cases} cases, ${events} events imported`);
    batch = [];
  };
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    lineNo++;
    if (!text.trim()) continue;
    const parsed = line.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`line ${lineNo}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    batch.push(parsed.data);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  // Whatever the import could not chain itself (older transactions were running), chained now.
  while ((await chainEvents(database.db, 10_000)) > 0);
  await announcer.close();
  console.log(`imported ${cases} cases, ${events} events from ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s; the hash chain covers them`);
} catch (error) {
  console.error((error as Error).message);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);
