import { parseArgs } from 'node:util';
import { parseKeyEncryptionKey, rotatePersonalDataKey, subjectKeysTable } from '@cco/cases';
import { migrateFor, openDatabase, vacuumerFor } from '@cco/event-store';
import { projectionTables } from '@cco/projections';
import { migrations } from '../../../../migrations/index';

// `npm run rotate-personal-data-key`: re-wraps every subject key under NEW_PERSONAL_DATA_KEY in
// one transaction and makes it the database's current key (a new epoch), retiring
// PERSONAL_DATA_KEY's. Stop the service first (or expect its filings to be refused until it is
// restarted with the new key), then restart every process with the new key, then destroy the
// old one: from then on no copy of a wrapped key made before (WAL, backups, replicas, dead row
// versions) can be opened.
const usage = `usage: PERSONAL_DATA_KEY=<current> NEW_PERSONAL_DATA_KEY=<new> npm run rotate-personal-data-key
  Re-wraps every subject key under the new key (32 bytes, base64: openssl rand -base64 32) in one transaction,
  records it as the database's current key and retires the old one. Then restart every process with
  PERSONAL_DATA_KEY set to the new key, and destroy the old key.`;

try {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
const keys = (() => {
  if (!process.env.PERSONAL_DATA_KEY || !process.env.NEW_PERSONAL_DATA_KEY) {
    fail(`PERSONAL_DATA_KEY (the current key) and NEW_PERSONAL_DATA_KEY are both required\n${usage}`, 2);
  }
  try {
    return {
      current: parseKeyEncryptionKey(process.env.PERSONAL_DATA_KEY!),
      next: parseKeyEncryptionKey(process.env.NEW_PERSONAL_DATA_KEY!),
    };
  } catch (error) {
    // The same messages for both: name the one that is wrong.
    const which = (() => {
      try {
        parseKeyEncryptionKey(process.env.PERSONAL_DATA_KEY!);
        return 'NEW_PERSONAL_DATA_KEY';
      } catch {
        return 'PERSONAL_DATA_KEY';
      }
    })();
    return fail(`${which}: ${(error as Error).message.replace(/^PERSONAL_DATA_KEY /, '')}`, 2);
  }
})();

const database = await openDatabase<any>({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' }).catch(
  (error: Error) => fail(error.message, 1),
);
let code = 0;
try {
  await migrateFor(database, migrations, projectionTables, process.env.MIGRATIONS_DATABASE_URL);
  const outcome = await rotatePersonalDataKey(database.db, keys.current, keys.next);
  if (outcome.kind === 'refused') {
    console.error(`refused, nothing changed: ${outcome.reason}`);
    code = 1;
  } else {
    console.log(
      `rotated: epoch ${outcome.from} retired, epoch ${outcome.to} current; ${outcome.rewrapped} subject keys re-wrapped under the new key`,
    );
    // The rewrap left the old wrapped keys as dead row versions: vacuumed now if this process
    // may (the table's owner), else by the service's next erasure sweep. Harmless either way
    // once the old key is destroyed.
    const ownerUrl = process.env.MIGRATIONS_DATABASE_URL ?? process.env.DATABASE_URL;
    const report = await vacuumerFor(ownerUrl ? { url: ownerUrl } : database)(await subjectKeysTable(database.db)).catch(
      (error: Error) => ({ kind: 'skipped' as const, reason: error.message }),
    );
    if (report.kind === 'skipped' || report.deadLeft > 0)
      console.error(`old row versions not yet vacuumed (${report.kind === 'skipped' ? report.reason : `${report.deadLeft} left`})`);
    console.log('now restart every process with PERSONAL_DATA_KEY set to the new key, then destroy the old key');
  }
} catch (error) {
  console.error((error as Error).message.replaceAll('\n', ' '));
  code = 1;
} finally {
  await database.close();
}
process.exit(code);

function fail(message: string, exitCode: number): never {
  console.error(message);
  process.exit(exitCode);
}
