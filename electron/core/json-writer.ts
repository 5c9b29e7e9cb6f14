/**
 * Pretty JSON written as it is produced: the same text as `JSON.stringify(value, null, 2)`, but
 * encoded into a byte buffer that is handed to `sink` every ~64 KB, so a 10 MB document never
 * exists as one string (nor as one object tree, when the caller emits it piece by piece with
 * `raw`). Bytes rather than a growing string: concatenating hundreds of thousands of small pieces
 * kept the garbage collector busy for a sixth of `mwb inspect --json`; callers hand it a piece per
 * value or per box (not per token), so the encoding is a few thousand native calls. Node only
 * (Buffer): it is the CLI's output path.
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

  /** The buffer has reached the size at which it should go to the sink (`flush`). */
  get full(): boolean {
    return this.out.length >= this.highWater;
  }

  /** Hand the buffer to the sink when it is big enough (awaiting the sink's back-pressure). */
  async maybeFlush(): Promise<void> {
    if (this.full) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.out.length) return;
    // The sink may keep the chunk (a stream's queue): hand it its own copy of the bytes.
    const chunk = Buffer.from(this.out.bytes.subarray(0, this.out.length));
    this.out.length = 0;
    await this.sink(chunk);
  }

  /** The indentation of `level` (two spaces a level), for callers laying out text themselves. */
  indent(level: number): string {
    return indent(level);
  }

  private append(value: unknown, level: number): void {
    // V8's own serializer: the text is JSON.stringify's by definition, and native code is several
    // times faster than walking the value here. Nested at `level`, each line break gains the
    // indentation of `level` (string values never hold a raw line break: JSON escapes it).
    const text = JSON.stringify(value, null, 2) as string | undefined;
    if (text === undefined) this.w('null');
    else this.w(level && text.includes('\n') ? text.replaceAll('\n', '\n' + indent(level)) : text);
  }
}
