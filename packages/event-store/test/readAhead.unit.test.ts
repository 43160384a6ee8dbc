import { describe, expect, it } from 'vitest';
import { readAhead, type LogPosition } from '../src/index';

const at = (transactionId: string, position: string): LogPosition => ({ transactionId, position });

describe('readAhead', () => {
  it('a held read is taken by the step that starts exactly where it was read after, once', async () => {
    const ahead = readAhead<string>();
    const fresh: LogPosition[] = [];
    const read = async (after: LogPosition) => (fresh.push(after), `fresh after ${after.position}`);
    ahead.hold(at('7', '10'), Promise.resolve('held'));
    // Same position written differently (int8 strings compare as numbers).
    expect(await ahead.take(at('07', '10'), read)).toBe('held');
    expect(await ahead.take(at('7', '10'), read)).toBe('fresh after 10');
    expect(fresh).toEqual([at('7', '10')]);
  });

  it('another position (someone else moved the checkpoint) reads afresh and drops what was held', async () => {
    const ahead = readAhead<string>();
    const read = async (after: LogPosition) => `fresh after ${after.position}`;
    ahead.hold(at('7', '10'), Promise.resolve('held'));
    expect(await ahead.take(at('8', '12'), read)).toBe('fresh after 12');
    expect(await ahead.take(at('7', '10'), read)).toBe('fresh after 10');
    ahead.hold(at('7', '10'), Promise.resolve('held'));
    ahead.drop();
    expect(await ahead.take(at('7', '10'), read)).toBe('fresh after 10');
  });

  it('a held read that fails is no unhandled rejection; it fails the step that takes it', async () => {
    const ahead = readAhead<string>();
    ahead.hold(at('1', '1'), Promise.reject(new Error('connection lost')));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(ahead.take(at('1', '1'), async () => 'fresh')).rejects.toThrow('connection lost');
  });
});
