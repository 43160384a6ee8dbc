import type { LoggerOptions } from 'pino';

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

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'cco-api' },
  };
}
