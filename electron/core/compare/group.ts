/**
 * Folding of repeated differences. A change made once in the muxer's settings shows up in every
 * fragment: 1000 `tfhd` boxes with the same new flags are one finding, reported once as
 * `moof[*]/traf[0]/tfhd` with the number of boxes and either the common values or the first few.
 */
import type { JsonValue } from '../boxes';
import type { Difference, ReportedDifference } from './types';

/** Top-level boxes that repeat once per fragment or segment. */
const REPEATED_TOP = /^(moof|mdat|styp|sidx|emsg|prft|free|skip|ssix|uuid)\[\d+\]/;
/** Differences shared by at least this many boxes are folded. */
export const FOLD_AT = 3;
const FIRST = 3;

export function patternOf(path: string): string {
  return path.replace(REPEATED_TOP, '$1[*]');
}

function sameJson(x: JsonValue | undefined, y: JsonValue | undefined): boolean {
  return JSON.stringify(x) === JSON.stringify(y);
}

function fold(list: Difference[], side: 'a' | 'b'): JsonValue {
  const values = list.map((d) => d[side]);
  if (values.every((v) => sameJson(v, values[0]))) return { boxes: list.length, value: values[0] ?? null };
  const first: { [path: string]: JsonValue } = {};
  for (const d of list.slice(0, FIRST)) first[side === 'b' && d.pathB ? d.pathB : d.path] = d[side] ?? null;
  const out: { [k: string]: JsonValue } = { boxes: list.length, first };
  if (side === 'b' && list.every((d) => typeof d.a === 'number' && typeof d.b === 'number')) {
    const delta = (list[0]!.b as number) - (list[0]!.a as number);
    if (list.every((d) => (d.b as number) - (d.a as number) === delta)) out.delta = delta;
  }
  return out;
}

/** Group differences for reporting, keeping the order of first appearance. */
export function foldDifferences(differences: Difference[]): ReportedDifference[] {
  const groups = new Map<string, Difference[]>();
  const keyOf = (d: Difference) => `${patternOf(d.path)}\u0000${d.kind}\u0000${d.field ?? ''}`;
  for (const d of differences) {
    const key = keyOf(d);
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  const out: ReportedDifference[] = [];
  const emitted = new Set<Difference[]>();
  for (const d of differences) {
    const list = groups.get(keyOf(d))!;
    if (list.length < FOLD_AT || patternOf(d.path) === d.path) {
      out.push(plain(d));
      continue;
    }
    // A folded group takes the place of its first member.
    if (emitted.has(list)) continue;
    emitted.add(list);
    const r: ReportedDifference = { path: patternOf(d.path), kind: d.kind };
    if (d.field !== undefined) r.field = d.field;
    if (list.some((x) => x.a !== undefined)) r.a = fold(list, 'a');
    if (list.some((x) => x.b !== undefined)) r.b = fold(list, 'b');
    out.push(r);
  }
  return out;
}

function plain(d: Difference): ReportedDifference {
  const r: ReportedDifference = { path: d.path, kind: d.kind };
  if (d.field !== undefined) r.field = d.field;
  if (d.a !== undefined) r.a = d.a;
  if (d.b !== undefined) r.b = d.b;
  return r;
}
