import type { JWTVerifyGetKey } from 'jose';

/** The key a verified token's signature was checked with, as its party's key set served it. */
export type VerifyingKey = Awaited<ReturnType<JWTVerifyGetKey>>;

interface Remembered<T> {
  verified: T;
  /** The key that checked the signature: the token is taken as verified only while the set still serves this very key. */
  key: VerifyingKey;
  /** The key set's lookup, and what jose asked it with when verifying. */
  getKey: JWTVerifyGetKey;
  asked: Parameters<JWTVerifyGetKey>;
  /** `exp` in seconds; past it (with the skew) the token is verified afresh, and refused. */
  exp: number;
}

/**
 * Tokens whose signature was verified, by their exact text, so that an officer's token is
 * checked once rather than on every request (an Ed25519 or ECDSA verification costs more CPU
 * than everything else a filing does in this process but the database work).
 *
 * What a remembered token is not spared:
 * - expiry: past `exp` it is verified afresh (and refused by the full check);
 * - key removal or rotation: each use asks the party's key set for the token's key again (a
 *   lookup, no crypto); unless it is the very key object that verified it — the set has not been
 *   fetched since — the token is verified afresh, so a key removed from a ministry's set stops
 *   vouching exactly when it would without this cache.
 * Only successes are remembered. Bounded: the oldest entry goes first.
 */
export class RememberedTokens<T> {
  private readonly entries = new Map<string, Remembered<T>>();

  constructor(
    private readonly capacity: number,
    private readonly skewSeconds: number,
  ) {}

  /** The earlier verification of exactly this token, if it still stands. */
  async recall(token: string): Promise<T | undefined> {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const current = await Promise.resolve()
      .then(() => entry.getKey(...entry.asked))
      .catch(() => undefined);
    if (current !== entry.key || Math.floor(Date.now() / 1000) - this.skewSeconds >= entry.exp) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.verified;
  }

  remember(token: string, entry: Remembered<T>): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, entry);
  }
}
