import pino, { type LoggerOptions } from 'pino';

/**
 * Personal data never reaches the logs. Bodies are not logged at all; these paths are the
 * second line of defence for anything that logs an object carrying a subject or a token.
 * (pino's `*` matches one level, so the likely depths are listed.)
 */
const personal = ['subject', 'names', 'dateOfBirth', 'documents', 'receivingOfficers', 'body', 'data'];
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...personal,
  ...personal.map((p) => `*.${p}`),
  ...personal.map((p) => `*.*.${p}`),
];

/**
 * Fields of a database error that carry the values of the statement: PGlite attaches the
 * statement (`query`) and its parameters (`params`: a subject's sealed or clear values, a
 * filing's JSON) to every error; PostgreSQL's `detail` and `where` quote row values ("Failing
 * row contains (…)", "Key (…)=(…)"). Kept: code, constraint, table, column, routine.
 */
const statementFields = new Set(['params', 'parameters', 'values', 'query', 'queryOptions', 'internalQuery', 'detail', 'where']);
const censor = '[redacted]';

/** The string values among an error's parameters (and its causes'), which its message may quote. */
function parameterValues(error: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (!error || typeof error !== 'object' || depth > 5) return found;
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 3) found.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
  };
  const e = error as { params?: unknown; parameters?: unknown; values?: unknown; cause?: unknown; errors?: unknown[] };
  [e.params, e.parameters, e.values].forEach(collect);
  parameterValues(e.cause, found, depth + 1);
  for (const inner of Array.isArray(e.errors) ? e.errors : []) parameterValues(inner, found, depth + 1);
  return found;
}

function scrub(value: unknown, quoted: Set<string>, depth: number): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const q of quoted) text = text.replaceAll(q, censor);
    return text;
  }
  if (!value || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, quoted, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, statementFields.has(key) ? censor : scrub(v, quoted, depth + 1)]),
  );
}

/** pino's error serializer, less the statement's values (wherever they sit in the error and its causes). */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.errWithCause(error as Error);
  return scrub(serialized, parameterValues(error), 0);
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor },
    serializers: { err: serializeError, error: serializeError },
    base: { service: 'cco-api' },
  };
}
