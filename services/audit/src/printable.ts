import { lineBreakingOrBidi } from '@cco/cases';

const everyControl = new RegExp(lineBreakingOrBidi.source, 'gu');

/**
 * What the CLI prints, with every control character (TAB, LF, CR, C1) and bidi control written
 * as a visible `\u{…}` escape: an actor, a type or any stored text can neither start a forged
 * line nor reorder what an operator reads. Tokens with such a `sub` are refused at the API, but
 * the log may hold rows from before that rule, or from an import.
 */
export const printable = (text: string) =>
  text.replace(everyControl, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
