/**
 * Value-by-value comparison of decoded fields. Arrays are compared element by element; typed
 * arrays (sample tables can hold millions of entries) with one memcmp when equal, and a single pass
 * otherwise that keeps only the first few differing entries and a count.
 */
import { toJsonValue, type FieldValue, type JsonValue } from '../boxes';

/** Arrays up to this length are shown whole; longer ones as `{ length, differing, first }`. */
const SMALL_ARRAY = 16;
/** How many differing entries of a long array are listed. */
const FIRST_ENTRIES = 3;
/** Byte strings up to this length are shown whole (hex). */
const SMALL_BYTES = 64;

export interface ValueDiff {
  /** `sample_size`, `entries[0].media_time`, `esd.descs[0].maxBitrate`. */
  field: string;
  kind: 'added' | 'removed' | 'changed';
  a?: JsonValue;
  b?: JsonValue;
}

/** The typed arrays a decoded field can hold. */
type Typed = Extract<FieldValue, ArrayBufferView>;

export function isTyped(v: unknown): v is Typed {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function isEmpty(v: FieldValue | undefined): boolean {
  if (Array.isArray(v) || isTyped(v)) return (v as ArrayLike<unknown>).length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function isObject(v: FieldValue | undefined): v is { [key: string]: FieldValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTyped(v);
}

function bytesOf(v: Typed): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep equality of decoded values; typed arrays of the same kind compare as memory. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (isTyped(a) || isTyped(b)) {
    if (isTyped(a) && isTyped(b)) {
      if (a.constructor === b.constructor) return a.length === b.length && sameBytes(bytesOf(a), bytesOf(b));
      return sameNumbers(a as ArrayLike<number>, b as ArrayLike<number>);
    }
    const t = (isTyped(a) ? a : b) as ArrayLike<number>;
    const o = isTyped(a) ? b : a;
    return Array.isArray(o) && o.every((x) => typeof x === 'number') && sameNumbers(t, o as number[]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !sameValue(a[k], (b as Record<string, FieldValue>)[k])) return false;
  }
  return true;
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameNumber(a[i]!, b[i]!)) return false;
  return true;
}

function json(v: FieldValue): JsonValue {
  return toJsonValue(v, { maxArray: SMALL_ARRAY, maxBytes: SMALL_BYTES });
}

/** A value only one side has: long arrays as `{ length, first }` (the first entries). */
function whole(v: FieldValue): JsonValue {
  if ((Array.isArray(v) || isTyped(v)) && !(v instanceof Uint8Array) && (v as ArrayLike<FieldValue>).length > SMALL_ARRAY) {
    const list = v as ArrayLike<FieldValue>;
    const first: { [k: string]: JsonValue } = {};
    for (let i = 0; i < FIRST_ENTRIES; i++) first[i] = json(list[i]!);
    return { length: list.length, first };
  }
  return json(v);
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Element i of an array-like value, as a FieldValue. */
function at(v: ArrayLike<FieldValue> | Typed, i: number): FieldValue {
  return (v as ArrayLike<FieldValue>)[i]!;
}

function lengthOf(v: ArrayLike<unknown>): number {
  return v.length;
}

/** Two long (or typed) arrays: one entry naming the length, the count, and the first differences. */
function describeArrays(field: string, a: ArrayLike<FieldValue>, b: ArrayLike<FieldValue>, out: ValueDiff[]): void {
  const n = Math.min(a.length, b.length);
  let differing = Math.abs(a.length - b.length);
  const firstA: { [k: string]: JsonValue } = {};
  const firstB: { [k: string]: JsonValue } = {};
  let listed = 0;
  const simple = (x: FieldValue) => typeof x !== 'object' || x === null;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const same = simple(x) && simple(y) ? x === y || (typeof x === 'number' && typeof y === 'number' && sameNumber(x, y)) : sameValue(x, y);
    if (same) continue;
    differing++;
    if (listed < FIRST_ENTRIES) {
      firstA[i] = json(x);
      firstB[i] = json(y);
      listed++;
    }
  }
  // Entries only one side has, when the first differences did not fill the list.
  for (let i = n; listed < FIRST_ENTRIES && i < Math.max(a.length, b.length); i++, listed++) {
    if (i < a.length) firstA[i] = json(a[i]!);
    if (i < b.length) firstB[i] = json(b[i]!);
  }
  if (differing === 0) return;
  out.push({
    field,
    kind: 'changed',
    a: { length: a.length, differing, first: firstA },
    b: { length: b.length, differing, first: firstB },
  });
}

function describeBytes(field: string, a: Uint8Array, b: Uint8Array, out: ValueDiff[]): void {
  if (a.length <= SMALL_BYTES && b.length <= SMALL_BYTES) {
    out.push({ field, kind: 'changed', a: hex(a, 0, a.length), b: hex(b, 0, b.length) });
    return;
  }
  const n = Math.min(a.length, b.length);
  let first = -1;
  let differing = Math.abs(a.length - b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      differing++;
    }
  }
  if (first < 0) first = n;
  out.push({
    field,
    kind: 'changed',
    a: { length: a.length, differing, firstAt: first, bytes: hex(a, first, first + 16) },
    b: { length: b.length, differing, firstAt: first, bytes: hex(b, first, first + 16) },
  });
}

/**
 * Append the differences between two values of `field` to `out` (nothing when they are equal).
 * `undefined` means the field is absent on that side.
 */
export function diffValues(field: string, a: FieldValue | undefined, b: FieldValue | undefined, out: ValueDiff[]): void {
  if (a === undefined && b === undefined) return;
  // An empty list on one side and nothing on the other is the same (decoders differ in what they fill in).
  if ((a === undefined && isEmpty(b)) || (b === undefined && isEmpty(a))) return;
  if (a === undefined) {
    out.push({ field, kind: 'added', b: whole(b!) });
    return;
  }
  if (b === undefined) {
    out.push({ field, kind: 'removed', a: whole(a) });
    return;
  }
  if (sameValue(a, b)) return;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    describeBytes(field, a, b, out);
    return;
  }
  const arrayA = Array.isArray(a) || isTyped(a);
  const arrayB = Array.isArray(b) || isTyped(b);
  if (arrayA && arrayB) {
    const la = lengthOf(a as ArrayLike<unknown>);
    const lb = lengthOf(b as ArrayLike<unknown>);
    const objects = Array.isArray(a) && Array.isArray(b) && [...a.slice(0, 1), ...b.slice(0, 1)].some((x) => typeof x === 'object' && x !== null);
    if (objects && la <= SMALL_ARRAY && lb <= SMALL_ARRAY) {
      for (let i = 0; i < Math.max(la, lb); i++) {
        diffValues(`${field}[${i}]`, i < la ? at(a as FieldValue[], i) : undefined, i < lb ? at(b as FieldValue[], i) : undefined, out);
      }
      return;
    }
    if (!objects && la <= SMALL_ARRAY && lb <= SMALL_ARRAY) {
      out.push({ field, kind: 'changed', a: json(a), b: json(b) });
      return;
    }
    describeArrays(field, a as ArrayLike<FieldValue>, b as ArrayLike<FieldValue>, out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.prototype.hasOwnProperty.call(a, k))];
    for (const k of keys) {
      diffValues(`${field}.${k}`, Object.prototype.hasOwnProperty.call(a, k) ? a[k] : undefined, Object.prototype.hasOwnProperty.call(b, k) ? b[k] : undefined, out);
    }
    return;
  }
  out.push({ field, kind: 'changed', a: json(a), b: json(b) });
}
