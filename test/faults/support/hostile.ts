import fc from 'fast-check';
import type { JsonSchema } from './spec';

// fast-check arbitraries for hostile input: values that look right (built from the routes' own
// JSON schemas, so new routes are covered) and the ways a client can get them wrong.

// ---------------------------------------------------------------------------------------------
// Personal data generators: unmistakable values, so a log scan cannot match them by chance.

const rare = 'QXZJVW';
export const personalName = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...rare), minLength: 4, maxLength: 8 }),
    fc.string({ unit: fc.constantFrom(...rare), minLength: 4, maxLength: 8 }),
  )
  .map(([a, b]) => `${a} ${b}`);
export const personalDocument = fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `${rare[n % rare.length]}${n}`);
export const birthDate = fc
  .record({ y: fc.integer({ min: 1950, max: 2005 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
  // A birth date is scanned for in every log line: it must not be a day that the hostile
  // scalars below send anyway (1970-01-01 in a logged URL is no leak of a subject's data).
  .filter((day) => !weirdDateTimes.some((hostile) => hostile.startsWith(day)));
/** Matches what the three generators above produce (to register them for the log scan). */
export const looksPersonal = (key: string, value: string) =>
  (key === 'value' && /^[QXZJVW]{4,8} [QXZJVW]{4,8}$/.test(value)) ||
  (key === 'number' && /^[QXZJVW]\d{8}$/.test(value)) ||
  // A day the hostile scalars send anyway is not a subject's, even when a fuzzed body carries it as
  // a dateOfBirth: it shows up in logged URLs by design (1970-01-01 did, once).
  (key === 'dateOfBirth' && /^(19[5-9]\d|200[0-5])-\d\d-\d\d$/.test(value) && !weirdDateTimes.some((hostile) => hostile.startsWith(value)));

/** Business times in the recent past (2015 to yesterday): what a valid command would carry. */
export const pastDateTime = fc
  .integer({ min: Date.parse('2015-01-01T00:00:00Z'), max: Date.now() - 86_400_000 })
  .map((ms) => new Date(ms).toISOString());

// ---------------------------------------------------------------------------------------------
// Hostile scalars.

export const injections = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '1; select pg_sleep(5)',
  "' UNION SELECT * FROM idempotency_keys --",
  '{"$ne": null}',
  '{"$gt": ""}',
  '$where',
  'this.constructor.constructor("return process")()',
  '${7*7}',
  '{{7*7}}',
  '#{7*7}',
  '<%= 7*7 %>',
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\\u0000',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
];

export const brokenText = [
  '\ud800',
  'Kandal\udfff',
  '\udc00\ud800',
  '\u0000',
  'a\u0000b',
  '\u0007\u0008',
  '\u001b[31mred',
  '\u007f',
  'line\r\nInjected: header',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  '\uffff',
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357',
  'ＡＢＣ１２３',
  'İıſ',
  'ជនសង្ស័យ',
  '😀'.repeat(50),
];

export const weirdDateTimes = [
  '0001-01-01T00:00:00+14:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-14:00',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2019-02-29T00:00:00Z',
  '2019-13-01T00:00:00Z',
  '2019-01-01T24:00:00Z',
  '2019-01-01T00:00:60Z',
  '2019-01-01T00:00:00.0000000000001Z',
  '2019-01-01T00:00:00+99:00',
  '2019-01-01',
  '1970-01-01T00:00:00Z',
  '2019-01-01T00:00:00',
  'yesterday',
  '',
];

// Mostly up to 20 KB; one in ten up to 300 KB (over the 256 KiB body limit). Big values cost
// time on both ends, so their share is what keeps 10,000 requests within seconds.
const longString = fc
  .oneof(
    { weight: 9, arbitrary: fc.integer({ min: 201, max: 20_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 300_000 }) },
  )
  .map((n) => 'x'.repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...injections) },
  { weight: 3, arbitrary: fc.constantFrom(...brokenText) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: longString },
  { weight: 2, arbitrary: fc.constantFrom(...weirdDateTimes) },
  { weight: 1, arbitrary: fc.constant('') },
);

export const hostileKey = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      '$where',
      '$ne',
      '__defineGetter__',
      'hasOwnProperty',
      '',
      'kind',
      'id',
      'version',
      'actor',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 63), 0.5, 1200, 1201, 4.2e-300),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 21, max: 3000 }).map((n) => Array.from({ length: n }, () => ({ script: 'Latn', value: 'x' }))),
    },
  ),
})).value;

// ---------------------------------------------------------------------------------------------
// Valid-looking values from a JSON schema.

export interface SchemaContext {
  /** Values for uuid-formatted strings (the real case ids, mostly). */
  uuid: fc.Arbitrary<string>;
}

/** A value meant to satisfy `schema` (approximately: zod refinements are not in the schema). */
export function fromSchema(schema: JsonSchema | undefined, ctx: SchemaContext, key = '', depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 8) return fc.constant({});
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, ctx, key, depth + 1)));
  if (schema.allOf?.length) return fromSchema(Object.assign({}, ...schema.allOf), ctx, key, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromSchema(s, ctx, k, depth + 1)]));
      return fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.max(min, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(fromSchema(schema.items, ctx, key, depth + 1), { minLength: min, maxLength: max });
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Math.max(min, 1000));
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'boolean':
      return key === 'nationalityConfirmed' ? fc.constant(true) : fc.boolean();
    case 'string':
      return stringFor(schema, ctx, key);
    default:
      return fc.constant(null);
  }
}

function stringFor(schema: JsonSchema, ctx: SchemaContext, key: string): fc.Arbitrary<string> {
  if (key === 'value') return personalName;
  if (key === 'number') return personalDocument;
  if (key === 'dateOfBirth') return birthDate;
  if (schema.format === 'uuid') return ctx.uuid;
  if (schema.format === 'date-time') return pastDateTime;
  if (schema.format === 'date') return pastDateTime.map((s) => s.slice(0, 10));
  if (schema.pattern === '^[A-Z]{2}$') return fc.constantFrom('CN', 'KH', 'VN', 'TH');
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern), { size: 'xsmall' })
        .filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
    } catch {
      // an expression fast-check cannot generate from: plain words below
    }
  }
  const min = Math.max(schema.minLength ?? 1, 1);
  const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
  return fc.stringMatching(/^[A-Za-z][A-Za-z ]*$/, { size: 'xsmall' }).map((s) => s.padEnd(min, 'x').slice(0, max));
}

// ---------------------------------------------------------------------------------------------
// Mutations of a JSON value and of its serialisation.

export type Json = unknown;

/** Every path into `value` (root first). */
export function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

export const structuralMutation = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'delete', 'extra', 'oversize'),
  at: fc.nat(),
  value: hostileValue,
  key: hostileKey,
  count: fc.integer({ min: 21, max: 4000 }),
});
export type StructuralMutation = typeof structuralMutation extends fc.Arbitrary<infer T> ? T : never;

const setOwn = (target: Record<string | number, unknown>, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** Applies `m` to a deep copy of `value`. */
export function mutate(value: Json, m: StructuralMutation): Json {
  const root = { v: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) } as Record<string, unknown>;
  const paths = pathsOf(root.v);
  const path = paths[m.at % paths.length]!;
  let parent: any = root;
  let key: string | number = 'v';
  for (const step of path) {
    parent = parent[key];
    key = step;
  }
  const node = parent[key];
  switch (m.kind) {
    case 'replace': {
      // Half the time a string is replaced by what its own field is likeliest to mishandle:
      // edge-of-range times for time fields, NUL / lone surrogates / controls for text.
      let value = m.value;
      if (typeof node === 'string' && m.count % 2 === 0) {
        value = /At$|On$|[dD]ate|^from$|^to$|^asOf$/.test(String(key))
          ? weirdDateTimes[m.at % weirdDateTimes.length]
          : brokenText[m.at % brokenText.length];
      }
      setOwn(parent, key, value);
      break;
    }
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (parent !== root) delete parent[key];
      else root.v = undefined;
      break;
    case 'extra':
      if (Array.isArray(node)) node.push(m.value);
      else if (node && typeof node === 'object') setOwn(node, m.key, m.value);
      else setOwn(parent, key, { [m.key]: m.value });
      break;
    case 'oversize': {
      // Past every limit (the body limit is 256 KiB), but bounded: two oversize mutations of a
      // whole body once multiplied it 4000 × 4000 times, past what a string can hold.
      const item = Array.isArray(node) ? (node[0] ?? 'x') : (node ?? 'x');
      const count = Math.min(m.count, Math.ceil(1_000_000 / (JSON.stringify(item)?.length ?? 1)));
      setOwn(
        parent,
        key,
        Array.from({ length: count }, () => item),
      );
      break;
    }
  }
  return root.v;
}

export const serialisations = [
  'json',
  'json',
  'json',
  'json',
  'json',
  'json',
  'truncate',
  'duplicateKey',
  'duplicateKeyLast',
  'protoRaw',
  'constructorRaw',
  'bom',
  'invalidUtf8',
  'trailingGarbage',
  'numberLiteral',
  'deepArrays',
  'deepObjectsWithProto',
  'singleQuotes',
  'comment',
  'empty',
  'scalar',
] as const;
export type Serialisation = (typeof serialisations)[number];

export const serialisation = fc.record({ how: fc.constantFrom(...serialisations), n: fc.nat(), value: hostileValue });

const invalidUtf8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xe2, 0x82]];
const scalars = ['null', 'true', '0', '"x"', '[]', '[{}]', '-', '{', '}', '""'];
const numberLiterals = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '123456789012345678901234567890', '0x10', '1_000', '.5', '01'];

/** The bytes sent for `value` serialised the way `s` says (malformed on purpose, mostly). */
export function serialise(value: Json, s: { how: Serialisation; n: number; value: unknown }): string | Buffer {
  const text = value === undefined ? '' : (JSON.stringify(value) ?? '');
  const isObject = text.startsWith('{') && text.length > 2;
  const firstKey = /^\{"((?:[^"\\]|\\.)*)":/.exec(text)?.[1];
  switch (s.how) {
    case 'json':
      return text;
    case 'truncate':
      return text.slice(0, text.length ? s.n % text.length : 0);
    case 'duplicateKey':
      return isObject && firstKey !== undefined ? `{"${firstKey}":${JSON.stringify(s.value) ?? 'null'},${text.slice(1)}` : text;
    case 'duplicateKeyLast':
      return isObject && firstKey !== undefined ? `${text.slice(0, -1)},"${firstKey}":${JSON.stringify(s.value) ?? 'null'}}` : text;
    case 'protoRaw':
      return isObject ? `{"__proto__":{"isAdmin":true,"roles":["supervisor"]},${text.slice(1)}` : `{"__proto__":${text || 'null'}}`;
    case 'constructorRaw':
      return isObject
        ? `{"constructor":{"prototype":{"isAdmin":true}},${text.slice(1)}`
        : `{"constructor":{"prototype":${text || 'null'}}}`;
    case 'bom':
      return `\ufeff${text}`;
    case 'invalidUtf8': {
      const bytes = Buffer.from(text);
      const at = bytes.length ? s.n % bytes.length : 0;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(invalidUtf8[s.n % invalidUtf8.length]!), bytes.subarray(at)]);
    }
    case 'trailingGarbage':
      return `${text}${['x', '}', ' {"a":1}', ',', '\u0000'][s.n % 5]}`;
    case 'numberLiteral': {
      const literal = numberLiterals[s.n % numberLiterals.length]!;
      return isObject && firstKey !== undefined ? `{"${firstKey}":${literal},${text.slice(1)}` : literal;
    }
    case 'deepArrays': {
      const depth = 1000 + (s.n % 10 === 0 ? s.n % 120_000 : s.n % 20_000);
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    }
    case 'deepObjectsWithProto': {
      // "constructor" anywhere makes the JSON parser scan the whole tree for prototype keys.
      const depth = 1000 + (s.n % 10 === 0 ? s.n % 50_000 : s.n % 10_000);
      return `{"constructor":1,"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    }
    case 'singleQuotes':
      return text.replaceAll('"', "'");
    case 'comment':
      return `/* a comment */${text}`;
    case 'empty':
      return ['', ' ', '\n', '\t\r\n'][s.n % 4]!;
    case 'scalar':
      return scalars[s.n % scalars.length]!;
  }
}

// ---------------------------------------------------------------------------------------------
// URLs and headers.

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD first). */
export const encodeLoose = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

export const pathTricks = [
  '..%2F..%2Fetc%2Fpasswd',
  '..',
  '.',
  '%2e%2e%2f',
  '%00',
  'abc%00',
  '%2500',
  '%ED%A0%80',
  '%C0%80',
  '%FF',
  '%E0%A4%A',
  '%',
  '%zz',
  '__proto__',
  'constructor',
  '1%20OR%201%3D1',
  '%27%3B%20DROP%20TABLE%20events%3B--',
  '%7B%22%24ne%22%3A1%7D',
  '%24%7B7*7%7D',
  '%7B%7B7*7%7D%7D',
  'a;b=c',
  '~',
  '*',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

export const uuidTricks = (uuid: string) => [
  uuid.toUpperCase(),
  `{${uuid}}`,
  `${uuid}%00`,
  `${uuid}%2F..`,
  `${uuid}%20`,
  uuid.replaceAll('-', ''),
  ` ${uuid}`.replace(' ', '%20'),
  `${uuid}.json`,
];

/** Header values node:http will send (tab, printable ASCII and Latin-1, no CR/LF). */
export const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

export const contentTypes = [
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;charset=UTF-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/problem+json',
  'APPLICATION/JSON',
  'application/json, text/plain',
  '',
  'application/jsonx',
  '*/*',
  'application/merge-patch+json',
  'application/json; boundary=x; charset=utf-8; q=0',
];

export const ifMatchValues = [
  '"1"',
  '"2"',
  '"3"',
  '"4"',
  '*',
  'W/"1"',
  'W/"2"',
  '"0"',
  '"999999999"',
  '"9999999999"',
  '"1", "2"',
  '""',
  'nonsense',
  '"-1"',
  '"1.5"',
  '"１"',
  `"${'9'.repeat(99)}"`,
  'x'.repeat(101),
];
