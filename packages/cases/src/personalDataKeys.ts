import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { developmentKeyEncryptionKey, keyFingerprint, parseKeyEncryptionKey, shortFingerprint } from './keyEncryptionKey';
import { unwrapKey } from './seal';
import { wrappingContext } from './subjectKeys';

/** How a key-encryption key compares with the one the database was sealed with. */
export type PersonalDataKeyCheck =
  /** The current epoch's key (`recorded`: this process was the first and recorded it). */
  | { kind: 'current'; epoch: number; recorded: boolean }
  /** A key a rotation retired: it must not wrap anything again. */
  | { kind: 'retired'; epoch: number; fingerprint: string }
  /** Another key than any the database was sealed with. */
  | { kind: 'different'; current: string }
  /** No key recorded yet, and this one does not open the subject keys already stored. */
  | { kind: 'unopened'; caseId: string };

/**
 * Run by every process that opens the database with PERSONAL_DATA_KEY, before it reads or
 * writes anything under it. The first one records its key's fingerprint as epoch 1 (after
 * checking that it opens a subject key stored before epochs were recorded, if there is one);
 * from then on a key other than the current epoch's is refused.
 */
export async function checkPersonalDataKey(db: Executor<any>, kek: Buffer): Promise<PersonalDataKeyCheck> {
  const fingerprint = keyFingerprint(kek);
  let recorded = false;
  let { rows } = await sql<{ epoch: number; fingerprint: string; retired: boolean }>`
    select epoch, fingerprint, retired_at is not null as retired from personal_data_keys`.execute(db);
  if (rows.length === 0) {
    const { rows: stored } = await sql<{ case_id: string; wrapped_key: Buffer }>`
      select case_id, wrapped_key from subject_keys limit 1`.execute(db);
    const sample = stored[0];
    if (sample && !opens(kek, sample.case_id, sample.wrapped_key)) return { kind: 'unopened', caseId: sample.case_id };
    // Processes starting at once: one insert wins, the others read what it recorded.
    const inserted = await sql`insert into personal_data_keys (epoch, fingerprint) values (1, ${fingerprint})
      on conflict do nothing`.execute(db);
    recorded = Number(inserted.numAffectedRows ?? 0) === 1;
    ({ rows } = await sql<{ epoch: number; fingerprint: string; retired: boolean }>`
      select epoch, fingerprint, retired_at is not null as retired from personal_data_keys`.execute(db));
  }
  const mine = rows.find((r) => r.fingerprint === fingerprint);
  const current = rows.find((r) => !r.retired)!;
  if (mine && !mine.retired) return { kind: 'current', epoch: mine.epoch, recorded };
  if (mine) return { kind: 'retired', epoch: mine.epoch, fingerprint };
  return { kind: 'different', current: current.fingerprint };
}

/** The one line a process prints when it refuses its key; undefined when the key is current. */
export function personalDataKeyRefusal(check: PersonalDataKeyCheck, variable = 'PERSONAL_DATA_KEY'): string | undefined {
  switch (check.kind) {
    case 'current':
      return undefined;
    case 'retired':
      return `refusing to start: ${variable} is the key of epoch ${check.epoch} (fingerprint ${shortFingerprint(check.fingerprint)}), retired by a rotation: set PERSONAL_DATA_KEY to the current key`;
    case 'different':
      return `refusing to start: ${variable} does not match the key this database was sealed with (fingerprint ${shortFingerprint(check.current)}): set PERSONAL_DATA_KEY to that key`;
    case 'unopened':
      return `refusing to start: ${variable} does not open the subject keys already stored (case ${check.caseId}): set PERSONAL_DATA_KEY to the key they were sealed with`;
  }
}

/** A start refused for its key: the message is the one line to print. */
export class PersonalDataKeyRefused extends Error {}

/** checkPersonalDataKey, throwing PersonalDataKeyRefused with the line to print. */
export async function assertPersonalDataKey(db: Executor<any>, kek: Buffer): Promise<void> {
  const refusal = personalDataKeyRefusal(await checkPersonalDataKey(db, kek));
  if (refusal) throw new PersonalDataKeyRefused(refusal);
}

function opens(kek: Buffer, caseId: string, wrapped: Buffer): boolean {
  try {
    unwrapKey(kek, wrappingContext(caseId), wrapped);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a command-line tool runs before it reads or writes anything under PERSONAL_DATA_KEY: the
 * key from the environment (the published development key when unset, outside production),
 * checked against the database's. Throws PersonalDataKeyRefused with the one line to print.
 */
export async function personalDataKeyFor(db: Executor<any>, env: NodeJS.ProcessEnv): Promise<Buffer> {
  if (!env.PERSONAL_DATA_KEY && env.NODE_ENV === 'production') {
    throw new PersonalDataKeyRefused('refusing to start: PERSONAL_DATA_KEY is required when NODE_ENV=production');
  }
  let kek: Buffer;
  try {
    kek = parseKeyEncryptionKey(env.PERSONAL_DATA_KEY ?? developmentKeyEncryptionKey);
  } catch (error) {
    throw new PersonalDataKeyRefused(`refusing to start: ${(error as Error).message}`);
  }
  const refusal = personalDataKeyRefusal(await checkPersonalDataKey(db, kek));
  if (!refusal) return kek;
  throw new PersonalDataKeyRefused(
    env.PERSONAL_DATA_KEY ? refusal : `${refusal} (PERSONAL_DATA_KEY is unset: the development key was tried)`,
  );
}
