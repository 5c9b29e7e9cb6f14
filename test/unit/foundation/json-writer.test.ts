import { describe, expect, it } from 'vitest';
import { JsonWriter } from '../../../electron/core/json-writer';

async function written(value: unknown, highWater = 16): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  const out = new JsonWriter((c) => {
    text += Buffer.from(c).toString('utf8');
    chunks++;
  }, highWater);
  out.value(value, 0);
  await out.maybeFlush();
  await out.flush();
  return { text, chunks };
}

describe('JsonWriter', () => {
  it('writes exactly what JSON.stringify(value, null, 2) does', async () => {
    const values: unknown[] = [
      null,
      0,
      -0,
      1e21,
      -1.5e-7,
      NaN,
      Infinity,
      'a "quoted" \\ line\nwith\u0001control and ünïcode 🎞',
      true,
      [],
      {},
      [[], {}, [1, [2, [3]]]],
      { a: 1, b: undefined, c: () => 1, d: [undefined, () => 1, null], e: { f: {} } },
      { 2: 'two', 1: 'one', z: 'z', a: 'a' },
      new Uint32Array([1, 2, 3]),
      { when: new Date(0), nested: { toJSON: () => ({ x: [1] }) } },
      { boxes: [{ type: 'moof', fields: { sequence_number: 1 }, children: [{ type: 'mfhd', fields: {} }] }] },
    ];
    for (const v of values) expect((await written(v)).text).toBe(JSON.stringify(v, null, 2));
  });

  it('hands the text to the sink in chunks once past its high-water mark', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => ({ i, s: 'x'.repeat(i % 7) }));
    let text = '';
    let chunks = 0;
    const out = new JsonWriter(async (c) => {
      text += Buffer.from(c).toString('utf8');
      chunks++;
      await new Promise((r) => setTimeout(r, 0));
    }, 1024);
    out.raw('[');
    for (let i = 0; i < big.length; i++) {
      out.raw(i ? ',' : '').newline(1).value(big[i], 1);
      await out.maybeFlush();
    }
    out.newline(0).raw(']');
    await out.flush();
    expect(text).toBe(JSON.stringify(big, null, 2));
    expect(chunks).toBeGreaterThan(20);
  });
});
