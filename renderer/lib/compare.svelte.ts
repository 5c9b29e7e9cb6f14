/**
 * State of the Compare view, kept at module level so that a comparison survives switching to
 * another section and back: the picked files, the result, the tree's collapsed rows, the
 * selection and its field table.
 */
import type { CompareView } from '../../electron/api';
import type { CompareRow, FieldComparison } from '../../electron/core/compare/types';
import { client, ClientError } from './client';
import { messageOf, notify } from './workspace.svelte';

export interface Picks {
  a: string;
  b: string;
  initA: string;
  initB: string;
}

class CompareState {
  picks = $state<Picks>({ a: '', b: '', initA: '', initB: '' });
  includeVolatile = $state(false);
  /** Show only rows that differ (and their ancestors). */
  onlyDifferences = $state(false);
  running = $state(false);
  /** The result: big (thousands of rows) and never mutated, so not deeply reactive. */
  view = $state.raw<CompareView | null>(null);
  /** Rows whose children are hidden (replaced, never mutated). */
  collapsed = $state.raw(new Set<number>());
  selected = $state(-1);
  fields = $state.raw<FieldComparison | null>(null);
  fieldsLoading = $state(false);
  /** Shared scroll position of the two trees (px). */
  scrollTop = $state(0);
}

export const compare = new CompareState();

/** A row that is itself a difference the navigation stops at. */
export function differs(row: CompareRow): boolean {
  return row.changes > 0;
}

/** Rows collapsed at first: subtrees in which nothing differs, so the differences stand out. */
function initialCollapse(rows: CompareRow[]): Set<number> {
  const out = new Set<number>();
  rows.forEach((r, i) => {
    const children = Math.max(r.a?.children ?? 0, r.b?.children ?? 0);
    if (children > 0 && r.inner === 0 && (r.depth > 0 || rows.length > 400)) out.add(i);
  });
  return out;
}

export async function runCompare(): Promise<void> {
  const { a, b, initA, initB } = compare.picks;
  if (!a || !b || compare.running) return;
  compare.running = true;
  const previous = compare.view?.session;
  try {
    const view = await client.call('compareFiles', {
      a,
      b,
      ...(initA ? { initA } : {}),
      ...(initB ? { initB } : {}),
      includeVolatile: compare.includeVolatile,
    });
    compare.view = view;
    compare.collapsed = initialCollapse(view.rows);
    compare.scrollTop = 0;
    compare.fields = null;
    compare.selected = -1;
    const first = view.rows.findIndex(differs);
    if (first >= 0) select(first);
    else if (view.rows.length) select(0);
    if (previous) client.call('compareClose', { session: previous }).catch(() => {});
  } catch (err) {
    notify('error', messageOf(err));
  } finally {
    compare.running = false;
  }
}

let fieldsRequest = 0;

export async function select(row: number): Promise<void> {
  const view = compare.view;
  if (!view || row < 0 || row >= view.rows.length) return;
  compare.selected = row;
  revealRow(row);
  const ticket = ++fieldsRequest;
  compare.fieldsLoading = true;
  try {
    const fields = await client.call('compareFields', { session: view.session, row });
    if (ticket === fieldsRequest) compare.fields = fields;
  } catch (err) {
    if (ticket !== fieldsRequest) return;
    if (err instanceof ClientError && err.code === 'ENOCOMPARISON') {
      // The server forgot this comparison (it keeps only a few): compare again, same selection.
      await runCompare();
      return;
    }
    notify('error', messageOf(err));
  } finally {
    if (ticket === fieldsRequest) compare.fieldsLoading = false;
  }
}

/** Expand every collapsed ancestor of a row so it can be shown. */
export function revealRow(row: number): void {
  const rows = compare.view?.rows;
  if (!rows) return;
  let changed = false;
  const next = new Set(compare.collapsed);
  for (let p = rows[row]?.parent ?? -1; p >= 0; p = rows[p]!.parent) {
    if (next.delete(p)) changed = true;
  }
  if (changed) compare.collapsed = next;
}

export function toggleRow(row: number, open?: boolean): void {
  const next = new Set(compare.collapsed);
  const isOpen = !next.has(row);
  if (open ?? !isOpen) next.delete(row);
  else next.add(row);
  compare.collapsed = next;
}

/** The next (or previous) differing row after (before) the selection, wrapping around. */
export function stepDifference(direction: 1 | -1): void {
  const rows = compare.view?.rows;
  if (!rows?.length) return;
  const n = rows.length;
  for (let k = 1; k <= n; k++) {
    const i = (((compare.selected + direction * k) % n) + n) % n;
    if (differs(rows[i]!)) {
      void select(i);
      return;
    }
  }
}

/** Visible rows, in order: children of collapsed rows hidden, and with the filter only rows that differ and their ancestors. */
export function visibleRows(rows: CompareRow[], collapsed: Set<number>, onlyDifferences: boolean): number[] {
  const out: number[] = [];
  let hideDeeperThan = Infinity;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.depth > hideDeeperThan) continue;
    hideDeeperThan = Infinity;
    if (onlyDifferences && !differs(r) && r.inner === 0 && r.status === 'same') {
      hideDeeperThan = r.depth;
      continue;
    }
    out.push(i);
    if (collapsed.has(i)) hideDeeperThan = r.depth;
  }
  return out;
}

/** Two files opened together (dropped or chosen at once) become the pair to compare, in their order. */
export function pickPair(files: { id: string }[]): void {
  if (files.length !== 2) return;
  compare.picks = { a: files[0]!.id, b: files[1]!.id, initA: '', initB: '' };
}
