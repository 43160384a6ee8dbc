import { expect, it } from 'vitest';
import { printable } from '../src/printable';

// What `npm run audit -- replay` prints can hold an actor stored before tokens' subs were checked:
// no stored text may start a line of its own or reorder the terminal's text.
it('writes control and bidi characters as visible escapes, leaving other text as it is', () => {
  const forged = 'kh-officer\nv9 PersonalDataErased\tby\r\u0085 \u202eevil\u2066 \u061c\u2028';
  const shown = printable(forged);
  expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  expect(shown).toBe('kh-officer\\u{000A}v9 PersonalDataErased\\u{0009}by\\u{000D}\\u{0085} \\u{202E}evil\\u{2066} \\u{061C}\\u{2028}');
  expect(printable('ZHANG Wei 张伟 ស៊ុន')).toBe('ZHANG Wei 张伟 ស៊ុន');
});
