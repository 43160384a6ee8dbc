type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/**
 * A copy of `source` holding only the leaves named by `paths` ('a.b', 'list[].field'). Only
 * scalars are copied: a path that meets an object or an array where a leaf should be copies
 * nothing, so an allow-listed name can never carry a whole subtree out with it.
 */
export function pickAllowed(source: unknown, paths: readonly string[]): Json {
  let out: Json = {};
  for (const path of paths) {
    const picked = extract(source, path.split('.'));
    if (picked !== undefined) out = merge(out, picked) as Json;
  }
  return out;
}

/** The part of `from` that one path names, or undefined when it names no scalar there. */
function extract(from: unknown, [head, ...rest]: string[]): Json | undefined {
  if (!isObject(from) || head === undefined) return undefined;
  const walksArray = head.endsWith('[]');
  const key = walksArray ? head.slice(0, -2) : head;
  if (!Object.hasOwn(from, key)) return undefined;
  const value = from[key];
  if (walksArray) {
    if (!Array.isArray(value)) return undefined;
    if (rest.length === 0) return value.every(isScalar) ? { [key]: [...value] } : undefined;
    const elements = value.map((element) => extract(element, rest));
    return elements.some((e) => e !== undefined) ? { [key]: elements.map((e) => e ?? {}) } : undefined;
  }
  if (rest.length === 0) return isScalar(value) ? { [key]: value } : undefined;
  const inner = extract(value, rest);
  return inner === undefined ? undefined : { [key]: inner };
}

/** Several paths may share a prefix or walk the same array: their picks are merged. */
function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return b.map((item, i) => merge(a[i], item));
  if (isObject(a) && isObject(b)) {
    const out: Json = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  }
  return b;
}
