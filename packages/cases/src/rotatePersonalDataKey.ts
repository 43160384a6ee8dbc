import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { keyFingerprint } from './keyEncryptionKey';
import { checkPersonalDataKey, personalDataKeyRefusal } from './personalDataKeys';
import { unwrapKey, wrapKey } from './seal';
import { wrappingContext } from './subjectKeys';

export type RotationOutcome = { kind: 'rotated'; from: number; to: number; rewrapped: number } | { kind: 'refused'; reason: string };

const batch = 10_000;

/**
 * Re-wraps every live subject key under `next` in ONE transaction and makes it the current
 * epoch, retiring `current`'s. Filings and erasures wait for it (the key table is locked), and a
 * process still holding the retired key can wrap nothing more (subjectKeys' epochOf). Once the
 * retired key is destroyed, every older copy of a wrapped key (WAL, backups, replicas, dead row
 * versions) is useless.
 */
export async function rotatePersonalDataKey(db: Executor<any>, current: Buffer, next: Buffer): Promise<RotationOutcome> {
  if (current.equals(next)) return { kind: 'refused', reason: 'the new key is the current key: nothing to rotate' };
  const run = async (trx: Executor<any>): Promise<RotationOutcome> => {
    await sql`lock table personal_data_keys, subject_keys in share row exclusive mode`.execute(trx);
    const check = await checkPersonalDataKey(trx, current);
    const refusal = personalDataKeyRefusal(check, 'the current key (PERSONAL_DATA_KEY)');
    if (refusal || check.kind !== 'current') return { kind: 'refused', reason: refusal!.replace(/^refusing to start: /, '') };
    const { rows: known } = await sql`select epoch from personal_data_keys where fingerprint = ${keyFingerprint(next)}`.execute(trx);
    if (known.length > 0) return { kind: 'refused', reason: 'the new key was used before (a retired epoch): generate a fresh one' };
    const to = check.epoch + 1;
    await sql`update personal_data_keys set retired_at = now() where epoch = ${check.epoch}`.execute(trx);
    await sql`insert into personal_data_keys (epoch, fingerprint) values (${to}, ${keyFingerprint(next)})`.execute(trx);
    let rewrapped = 0;
    let after = '';
    for (;;) {
      const { rows } = await sql<{ case_id: string; wrapped_key: Buffer }>`
        select case_id, wrapped_key from subject_keys where case_id > ${after} order by case_id limit ${batch}`.execute(trx);
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.case_id);
      const wrapped = rows.map((r) =>
        wrapKey(next, wrappingContext(r.case_id), unwrapKey(current, wrappingContext(r.case_id), r.wrapped_key)).toString('hex'),
      );
      // Hex, not bytea[]: both drivers (pg and PGlite) pass a text[] the same way.
      await sql`update subject_keys k set wrapped_key = decode(v.wrapped_key, 'hex'), kek_epoch = ${to}
        from unnest(${ids}::text[], ${wrapped}::text[]) as v(case_id, wrapped_key) where k.case_id = v.case_id`.execute(trx);
      rewrapped += rows.length;
      after = ids.at(-1)!;
    }
    return { kind: 'rotated', from: check.epoch, to, rewrapped };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
