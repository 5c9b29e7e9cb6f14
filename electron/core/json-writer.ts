/**
 * Pretty JSON written as it is produced: the same text as `JSON.stringify(value, null, 2)`, but
 * encoded into a byte buffer that is handed to `sink` every ~64 KB, so a 10 MB document never
 * exists as one string (nor as one object tree, when the caller emits it piece by piece with
 * `raw`). Bytes rather than a growing string: concatenating hundreds of thousands of small pieces
 * kept the garbage collector busy for a sixth of `mwb inspect --json`. Node only (Buffer): it is
 * the CLI's output path.
 */
export type JsonSink = (chunk: Uint8Array) => void | Promise<void>;

const INDENTS: string[] = [''];
function indent(level: number): string {
  while (INDENTS.length <= level) INDENTS.push(INDENTS[INDENTS.length - 1]! + '  ');
  return INDENTS[level]!;
}

/** Appends text to a byte buffer (UTF-8), growing it when one piece does not fit. */
class Utf8Buffer {
  bytes: Buffer;
  length = 0;
  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }
  append(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.length + text.length * 3 > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + text.length * 3));
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    this.length += this.bytes.write(text, this.length, 'utf8');
  }
}

export class JsonWriter {
  private out: Utf8Buffer;

  constructor(
    private readonly sink: JsonSink,
    private readonly highWater = 64 * 1024,
  ) {
    this.out = new Utf8Buffer(Math.max(1024, highWater * 2));
  }

  private w(text: string): void {
    this.out.append(text);
  }

  /** Text as is (brackets, keys, separators the caller lays out itself). */
  raw(text: string): this {
    this.w(text);
    return this;
  }

  /** Newline and the indentation of `level`. */
  newline(level: number): this {
    this.w('\n' + indent(level));
    return this;
  }

  /** `"key": ` */
  key(name: string): this {
    this.w(JSON.stringify(name) + ': ');
    return this;
  }

  /** A value as `JSON.stringify(value, null, 2)` would print it when nested at `level`. */
  value(value: unknown, level: number): this {
    this.append(value, level);
    return this;
  }

  /** Hand the buffer to the sink when it is big enough (awaiting the sink's back-pressure). */
  async maybeFlush(): Promise<void> {
    if (this.out.length >= this.highWater) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.out.length) return;
    // The sink may keep the chunk (a stream's queue): hand it its own copy of the bytes.
    const chunk = Buffer.from(this.out.bytes.subarray(0, this.out.length));
    this.out.length = 0;
    await this.sink(chunk);
  }

  private append(value: unknown, level: number): void {
    if (value === null) {
      this.w('null');
      return;
    }
    switch (typeof value) {
      case 'string':
        this.w(JSON.stringify(value));
        return;
      case 'number':
        this.w(Number.isFinite(value) ? String(value) : 'null');
        return;
      case 'boolean':
        this.w(value ? 'true' : 'false');
        return;
      case 'object':
        break;
      default:
        // undefined, functions, symbols, bigint: what JSON.stringify does with them is the caller's
        // problem; as array items they print as null, as object values they are skipped (below).
        if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
        this.w('null');
        return;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      this.append((toJSON as () => unknown).call(value), level);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.w('[]');
        return;
      }
      const inner = '\n' + indent(level + 1);
      this.w('[');
      for (let i = 0; i < value.length; i++) {
        this.w(i ? ',' + inner : inner);
        this.append(value[i], level + 1);
      }
      this.w('\n' + indent(level) + ']');
      return;
    }
    const inner = '\n' + indent(level + 1);
    let first = true;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      this.w((first ? '{' : ',') + inner + JSON.stringify(k) + ': ');
      first = false;
      this.append(v, level + 1);
    }
    this.w(first ? '{}' : '\n' + indent(level) + '}');
  }
}
