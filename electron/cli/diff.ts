import { type CompareResult, type JsonValue, type ReportedDifference, type SideInput } from '../core/compare';
import { compareFiles } from '../core/compare/files';
import { errorCode, errorMessage } from '../core/errors';
import { CliError, EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { OPTIONS, diffHelp } from './help/diff';


/** Compact text of a JSON value (an array described as `{ length, first }` in words). */
function text(v: JsonValue | undefined): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.length === 'number' && isObject(v.first) && v.differing === undefined) {
    return `${v.length} entries: ${Object.entries(v.first).map(([i, x]) => `[${i}] ${text(x)}`).join(', ')}, …`;
  }
  return JSON.stringify(v);
}

function isObject(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `a → b` for one field, in words for the value shapes the engine produces (arrays, folded boxes). */
function change(d: ReportedDifference): string {
  const { a, b } = d;
  if (isObject(a) && isObject(b) && typeof a.boxes === 'number') {
    if ('value' in a && 'value' in b) return `${describePair(a.value, b.value)}`;
    const firstA = isObject(a.first) ? a.first : {};
    const firstB = isObject(b.first) ? b.first : {};
    const paths = [...new Set([...Object.keys(firstA), ...Object.keys(firstB)])];
    const examples = paths.map((p) => `${p}: ${describePair(firstA[p], firstB[p])}`).join('; ');
    const delta = typeof b.delta === 'number' ? ` (b = a ${b.delta >= 0 ? '+' : '−'} ${Math.abs(b.delta)} in every box)` : '';
    return `e.g. ${examples}${delta}`;
  }
  if (d.kind === 'added') return `added: ${text(b)}`;
  if (d.kind === 'removed') return `removed: ${text(a)}`;
  return describePair(a, b);
}

function describePair(a: JsonValue | undefined, b: JsonValue | undefined): string {
  if (isObject(a) && isObject(b) && typeof a.length === 'number' && typeof a.differing === 'number' && isObject(a.first) && isObject(b.first)) {
    const fa = a.first;
    const fb = b.first;
    const idx = [...new Set([...Object.keys(fa), ...Object.keys(fb)])];
    const lengths = a.length === b.length ? `of ${a.length}` : `(${a.length} → ${b.length} entries)`;
    return `${a.differing} ${lengths} differ: ${idx.map((i) => `[${i}] ${text(fa[i])} → ${text(fb[i])}`).join(', ')}${a.differing > idx.length ? ', …' : ''}`;
  }
  if (isObject(a) && isObject(b) && typeof a.firstAt === 'number') {
    return `${a.differing} of ${a.length} bytes differ from byte ${a.firstAt}: ${text(a.bytes)}… → ${text(b.bytes)}…`;
  }
  return `${text(a)} → ${text(b)}`;
}

/** The common value of a folded group (`{ boxes, value }`), or the value itself. */
function unfold(v: JsonValue | undefined): JsonValue | undefined {
  return isObject(v) && typeof v.boxes === 'number' && 'value' in v ? v.value : v;
}

function boxesNote(d: ReportedDifference): string {
  const v = d.a ?? d.b;
  return isObject(v) && typeof v.boxes === 'number' ? `  (${v.boxes} boxes)` : '';
}

function human(result: CompareResult, includeVolatile: boolean): string {
  const lines: string[] = [];
  const side = (label: string, s: CompareResult['a']) => `${label}  ${s.file}${s.init ? `  (init: ${s.init})` : ''}`;
  lines.push(side('a', result.a), side('b', result.b), '');
  const summary = result.summary.filter((s) => !s.same);
  if (!summary.length && !result.reported.length) {
    lines.push('No differences that matter: the files are the same after the default ignores.');
  } else {
    lines.push(summary.length ? `Playback summary: ${summary.length} ${summary.length === 1 ? 'difference' : 'differences'}` : 'Playback summary: no difference');
    for (const s of summary) {
      lines.push(`  ${s.topic}${s.rule ? `  [${s.rule}]` : ''}`, `      a: ${s.a}`, `      b: ${s.b}`);
    }
    lines.push('');
    const byPath = new Map<string, ReportedDifference[]>();
    for (const d of result.reported) {
      const list = byPath.get(d.path) ?? [];
      list.push(d);
      byPath.set(d.path, list);
    }
    if (result.reported.length) lines.push(`Differences: ${result.reported.length} in ${byPath.size} ${byPath.size === 1 ? 'box' : 'boxes'}${result.differencesTruncated ? ' (list truncated)' : ''}`);
    const width = Math.min(34, Math.max(8, ...result.reported.map((d) => (d.field ?? '').length)));
    for (const [path, list] of byPath) {
      const boxOnly = list.find((d) => d.field === undefined);
      if (boxOnly) {
        lines.push(`  ${path}  ${boxOnly.kind}${boxesNote(boxOnly)}`);
      } else {
        lines.push(`  ${path}${boxesNote(list[0]!)}`);
      }
      for (const d of list) {
        if (d.field === undefined) continue;
        lines.push(`      ${d.field.padEnd(width)}  ${d.kind === 'changed' ? change(d) : `${d.kind}: ${text(unfold(d.kind === 'added' ? d.b : d.a))}`}`);
      }
    }
  }
  const { volatile, position } = result.ignored;
  if (volatile || position) {
    const parts = [];
    if (volatile) parts.push(`${volatile} volatile (creation times, encoder and handler names, padding, fragment numbering)`);
    if (position) parts.push(`${position} offsets that only moved with the data`);
    lines.push('', includeVolatile ? `Included though normally ignored: ${parts.join('; ')}.` : `Ignored: ${parts.join('; ')}. --include-volatile lists them.`);
  }
  return lines.join('\n') + '\n';
}


export const diffVerb: Verb = {
  ...diffHelp,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('diff', argv, OPTIONS);
    if (positionals.length !== 2) throw new UsageError(`mwb diff: give exactly two files to compare (got ${positionals.length}).`);
    if (values.init && (values['init-a'] || values['init-b'])) throw new UsageError('mwb diff: use --init for both files, or --init-a/--init-b, not both.');
    const initA = values['init-a'] ?? values.init;
    const initB = values['init-b'] ?? values.init;
    const a: SideInput = { file: positionals[0]!, ...(initA ? { init: initA } : {}) };
    const b: SideInput = { file: positionals[1]!, ...(initB ? { init: initB } : {}) };
    const includeVolatile = values['include-volatile'] ?? false;
    let result: CompareResult;
    try {
      result = (await compareFiles(a, b, { includeVolatile })).result;
    } catch (err) {
      // An unreadable or non-MP4 input is an error (2), distinct from "the files differ" (1).
      throw new CliError(errorCode(err), errorMessage(err), EXIT.usage);
    }
    if (values.json) {
      printJson({
        a: a.file,
        b: b.file,
        summary: result.summary.filter((s) => !s.same).map((s) => ({ topic: s.topic, a: s.a, b: s.b, ...(s.rule ? { rule: s.rule } : {}) })),
        differences: result.reported,
      });
    } else {
      process.stdout.write(human(result, includeVolatile));
    }
    return result.identical ? EXIT.ok : EXIT.failure;
  },
};
