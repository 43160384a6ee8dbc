import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, parseSignerKey, validKeyName, type NoteSigner } from './noteKeys';

/** The origin line of a development log's checkpoints when CHECKPOINT_ORIGIN is unset. */
export const developmentOrigin = 'localhost/cooperation-office/events';
export const developmentKeyFile = 'checkpoint-signing-key';

export type LoadedSigner = { signer: NoteSigner; generated?: string; development: boolean } | { error: string };

/**
 * The checkpoint signing key: CHECKPOINT_SIGNING_KEY (Go note signer format), whose name is the
 * checkpoints' origin (CHECKPOINT_ORIGIN, when set, must equal it). Outside production a
 * missing key is generated once into DATA_DIR (or read back from there), so checkpoints stay
 * verifiable across restarts; in production it is required. Returns an error string, never
 * throws: the caller decides how to refuse to start.
 */
export function loadCheckpointSigner(env: NodeJS.ProcessEnv, dataDir: string, production: boolean): LoadedSigner {
  const origin = env.CHECKPOINT_ORIGIN?.trim() || undefined;
  if (origin !== undefined && !validKeyName(origin)) return { error: "CHECKPOINT_ORIGIN must be a key name: no spaces and no '+'" };
  const given = env.CHECKPOINT_SIGNING_KEY?.trim();
  if (given) {
    const parsed = parseSignerKey(given);
    if (typeof parsed === 'string') return { error: `CHECKPOINT_SIGNING_KEY: ${parsed}` };
    if (origin !== undefined && parsed.name !== origin)
      return { error: `CHECKPOINT_ORIGIN (${origin}) must equal the name of CHECKPOINT_SIGNING_KEY (${parsed.name})` };
    return { signer: parsed, development: false };
  }
  if (production)
    return {
      error: "CHECKPOINT_SIGNING_KEY is required when NODE_ENV=production (the checkpoints' Ed25519 key, PRIVATE+KEY+<origin>+<id>+<key>)",
    };
  const file = join(dataDir, developmentKeyFile);
  if (!existsSync(file)) {
    const { privateKey } = generateSignerKey(origin ?? developmentOrigin);
    try {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${privateKey}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      const written = readBack(file, origin);
      return 'error' in written ? written : { ...written, generated: file };
    } catch (error) {
      // Another instance starting beside this one wrote it first: use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        return { error: `could not keep the development checkpoint key in ${file}: ${(error as Error).message}` };
    }
  }
  return readBack(file, origin);
}

function readBack(file: string, origin: string | undefined): LoadedSigner {
  const parsed = parseSignerKey(readFileSync(file, 'utf8'));
  if (typeof parsed === 'string') return { error: `${file}: ${parsed}` };
  if (origin !== undefined && parsed.name !== origin)
    return {
      error: `CHECKPOINT_ORIGIN (${origin}) differs from the development key in ${file} (${parsed.name}); remove the file to make a new key`,
    };
  return { signer: parsed, development: true };
}

/** CHECKPOINT_WITNESS_KEYS: the witnesses' verifier keys, separated by commas, spaces or newlines. */
export function witnessKeysFrom(env: NodeJS.ProcessEnv): string[] {
  return (env.CHECKPOINT_WITNESS_KEYS ?? '').split(/[\s,]+/).filter(Boolean);
}
