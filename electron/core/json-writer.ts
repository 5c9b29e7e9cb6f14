/**
 * Pretty JSON written as it is produced: the same text as `JSON.stringify(value, null, 2)`, but
 * appended to a buffer that is handed to `sink` every ~64 KB, so a 10 MB document never exists as
 * one string (nor as one object tree, when the caller emits it piece by piece with `raw`).
 */
export type JsonSink = (chunk: string) => void | Promise<void>;

const INDENTS: string[] = [''];
function indent(level: number): string {
  while (INDENTS.length <= level) INDENTS.push(INDENTS[INDENTS.length - 1]! + '  ');
  return INDENTS[level]!;
}

export class JsonWriter {
  private buffer = '';

  constructor(
    private readonly sink: JsonSink,
    private readonly highWater = 64 * 1024,
  ) {}

  /** Text as is (brackets, keys, separators the caller lays out itself). */
  raw(text: string): this {
    this.buffer += text;
    return this;
  }

  /** Newline and the indentation of `level`. */
  newline(level: number): this {
    this.buffer += '\n' + indent(level);
    return this;
  }

  /** `"key": ` */
  key(name: string): this {
    this.buffer += JSON.stringify(name) + ': ';
    return this;
  }

  /** A value as `JSON.stringify(value, null, 2)` would print it when nested at `level`. */
  value(value: unknown, level: number): this {
    this.append(value, level);
    return this;
  }

  /** Hand the buffer to the sink when it is big enough (awaiting the sink's back-pressure). */
  async maybeFlush(): Promise<void> {
    if (this.buffer.length >= this.highWater) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    await this.sink(chunk);
  }

  private append(value: unknown, level: number): void {
    if (value === null) {
      this.buffer += 'null';
      return;
    }
    switch (typeof value) {
      case 'string':
        this.buffer += JSON.stringify(value);
        return;
      case 'number':
        this.buffer += Number.isFinite(value) ? String(value) : 'null';
        return;
      case 'boolean':
        this.buffer += value ? 'true' : 'false';
        return;
      case 'object':
        break;
      default:
        // undefined, functions, symbols, bigint: what JSON.stringify does with them is the caller's
        // problem; as array items they print as null, as object values they are skipped (below).
        if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
        this.buffer += 'null';
        return;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      this.append((toJSON as () => unknown).call(value), level);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.buffer += '[]';
        return;
      }
      const inner = '\n' + indent(level + 1);
      this.buffer += '[';
      for (let i = 0; i < value.length; i++) {
        this.buffer += i ? ',' + inner : inner;
        this.append(value[i], level + 1);
      }
      this.buffer += '\n' + indent(level) + ']';
      return;
    }
    const inner = '\n' + indent(level + 1);
    let first = true;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      this.buffer += (first ? '{' : ',') + inner + JSON.stringify(k) + ': ';
      first = false;
      this.append(v, level + 1);
    }
    this.buffer += first ? '{}' : '\n' + indent(level) + '}';
  }
}
