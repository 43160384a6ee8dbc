import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { type HeldKeys } from './heldKeys';
import { fetchJwks, maxJwksKeys, readJwksFile } from './jwksFetch';
import { keysAmong, materialsOf } from './keyMaterial';

/** Where a party's JSON Web Key Set comes from: its identity provider, a file, or given inline. */
export type JwksSource = { url: string } | { file: string } | { keys: JSONWebKeySet };

export interface KeySetTiming {
  /** A fetched set is used for this long, then fetched again: a removed key stops working after it. */
  maxAgeMs: number;
  /** No two fetches closer than this (unknown kids, retries after a failure). docs/api.md: 30 s. */
  cooldownMs: number;
  fetchTimeoutMs: number;
}

/** The party has no usable key: its set was never fetched successfully. Answered 503. */
export class KeysUnavailable extends Error {}

export interface KeySetEvents {
  /** A fetch or read of the set failed; `cached` says whether earlier keys keep serving. */
  onFetchFailed(reason: string, cached: boolean): void;
  /** The set held keys that are never trusted (published development keys): left out. */
  onKeysRefused(kids: string[]): void;
  /** The keys of this set that another party's set lists too (none: the conflict is over); left out. */
  onKeysContested?(kids: string[]): void;
}

export interface PartyKeySetOptions {
  /** Keys never to trust, whatever the set says (the published development keys), compared by key material. */
  refused?: readonly Partial<JWK>[] | undefined;
  /** Shared with the other parties' sets: a key two parties list is trusted by neither. */
  held?: { keys: HeldKeys; as: string } | undefined;
}

/**
 * One party's keys, cached. jose imports and selects the keys (createLocalJWKSet: by kid and
 * algorithm); this adds only when to fetch the set again:
 * - after `maxAgeMs` (so a key a ministry removed stops verifying then): in the background,
 *   while the cached set keeps serving, so a slow or hanging provider never holds a request;
 * - when a token names a kid the set lacks (rotation without restart), at most once per cooldown
 *   (that request waits for the fetch);
 * - never more often than the cooldown, so bad tokens cannot hammer the identity provider.
 * A failed fetch keeps the keys already held (an outage of the identity provider does not lock
 * everyone out); with none held, KeysUnavailable. A set is read up to a size cap (jwksFetch).
 */
export class PartyKeySet {
  private local: JWTVerifyGetKey | undefined;
  /** The set as last read, less the refused keys; `local` serves it less the contested ones. */
  private listed: JWK[] = [];
  private contested = '';
  private fetchedAt = 0;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly refused: Set<string>;

  constructor(
    private readonly source: JwksSource,
    private readonly timing: KeySetTiming,
    private readonly events: KeySetEvents,
    private readonly options: PartyKeySetOptions = {},
  ) {
    this.refused = materialsOf(options.refused ?? []);
    options.held?.keys.join(options.held.as, () => this.local && this.serve(false));
    if ('keys' in source) this.take(source.keys);
  }

  /** The key for a token's protected header, for jose's jwtVerify. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if ('keys' in this.source) return this.local!(header, token);
    const now = Date.now();
    if (!this.local) {
      if (this.mayFetch(now)) await this.refresh();
    } else if (now - this.fetchedAt >= this.timing.maxAgeMs && this.mayFetch(now)) {
      void this.refresh(); // stale-while-revalidate: this request is served from the cached set
    }
    if (!this.local) throw new KeysUnavailable('no key of this party could be fetched');
    try {
      return await this.local(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayFetch(Date.now())) throw error;
      await this.refresh();
      return this.local(header, token);
    }
  };

  private mayFetch(now: number): boolean {
    return this.inFlight !== undefined || now - this.attemptedAt >= this.timing.cooldownMs;
  }

  /** One fetch at a time; concurrent requests wait for the same one. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    this.attemptedAt = Date.now();
    try {
      const set = await this.load();
      if (!set || typeof set !== 'object' || !Array.isArray((set as JSONWebKeySet).keys))
        throw new Error('not a JSON Web Key Set (no "keys" array)');
      if ((set as JSONWebKeySet).keys.length > maxJwksKeys) throw new Error(`more than ${maxJwksKeys} keys`);
      this.take(set as JSONWebKeySet);
      this.fetchedAt = Date.now();
    } catch (error) {
      this.events.onFetchFailed((error as Error).message, this.local !== undefined);
    }
  }

  /** A set as read: refused keys out, the rest published to the other parties, then served. */
  private take(set: JSONWebKeySet): void {
    const refused = keysAmong(set.keys, this.refused);
    if (refused.length > 0) this.events.onKeysRefused(refused.map((k) => String(k.kid)));
    this.listed = set.keys.filter((k) => !refused.includes(k));
    this.options.held?.keys.hold(this.options.held.as, materialsOf(this.listed));
    this.serve(true);
  }

  /**
   * Serves the listed keys less those another party lists too: afresh after a read, and when
   * another party's set changed which of ours are contested (else the key objects stay, and
   * remembered tokens with them).
   */
  private serve(afterRead: boolean): void {
    const contested = this.options.held ? keysAmong(this.listed, this.options.held.keys.heldBesides(this.options.held.as)) : [];
    const signature = [...materialsOf(contested)].sort().join(' ');
    const changed = signature !== this.contested;
    if (!afterRead && !changed) return;
    if (changed) {
      this.contested = signature;
      this.events.onKeysContested?.(contested.map((k) => String(k.kid)));
    }
    this.local = createLocalJWKSet({ keys: this.listed.filter((k) => !contested.includes(k)) });
  }

  private async load(): Promise<unknown> {
    if ('file' in this.source) return readJwksFile(this.source.file);
    return fetchJwks((this.source as { url: string }).url, this.timing.fetchTimeoutMs);
  }
}
