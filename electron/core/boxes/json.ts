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
 * of JSON objects first (`mwb inspect --json` of a 2 GB fMP4 prints megabytes of it).
 */
export async function writeBoxesJson(out: JsonWriter, nodes: BoxNode[], level: number, options: JsonOptions & { maxDepth?: number } = {}, depth = 0): Promise<void> {
  if (!nodes.length) {
    out.raw('[]');
    return;
  }
  out.raw('[');
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (i) out.raw(',');
    out.newline(level + 1);
    const header = boxHeaderJson(node, options);
    const withChildren = node.children !== undefined && depth + 1 <= (options.maxDepth ?? Infinity);
    if (!withChildren) out.value(header, level + 1);
    else {
      // The header's keys, then `children` last, as boxesToJson adds it.
      out.raw('{');
      for (const [k, v] of Object.entries(header)) {
        if (v === undefined) continue;
        out.newline(level + 2).key(k).value(v, level + 2).raw(',');
      }
      out.newline(level + 2).key('children');
      await writeBoxesJson(out, node.children!, level + 2, options, depth + 1);
      out.newline(level + 1).raw('}');
    }
    await out.maybeFlush();
  }
  out.newline(level).raw(']');
}
