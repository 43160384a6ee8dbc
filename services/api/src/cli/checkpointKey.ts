import { generateSignerKey, validKeyName } from '@cco/transparency-log';

// `npm run checkpoint-key -- <origin>`: a new Ed25519 checkpoint signing key in Go's note
// signer format, for CHECKPOINT_SIGNING_KEY, and its verifier key for auditors and witnesses.
const origin = process.argv[2];
if (!origin || !validKeyName(origin)) {
  console.error('usage: npm run checkpoint-key -- <origin, e.g. cco.mfaic.gov.kh/events> (no spaces, no "+")');
  process.exit(2);
}
const { privateKey, signer } = generateSignerKey(origin);
console.log(`CHECKPOINT_SIGNING_KEY=${privateKey}`);
console.log(`# verifier key, to publish to auditors and witnesses:\n${signer.verifierKey}`);
