/**
 * `writeBoxesJson` lays out each box's text itself (issue #18: `mwb inspect --json` speed); it must
 * stay exactly `JSON.stringify(boxesToJson(…), null, 2)` for every key and every kind of value.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { boxesToJson, bufferSource, parseBoxTree, writeBoxesJson, type BoxNode, type JsonOptions } from '../../../electron/core/boxes';
import { JsonWriter } from '../../../electron/core/json-writer';
import { fmp4 } from '../../fixtures/generate';

async function written(nodes: BoxNode[], options: JsonOptions & { maxDepth?: number } = {}, highWater = 256): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new JsonWriter((c) => {
    chunks.push(Buffer.from(c));
  }, highWater);
  await writeBoxesJson(out, nodes, 0, options);
  await out.flush();
  return Buffer.concat(chunks).toString('utf8');
}

const expected = (nodes: BoxNode[], options: JsonOptions & { maxDepth?: number } = {}) => JSON.stringify(boxesToJson(nodes, options), null, 2);

/** Every optional key of a node and every kind of field value the engine produces. */
function everything(): BoxNode[] {
  const leaf: BoxNode = {
    type: 'tr"n',
    offset: 2 ** 40 + 3,
    size: 0x1_0000_0010,
    headerSize: 16,
    path: 'moof[0]/traf[0]/tr"n[0]',
    sizeMode: 'large',
    version: 1,
    flags: 0xe01,
    fields: {
      sample_count: 3,
      neg: -0,
      big: 1e21,
      tiny: -1.5e-7,
      nan: NaN,
      inf: -Infinity,
      text: 'a "quoted" \\ line\nwith\u0001control and ünïcode 🎞',
      empty: '',
      yes: true,
      no: false,
      nothing: null,
      bytes: new Uint8Array([0, 1, 0xab, 0xff]),
      noBytes: new Uint8Array(0),
      u16: new Uint16Array([1, 65535]),
      u32: new Uint32Array([0, 4294967295, 7]),
      i16: new Int16Array([-32768, 5]),
      i32: new Int32Array([-2147483648, 0, 2147483647]),
      noU32: new Uint32Array(0),
      f32: new Float32Array([0.1, -2.5, NaN, Infinity]),
      f64: new Float64Array([1 / 3, -0, 1e-300]),
      list: [1, 'two', null, [3, [4]], { five: 5 }, new Uint8Array([6])],
      noList: [],
      entries: [
        { time: 0, moof_offset: 1234, nested: { deep: [new Uint16Array([1, 2])] } },
        { time: 15360, moof_offset: 5678, nested: {} },
      ],
      object: { a: 1, b: { c: 'd' }, e: [] },
      noObject: {},
      '2': 'numeric key first',
    },
    derived: { codec: 'avc1.64001f', list: [1, 2] },
    error: { rule: 'box-truncated', message: 'trun at offset 3 declares 16 bytes but the file ends after 9 of them (7 missing).' },
    decodeError: 'a "decode" error\n',
  };
  const uuidBox: BoxNode = { type: 'uuid', offset: 0, size: 40, headerSize: 24, path: 'uuid[0]', uuid: 'a2394f525a9b4f14a2446c427c648df4', fields: {} };
  const mdat: BoxNode = { type: 'mdat', offset: 40, size: 0, headerSize: 8, path: 'mdat[0]', sizeMode: 'to-end', fields: {}, skipped: 'payload' };
  const parent: BoxNode = {
    type: 'moof',
    offset: 48,
    size: 500,
    headerSize: 8,
    path: 'moof[0]',
    fields: {},
    error: { rule: 'box-size-invalid', message: 'x' },
    skipped: 'node-limit',
    children: [
      { type: 'traf', offset: 56, size: 400, headerSize: 8, path: 'moof[0]/traf[0]', fields: {}, children: [leaf, { ...leaf, children: [] }] },
      { type: 'mfhd', offset: 456, size: 16, headerSize: 8, path: 'moof[0]/mfhd', fields: { sequence_number: 1 }, version: 0, flags: 0 },
    ],
  };
  return [uuidBox, parent, mdat];
}

describe('writeBoxesJson', () => {
  it('writes exactly JSON.stringify(boxesToJson(nodes), null, 2): every key, every kind of value, any depth limit', async () => {
    const nodes = everything();
    for (const maxDepth of [undefined, 0, 1, 2, 3]) expect(await written(nodes, { maxDepth }), `maxDepth ${maxDepth}`).toBe(expected(nodes, { maxDepth }));
    expect(await written([])).toBe('[]');
  });

  it('applies maxArray and maxBytes as boxesToJson does', async () => {
    const nodes = everything();
    for (const options of [{ maxArray: 1 }, { maxBytes: 2 }, { maxArray: 0, maxBytes: 0, maxDepth: 1 }]) {
      expect(await written(nodes, options), JSON.stringify(options)).toBe(expected(nodes, options));
    }
  });

  it('matches on a real fMP4 and on every truncation of its first kilobytes (error nodes)', async () => {
    const bytes = new Uint8Array(await readFile(await fmp4({ duration: 2, fps: 30, gop: 30 })));
    const whole = await parseBoxTree(bufferSource(bytes));
    expect(await written(whole, {}, 64 * 1024)).toBe(expected(whole));
    for (let end = 0; end < Math.min(bytes.length, 4096); end += 61) {
      const nodes = await parseBoxTree(bufferSource(bytes.subarray(0, end)));
      expect(await written(nodes), `cut at ${end}`).toBe(expected(nodes));
    }
  });
});
