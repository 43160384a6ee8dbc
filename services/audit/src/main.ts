import { parseArgs } from 'node:util';
import { identifier, personalDataKeyFor, PersonalDataKeyRefused } from '@cco/cases';
import { openDatabase } from '@cco/event-store';
import { verifyLog } from '@cco/transparency-log';
import { countDeportations, utcDays } from '@cco/projections';
import { exportChain } from './exportChain';
import { recomputeDeportationStatistics, type GroupBy } from './recomputeStatistics';
import { printable } from './printable';
import { recordReplayAccess } from './recordReplayAccess';
import { caseExists, replayCase } from './replayCase';

// `npm run audit -- verify | export --from D --to D --out FILE | replay --case ID | stats --from D --to D [--group-by month]`
// Reads the database directly (DATABASE_URL, else the PGlite in DATA_DIR while the service is
// stopped): auditors re-derive the history and the figures without the service's read models.
const usage = `usage: npm run audit -- <command>
  verify                                   re-read every event against the Merkle tree, the hash chain and the signed checkpoints; exit 1 if broken
  export --from YYYY-MM-DD --to YYYY-MM-DD --out FILE   chained events recorded in the range, as NDJSON, with inclusion proofs; the latest checkpoint in FILE.checkpoint
  replay --case ID --operator NAME --party KH|CN   the case rebuilt step by step from its events (recorded in the access log)
  stats --from YYYY-MM-DD --to YYYY-MM-DD [--group-by year|month|offence]   deportations from raw events vs the live projection; exit 1 if they differ`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    case: { type: 'string' },
    operator: { type: 'string' },
    party: { type: 'string' },
    'group-by': { type: 'string', default: 'month' },
  },
});
const date = (v: string | undefined, name: string) => {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) fail(`--${name} YYYY-MM-DD is required`);
  return v!;
};
function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

const command = positionals[0];
if (!['verify', 'export', 'replay', 'stats'].includes(command ?? '')) fail(`unknown command ${command ?? '(none)'}`);

const database = await openDatabase<any>({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' }).catch(refuse);
let exitCode = 0;
try {
  switch (command) {
    case 'verify': {
      const result = await verifyLog(database.db);
      console.log(
        JSON.stringify({
          ok: result.ok,
          checked: result.checked,
          treeSize: result.treeSize,
          checkpointsChecked: result.checkpointsChecked,
          firstBrokenPosition: result.firstBrokenPosition,
          firstBrokenLeaf: result.firstBrokenLeaf,
          detail: result.detail,
        }),
      );
      exitCode = result.ok ? 0 : 1;
      break;
    }
    case 'export': {
      if (!values.out) fail('--out FILE is required');
      const summary = await exportChain(database.db, date(values.from, 'from'), date(values.to, 'to'), values.out!);
      console.log(JSON.stringify({ out: values.out, ...summary }));
      break;
    }
    case 'replay': {
      if (!values.case) fail('--case ID is required');
      // The replay opens personal data: whoever runs it is named in the access log first.
      if (!values.operator || !identifier(200).safeParse(values.operator).success)
        fail(
          '--operator NAME is required (one line, no control characters): a replay opens personal data and is recorded in the access log',
        );
      if (values.party !== 'KH' && values.party !== 'CN') fail('--party KH|CN is required: the operator’s party, for the access log');
      // The key this database was sealed with, or refused (one line) before any case is read.
      const kek = await personalDataKeyFor(database.db, process.env).catch((error: unknown) => {
        if (!(error instanceof PersonalDataKeyRefused)) throw error;
        console.error(error.message);
        process.exit(1);
      });
      if (!(await caseExists(database.db, values.case!))) fail(`no case ${values.case}`);
      await recordReplayAccess(database.db, values.case!, { name: values.operator!, party: values.party });
      const { steps, view } = await replayCase(database.db, kek, values.case!);
      for (const s of steps)
        console.log(
          printable(
            `v${s.version} ${s.type.padEnd(22)} occurred ${s.occurredAt} recorded ${s.recordedAt} by ${s.party}:${s.actor} → ${s.status}`,
          ),
        );
      console.log(printable(JSON.stringify(view, null, 2)));
      break;
    }
    case 'stats': {
      const groupBy = values['group-by'] as GroupBy;
      if (!['year', 'month', 'offence'].includes(groupBy)) fail('--group-by year|month|offence');
      const from = date(values.from, 'from');
      const to = date(values.to, 'to');
      const recomputed = await recomputeDeportationStatistics(database.db, from, to, groupBy);
      // The service's published figure, from its projection, beside the one re-derived here.
      const live = await countDeportations(database.db, utcDays(from, to), { groupBy });
      const equal = live.total === recomputed.total && JSON.stringify(live.groups) === JSON.stringify(recomputed.groups);
      console.log(JSON.stringify({ ...recomputed, live: { total: live.total, groups: live.groups }, equal }, null, 2));
      exitCode = equal ? 0 : 1;
      break;
    }
  }
} finally {
  await database.close();
}
process.exit(exitCode);

/** A database that cannot be opened (DATA_DIR held by the running service, say): one line, no stack. */
function refuse(error: Error): never {
  console.error(error.message);
  process.exit(1);
}
