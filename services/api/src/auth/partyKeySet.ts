import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Where a party's JSON Web Key Set comes from: its identity provider, a file, or given inline. */
export type JwksSource = { url: string } | { file: string } | { keys: JSONWebKeySet };

export interface KeySetTiming {
  /** A fetched set is used for this long, then fetched again: a removed key stops working after it. */
  maxAgeMs: number;
  /** No two fetches closer than this (unknown kids, retries after a failure). CONTRACT.md: 30 s. */
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
}

/**
 * One party's keys, cached. jose imports and selects the keys (createLocalJWKSet: by kid and
 * algorithm); this adds only when to fetch the set again:
 * - after `maxAgeMs` (so a key a ministry removed stops verifying then),
 * - when a token names a kid the set lacks (rotation without restart), at most once per cooldown,
 * - never more often than the cooldown, so bad tokens cannot hammer the identity provider.
 * A failed fetch keeps the keys already held (an outage of the identity provider does not lock
 * everyone out); with none held, KeysUnavailable.
 */
export class PartyKeySet {
  private local: JWTVerifyGetKey | undefined;
  private fetchedAt = 0;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly source: JwksSource,
    private readonly timing: KeySetTiming,
    private readonly events: KeySetEvents,
    /** Public keys (`x` or `n`) never to trust, whatever the set says: the published development keys. */
    private readonly refused: ReadonlySet<string> = new Set(),
  ) {
    if ('keys' in source) this.local = createLocalJWKSet(source.keys);
  }

  /** The key for a token's protected header, for jose's jwtVerify. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if ('keys' in this.source) return this.local!(header, token);
    const now = Date.now();
    if ((!this.local || now - this.fetchedAt >= this.timing.maxAgeMs) && this.mayFetch(now)) await this.refresh();
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
      const keys = (set as JSONWebKeySet).keys.filter((k) => !this.refused.has(String(k.x ?? k.n)));
      if (keys.length < (set as JSONWebKeySet).keys.length) {
        this.events.onKeysRefused((set as JSONWebKeySet).keys.filter((k) => !keys.includes(k)).map((k) => String(k.kid)));
      }
      this.local = createLocalJWKSet({ keys });
      this.fetchedAt = Date.now();
    } catch (error) {
      this.events.onFetchFailed((error as Error).message, this.local !== undefined);
    }
  }

  private async load(): Promise<unknown> {
    if ('file' in this.source) return JSON.parse(await readFile(this.source.file, 'utf8'));
    const { url } = this.source as { url: string };
    const response = await fetch(url, { signal: AbortSignal.timeout(this.timing.fetchTimeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }
}
