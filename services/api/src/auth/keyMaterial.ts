import type { JWK } from 'jose';

/**
 * What a public key is, whatever its spelling: the decoded bytes of its parameters (OKP `x`;
 * EC `x`, `y`; RSA `n`, `e`), with its type and curve. Comparing the JSON text would let the
 * same key through in another encoding (`x` with `=` padding, standard base64, an RSA modulus
 * with a leading zero byte); the key importer decodes all of them to the same key, so this
 * compares what it would import. Undefined for keys of no type the service verifies with.
 */
export function keyMaterial(jwk: Partial<JWK>): string | undefined {
  // Node's base64 decoder reads both alphabets, with or without padding: the same leniency the
  // importer has, so every spelling it accepts lands on the same bytes here.
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : undefined);
  // An integer's value, not its spelling: leading zero bytes dropped.
  const integer = (value: unknown) => bytes(value)?.replace(/^(00)+/, '');
  switch (jwk.kty) {
    case 'OKP':
      return jwk.x === undefined ? undefined : `OKP:${jwk.crv}:${bytes(jwk.x)}`;
    case 'EC':
      return jwk.x === undefined || jwk.y === undefined ? undefined : `EC:${jwk.crv}:${bytes(jwk.x)}:${bytes(jwk.y)}`;
    case 'RSA':
      return jwk.n === undefined ? undefined : `RSA:${integer(jwk.n)}:${integer(jwk.e)}`;
    default:
      return undefined;
  }
}

/** The keys of `set` whose material is in `materials`. */
export function keysAmong(set: readonly Partial<JWK>[], materials: ReadonlySet<string>): Partial<JWK>[] {
  return set.filter((key) => {
    const material = keyMaterial(key);
    return material !== undefined && materials.has(material);
  });
}

/** The material of every key of `set` that has one. */
export function materialsOf(set: readonly Partial<JWK>[]): Set<string> {
  return new Set(set.map(keyMaterial).filter((m): m is string => m !== undefined));
}
