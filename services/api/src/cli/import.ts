import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  checkCaseHistories,
  identifier,
  importCaseHistories,
  personalDataKeyFor,
  type CaseHistory,
  type CaseImportResult,
  type ImportRejection,
} from '@cco/cases';
import { announceAppends, migrateFor, openDatabase } from '@cco/event-store';
import { chainEvents } from '@cco/transparency-log';
import { projectionTables } from '@cco/projections';
import { z } from 'zod';
import { migrations } from '../../../../migrations/index';

// `npm run import -- <file.ndjson> [--batch 2000] [--dry-run]`: back-fills historical case
// events through the bulk path (importCaseHistories → importEvents), on DATABASE_URL, else on
// PGlite in DATA_DIR (with the service stopped). One line per case:
//   {"caseId": "<uuid>", "expectedVersion"?: <n>, "events": [{"type", "occurredAt", "data", "metadata", "id"?}, ...]}
// events in the clear and oldest first, as the deciders would have emitted them; metadata is
// {"actor", "party", "roles"? (default ["officer"]), "correlationId"? (default: one per case),
// "causationId"? (default: the case's previous event)}. Every case is replayed through the same
// deciders as live commands first, the whole file before anything is stored: one case that
// breaks a rule refuses the import, naming its line, case, event index and rule. Then one
// transaction per --batch cases, a new case's personal data sealed under a new subject key:
// a batch is stored whole or not at all, and a batch run twice is refused (its cases exist).
const usage = 'usage: npm run import -- <file.ndjson> [--batch 2000] [--dry-run]';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '2000' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
const file = positionals[0];
const batchSize = Number(values.batch);
if (values.help || !file || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const line = z.object({
  caseId: z.uuid().transform((id) => id.toLowerCase()),
  expectedVersion: z.number().int().min(1).optional(),
  events: z
    .array(
      z.object({
        id: z.uuid().optional(),
        type: z.string(),
        occurredAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
        data: z.record(z.string(), z.unknown()),
        metadata: z.looseObject({
          // Stored as the actor, printed by the audit replay: one line, as a token's sub must be.
          actor: identifier(200),
          party: z.string(),
          roles: z.array(z.string()).optional(),
          correlationId: z.string().optional(),
          causationId: z.string().nullable().optional(),
        }),
      }),
    )
    .min(1),
});

/** Ids, correlation and causation filled in as a live command sets them. */
function toHistory(parsed: z.infer<typeof line>): CaseHistory {
  const correlationId = randomUUID();
  let previous: string | null = null;
  const events = parsed.events.map((e) => {
    const id = e.id ?? randomUUID();
    const metadata = {
      ...e.metadata,
      roles: e.metadata.roles ?? ['officer'],
      correlationId: e.metadata.correlationId ?? correlationId,
      causationId: e.metadata.causationId ?? previous,
    };
    previous = id;
    return { ...e, id, metadata };
  });
  return { caseId: parsed.caseId, expectedVersion: parsed.expectedVersion, events };
}

async function* batches(): AsyncGenerator<{ histories: CaseHistory[]; lines: number[] }> {
  let histories: CaseHistory[] = [];
  let lines: number[] = [];
  let lineNo = 0;
  for await (const text of createInterface({ input: createReadStream(file!), crlfDelay: Infinity })) {
    lineNo++;
    if (!text.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`line ${lineNo}: not JSON (${(error as Error).message})`);
    }
    const parsed = line.safeParse(json);
    if (!parsed.success)
      throw new Error(`line ${lineNo}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    histories.push(toHistory(parsed.data));
    lines.push(lineNo);
    if (histories.length >= batchSize) {
      yield { histories, lines };
      histories = [];
      lines = [];
    }
  }
  if (histories.length > 0) yield { histories, lines };
}

const describeRejection = (r: ImportRejection, lines: number[], histories: CaseHistory[]) =>
  `line ${lines[histories.findIndex((h) => h.caseId === r.caseId)]}: case ${r.caseId}, event ${r.index}: ${r.error.rule}: ${r.error.message}`;

function refusal(result: Exclude<CaseImportResult, { ok: true }>, lines: number[], histories: CaseHistory[]): string {
  if ('rejected' in result) return `${describeRejection(result.rejected, lines, histories)}; nothing of this batch was stored`;
  const first = result.errors[0]!;
  return `${result.errors.length} case(s) not at their expected version, e.g. ${first.streamId} (expected ${first.expected}, is at ${first.actual ?? 'none'}); nothing of this batch was stored`;
}

const database = await openDatabase<any>({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' }).catch(refuse);
let code = 0;
try {
  // MIGRATIONS_DATABASE_URL set: the owner migrates and grants; this connects as the service.
  await migrateFor(database, migrations, projectionTables, process.env.MIGRATIONS_DATABASE_URL);
  // The key this database was sealed with, or refused before anything is read or written.
  const kek = await personalDataKeyFor(database.db, process.env);
  const now = new Date();
  // The whole file through the deciders before anything is written.
  let checkedCases = 0;
  for await (const { histories, lines } of batches()) {
    const rejected = await checkCaseHistories(database.db, kek, histories, now);
    if (rejected) throw new Error(`refused, nothing imported: ${describeRejection(rejected, lines, histories)}`);
    checkedCases += histories.length;
  }
  if (values['dry-run']) {
    console.log(`dry run: ${checkedCases} cases in ${file} pass the treaty rules; nothing was written`);
  } else {
    const announcer = announceAppends(database.db, {
      onError: (error) => console.error(`could not wake the service's readers: ${(error as Error).message}`),
    });
    const started = Date.now();
    let cases = 0;
    let events = 0;
    for await (const { histories, lines } of batches()) {
      const result = await importCaseHistories(database.db, kek, histories, { now });
      if (!result.ok) throw new Error(`batch ending at line ${lines.at(-1)} refused: ${refusal(result, lines, histories)}`);
      cases += result.streams;
      events += result.events;
      // Wake the service's readers (chainer, projections, relay) for this batch.
      announcer.appended();
      console.error(`${cases} cases, ${events} events imported`);
    }
    // Whatever the import could not chain itself (older transactions were running), chained now.
    while ((await chainEvents(database.db, 10_000)) > 0);
    await announcer.close();
    console.log(
      `imported ${cases} cases, ${events} events from ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s; the hash chain covers them`,
    );
  }
} catch (error) {
  console.error((error as Error).message);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);

/** A database that cannot be opened (DATA_DIR held by the running service, say): one line, no stack. */
function refuse(error: Error): never {
  console.error(error.message);
  process.exit(1);
}
