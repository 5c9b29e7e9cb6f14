/** JSON views of the engine's values: typed arrays become arrays, bytes become hex. */
import type { JsonWriter } from '../json-writer';
import type { BoxError, BoxNode, FieldValue, SkipReason } from './types';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonOptions {
  /** Arrays longer than this become `{ truncated: true, length, head: [...] }`. Default: no limit. */
  maxArray?: number;
  /** Byte strings longer than this become `{ truncated: true, length, head: "hex…" }`. Default: no limit. */
  maxBytes?: number;
}

/** A box as JSON (the `mwb inspect --json` shape). */
export interface BoxJson {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
  path: string;
  sizeMode?: 'large' | 'to-end';
  uuid?: string;
  version?: number;
  flags?: number;
  fields: { [key: string]: JsonValue };
  derived?: { [key: string]: JsonValue };
  children?: BoxJson[];
  error?: BoxError;
  decodeError?: string;
  skipped?: SkipReason;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** One decoded value → JSON. */
export function toJsonValue(value: FieldValue, options: JsonOptions = {}): JsonValue {
  const maxArray = options.maxArray ?? Infinity;
  const maxBytes = options.maxBytes ?? Infinity;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Uint8Array) {
    if (value.length > maxBytes) return { truncated: true, length: value.length, head: hex(value.subarray(0, maxBytes)) };
    return hex(value);
  }
  if (ArrayBuffer.isView(value)) {
    const arr = value as unknown as ArrayLike<number>;
    const n = Math.min(arr.length, maxArray);
    const head: number[] = new Array(n);
    for (let i = 0; i < n; i++) head[i] = arr[i]!;
    return arr.length > maxArray ? { truncated: true, length: arr.length, head } : head;
  }
  if (Array.isArray(value)) {
    const n = Math.min(value.length, maxArray);
    const head: JsonValue[] = new Array(n);
    for (let i = 0; i < n; i++) head[i] = toJsonValue(value[i]!, options);
    return value.length > maxArray ? { truncated: true, length: value.length, head } : head;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, options);
  return out;
}

export function fieldsToJson(fields: Record<string, FieldValue>, options: JsonOptions = {}): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(fields)) out[k] = toJsonValue(v, options);
  return out;
}

/** A node without its children, as JSON. */
export function boxHeaderJson(node: BoxNode, options: JsonOptions = {}): BoxJson {
  const out: BoxJson = {
    type: node.type,
    offset: node.offset,
    size: node.size,
    headerSize: node.headerSize,
    path: node.path,
    fields: fieldsToJson(node.fields, options),
  };
  if (node.sizeMode) out.sizeMode = node.sizeMode;
  if (node.uuid !== undefined) out.uuid = node.uuid;
  if (node.version !== undefined) out.version = node.version;
  if (node.flags !== undefined) out.flags = node.flags;
  if (node.derived) out.derived = fieldsToJson(node.derived, options);
  if (node.error) out.error = { ...node.error };
  if (node.decodeError) out.decodeError = node.decodeError;
  if (node.skipped) out.skipped = node.skipped;
  return out;
}

/** A tree as JSON, down to `maxDepth` levels (children beyond it are left out). */
export function boxesToJson(nodes: BoxNode[], options: JsonOptions & { maxDepth?: number } = {}, depth = 0): BoxJson[] {
  const maxDepth = options.maxDepth ?? Infinity;
  return nodes.map((node) => {
    const out = boxHeaderJson(node, options);
    if (node.children && depth + 1 <= maxDepth) out.children = boxesToJson(node.children, options, depth + 1);
    return out;
  });
}

/**
 * `boxesToJson(nodes, options)` written into `out` at indentation `level`, one box at a time: the
 * same text as `JSON.stringify(boxesToJson(…), null, 2)` nested there, without building the tree
 * of JSON objects first (`mwb inspect --json` of a 2 GB fMP4 prints megabytes of it). Each box's
 * own keys are laid out here as one string (numbers, strings, typed arrays joined natively); any
 * other value goes through `toJsonValue` and V8's `JSON.stringify`, so the text cannot drift from
 * `boxesToJson`'s. The writer's buffer goes to its sink between top-level boxes, once it is full:
 * a box's subtree is written synchronously (an `await` per box cost about a tenth of the writing).
 */
export async function writeBoxesJson(out: JsonWriter, nodes: BoxNode[], level: number, options: JsonOptions & { maxDepth?: number } = {}): Promise<void> {
  if (!nodes.length) {
    out.raw('[]');
    return;
  }
  const opts = { limited: options.maxArray !== undefined || options.maxBytes !== undefined, maxDepth: options.maxDepth ?? Infinity, options };
  out.raw('[');
  for (let i = 0; i < nodes.length; i++) {
    writeBox(out, nodes[i]!, i, level, 0, opts);
    if (out.full) await out.flush();
  }
  out.newline(level).raw(']');
}

/** The `i`th box of a list at `level` (its separator first), with its subtree. */
function writeBox(out: JsonWriter, node: BoxNode, i: number, level: number, depth: number, opts: { limited: boolean; maxDepth: number; options: JsonOptions }): void {
  const withChildren = node.children !== undefined && depth + 1 <= opts.maxDepth;
  const head = i ? ',\n' + out.indent(level + 1) : '\n' + out.indent(level + 1);
  if (opts.limited) {
    // Truncated values: the generic path (boxHeaderJson applies the limits).
    out.raw(head);
    const header = boxHeaderJson(node, opts.options);
    if (!withChildren) out.value(header, level + 1);
    else {
      out.raw('{');
      for (const [k, v] of Object.entries(header)) out.newline(level + 2).key(k).value(v, level + 2).raw(',');
    }
  } else {
    out.raw(head + boxText(out, node, level + 1, withChildren));
  }
  if (!withChildren) return;
  out.newline(level + 2).key('children');
  const children = node.children!;
  if (!children.length) out.raw('[]');
  else {
    out.raw('[');
    for (let j = 0; j < children.length; j++) writeBox(out, children[j]!, j, level + 2, depth + 1, opts);
    out.newline(level + 2).raw(']');
  }
  out.newline(level + 1).raw('}');
}

/**
 * A box's keys in `boxHeaderJson`'s order, as `JSON.stringify` prints them nested at `level`:
 * the whole object, or (`open`) up to the comma before `children`.
 */
function boxText(out: JsonWriter, node: BoxNode, level: number, open: boolean): string {
  const nl = '\n' + out.indent(level + 1);
  let t = '{' + nl + '"type": ' + JSON.stringify(node.type) + ',' + nl + '"offset": ' + numberText(node.offset) + ',' + nl + '"size": ' + numberText(node.size);
  t += ',' + nl + '"headerSize": ' + numberText(node.headerSize) + ',' + nl + '"path": ' + JSON.stringify(node.path) + ',' + nl + '"fields": ' + fieldsText(out, node.fields, level + 1);
  if (node.sizeMode) t += ',' + nl + '"sizeMode": ' + JSON.stringify(node.sizeMode);
  if (node.uuid !== undefined) t += ',' + nl + '"uuid": ' + JSON.stringify(node.uuid);
  if (node.version !== undefined) t += ',' + nl + '"version": ' + numberText(node.version);
  if (node.flags !== undefined) t += ',' + nl + '"flags": ' + numberText(node.flags);
  if (node.derived) t += ',' + nl + '"derived": ' + fieldsText(out, node.derived, level + 1);
  if (node.error) t += ',' + nl + '"error": ' + nestedJson(out, { ...node.error }, level + 1);
  if (node.decodeError) t += ',' + nl + '"decodeError": ' + JSON.stringify(node.decodeError);
  if (node.skipped) t += ',' + nl + '"skipped": ' + JSON.stringify(node.skipped);
  return open ? t + ',' : t + '\n' + out.indent(level) + '}';
}

function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function fieldsText(out: JsonWriter, fields: Record<string, FieldValue>, level: number): string {
  const nl = '\n' + out.indent(level + 1);
  let t = '';
  for (const k in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, k)) continue;
    t += (t ? ',' : '{') + nl + JSON.stringify(k) + ': ' + fieldText(out, fields[k]!, level + 1);
  }
  return t ? t + '\n' + out.indent(level) + '}' : '{}';
}

/** `JSON.stringify(toJsonValue(value), null, 2)` nested at `level`, the common kinds without copying. */
function fieldText(out: JsonWriter, value: FieldValue, level: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return numberText(value);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value instanceof Uint8Array) return '"' + hex(value) + '"';
  if (value instanceof Uint32Array || value instanceof Uint16Array || value instanceof Int32Array || value instanceof Int16Array) {
    // Integers only: the native join prints each as JSON does.
    if (!value.length) return '[]';
    const nl = '\n' + out.indent(level + 1);
    return '[' + nl + value.join(',' + nl) + '\n' + out.indent(level) + ']';
  }
  return nestedJson(out, toJsonValue(value), level);
}

function nestedJson(out: JsonWriter, value: JsonValue | BoxError, level: number): string {
  const text = JSON.stringify(value, null, 2);
  return text.includes('\n') ? text.replaceAll('\n', '\n' + out.indent(level)) : text;
}
