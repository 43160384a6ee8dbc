import { generateKeyPairSync, createHash } from 'node:crypto';
import { parseWitnessKey } from './cosign';
import { WitnessRecord } from './record';
import { parseLogKey } from './verify';
import { witnessRound, type WitnessConfig } from './witnessRound';

// `npm run witness`: a ministry's witness, run on the ministry's own machine.
//   WITNESS_LOG_URL      the service's base URL
//   WITNESS_TOKEN        an auditor's bearer token
//   WITNESS_LOG_KEY      the log's verifier key (GET /v1/audit/checkpoint/key, checked out of band)
//   WITNESS_SIGNING_KEY  this witness's key, PRIVATE+KEY+<name>+<id>+<base64(0x04 ‖ seed)>
//   WITNESS_STATE_DIR    its record, evidence and metrics file (default ./witness-state)
//   WITNESS_INTERVAL_MS  between rounds (default 10000); WITNESS_ONCE=true for one round
// `npm run witness -- keygen <name>` prints a new key and the verifier key to give the service.
// Exit codes: 0 stopped, 2 bad configuration, 3 the log was inconsistent (evidence kept).

const log: WitnessConfig['log'] = (level, msg, details = {}) =>
  console[level === 'info' ? 'log' : level](JSON.stringify({ level, time: new Date().toISOString(), msg, ...details }));

if (process.argv[2] === 'keygen') {
  const name = process.argv[3];
  if (!name || /[\s+]/.test(name)) {
    console.error('usage: npm run witness -- keygen <name, e.g. witness.mfa.gov.kh/w1>');
    process.exit(2);
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = Buffer.from(privateKey.export({ format: 'jwk' }).x!, 'base64url');
  const id = createHash('sha256').update(name).update('\n').update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4).toString('hex');
  const draft = Buffer.concat([Uint8Array.of(4), seed]).toString('base64');
  const key = parseWitnessKey(`PRIVATE+KEY+${name}+${id}+${draft}`);
  if (typeof key === 'string') throw new Error(key);
  console.log(`WITNESS_SIGNING_KEY=PRIVATE+KEY+${name}+${id}+${draft}`);
  console.log(`# for the service's CHECKPOINT_WITNESS_KEYS:\n${key.verifierKey}`);
  process.exit(0);
}

function fail(message: string): never {
  log('error', message);
  process.exit(2);
}
const env = process.env;
if (!env.WITNESS_LOG_URL || !env.WITNESS_TOKEN) fail('WITNESS_LOG_URL and WITNESS_TOKEN are required');
const logKey = parseLogKey(env.WITNESS_LOG_KEY ?? '');
if (typeof logKey === 'string') fail(`WITNESS_LOG_KEY: ${logKey}`);
const key = parseWitnessKey(env.WITNESS_SIGNING_KEY ?? '');
if (typeof key === 'string') fail(`WITNESS_SIGNING_KEY: ${key}`);
const record = new WitnessRecord(env.WITNESS_STATE_DIR ?? './witness-state');
const config: WitnessConfig = { url: env.WITNESS_LOG_URL!, token: env.WITNESS_TOKEN!, logKey, key, record, log };
const interval = Number(env.WITNESS_INTERVAL_MS ?? 10_000);
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

let lastSuccess: number | null = null;
for (;;) {
  try {
    const outcome = await witnessRound(config);
    if (outcome.kind === 'inconsistent') {
      record.writeMetrics({ size: record.latest()?.size ?? 0, inconsistent: true, lastSuccess });
      process.exit(3);
    }
    lastSuccess = Math.floor(Date.now() / 1000);
    record.writeMetrics({ size: outcome.size, inconsistent: false, lastSuccess });
  } catch (error) {
    // The log unreachable or answering nonsense is not evidence of a split view: retry.
    log('warn', 'witness round failed; retrying', { reason: (error as Error).message });
  }
  if (env.WITNESS_ONCE === 'true' || stopping) break;
  await new Promise((r) => setTimeout(r, interval));
  if (stopping) break;
}
process.exit(0);
