/** Plain-text views of the engine's results (mp4dump-like tree, track summary, sample table). */
import { boxName } from './names';
import type { BoxNode, FieldValue, SampleRow, TrackInfo } from './types';
import { flagNames, hexFlags } from './vocabulary';

export interface TextOptions {
  /** Levels of boxes to show (1 = top level only). Default: all. */
  depth?: number;
  /** Array entries shown before "…". Default 8. */
  maxEntries?: number;
}

function hex(bytes: Uint8Array, max: number): string {
  let s = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > max ? `${s}… (${bytes.length} bytes)` : s;
}

/** One field value on one line. */
export function formatValue(value: FieldValue, maxEntries = 8): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return value.length ? `0x${hex(value, 32)}` : '(empty)';
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const list = value as ArrayLike<FieldValue>;
    const shown: string[] = [];
    for (let i = 0; i < Math.min(list.length, maxEntries); i++) shown.push(formatValue(list[i]!, 4));
    const more = list.length > maxEntries ? `, … (${list.length} entries)` : '';
    return `[${shown.join(', ')}${more}]`;
  }
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `0x${hex(v, 16)}` : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** An indented tree like Bento4's mp4dump: `[type] size=header+payload`, then the fields. */
export function* formatTree(nodes: BoxNode[], options: TextOptions = {}, level = 0, parentType?: string): Generator<string> {
  const maxDepth = options.depth ?? Infinity;
  const pad = '  '.repeat(level);
  for (const n of nodes) {
    const name = boxName(n.type, parentType);
    const parts = [`${pad}[${printable(n.type)}] size=${n.headerSize}+${Math.max(0, n.size - n.headerSize)} @${n.offset}`];
    if (n.version !== undefined) {
      const names = flagNames(n.type, n.flags ?? 0);
      parts.push(`version=${n.version} flags=${hexFlags(n.flags ?? 0)}${names.length ? ` [${names.join(', ')}]` : ''}`);
    }
    if (name) parts.push(`(${name})`);
    yield parts.join(' ');
    const inner = `${pad}  `;
    if (n.error) yield `${inner}! ${n.error.rule}: ${n.error.message}`;
    if (n.uuid) yield `${inner}uuid = ${n.uuid}`;
    for (const [k, v] of Object.entries(n.fields)) yield `${inner}${k} = ${formatValue(v, options.maxEntries)}`;
    if (n.derived) for (const [k, v] of Object.entries(n.derived)) yield `${inner}${k} (derived) = ${formatValue(v, options.maxEntries)}`;
    if (n.decodeError) yield `${inner}! fields not fully decoded: ${n.decodeError}`;
    if (n.skipped && n.skipped !== 'payload') yield `${inner}(children not read: ${skipText(n.skipped)})`;
    if (n.children && level + 1 < maxDepth) yield* formatTree(n.children, options, level + 1, n.type);
    else if (n.children?.length) yield `${inner}(${n.children.length} child boxes not shown)`;
  }
}

function skipText(reason: NonNullable<BoxNode['skipped']>): string {
  switch (reason) {
    case 'depth':
      return 'nested deeper than the depth limit';
    case 'too-large':
      return 'box too large to decode';
    case 'node-limit':
      return 'the tree reached its node limit';
    default:
      return 'payload';
  }
}

/** Non-printable type bytes as `\xNN`, so a garbage header does not garble the terminal. */
export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e\xa9]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function formatTracks(tracks: TrackInfo[]): string[] {
  if (!tracks.length) return ['Tracks: none'];
  const lines = ['Tracks:'];
  for (const t of tracks) {
    const what = [t.kind, t.codec ?? t.sampleEntry ?? '?'];
    if (t.width && t.height) what.push(`${t.width}x${t.height}`);
    if (t.channelCount !== undefined && t.kind === 'audio') what.push(`${t.channelCount} ch`, `${t.sampleRate ?? '?'} Hz`);
    if (t.timecode?.start) what.push(`starts ${t.timecode.start}`);
    const detail = [
      `${t.sampleCount} samples`,
      `${t.durationSeconds.toFixed(3)} s`,
      `timescale ${t.timescale}`,
      t.bitrate ? `${(t.bitrate / 1000).toFixed(0)} kbit/s` : '',
      t.fragmented ? `${t.fragmentCount} fragments` : '',
      t.language && t.language !== 'und' ? t.language : '',
    ].filter(Boolean);
    lines.push(`  #${t.id} ${what.join(' ')} — ${detail.join(', ')}`);
  }
  return lines;
}

export function* formatSamples(rows: Iterable<SampleRow>): Generator<string> {
  yield ['index', 'dts', 'cts', 'duration', 'size', 'offset', 'sync', 'fragment'].map((h, i) => (i ? h.padStart(12) : h.padStart(8))).join('');
  for (const r of rows) {
    yield [
      String(r.index).padStart(8),
      String(r.dts).padStart(12),
      String(r.cts).padStart(12),
      String(r.duration).padStart(12),
      String(r.size).padStart(12),
      String(r.offset).padStart(12),
      (r.isSync ? 'K' : '-').padStart(12),
      (r.fragment >= 0 ? String(r.fragment) : '-').padStart(12),
    ].join('');
  }
}
