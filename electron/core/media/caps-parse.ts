/**
 * Parsers for the listings `ffmpeg -encoders/-decoders/-muxers/-demuxers/-filters/-hwaccels` print.
 * Pure functions over text, so they are tested on real ffmpeg output.
 */
import type { CodecEntry, FilterEntry, FormatEntry } from './caps-types';

const kindByFlag: Record<string, CodecEntry['kind']> = {
  V: 'video',
  A: 'audio',
  S: 'subtitle',
  D: 'data',
  T: 'attachment',
};

/** `-encoders` / `-decoders`: a legend, a ` ------` rule, then ` V....D name   description`. */
export function parseCodecList(text: string): CodecEntry[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*-{4,}\s*$/.test(l));
  const out: CodecEntry[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s([A-Z.])([A-Z.]{5})\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    out.push({
      name: m[3]!,
      kind: kindByFlag[m[1]!] ?? 'unknown',
      description: m[4]!.trim(),
      experimental: m[2]![2] === 'X',
    });
  }
  return out;
}

/** `-muxers` / `-demuxers` / `-formats`: ` --` rule, then ` DE name   description` (flags may be blank). */
export function parseFormatList(text: string): FormatEntry[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*--\s*$/.test(l));
  const out: FormatEntry[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s([D ])([E ])(d?)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    out.push({ name: m[4]!, description: m[5]!.trim(), demux: m[1] === 'D', mux: m[2] === 'E' });
  }
  return out;
}

/** `-filters`: ` TSC name   A->A   description`. */
export function parseFilterList(text: string): FilterEntry[] {
  const out: FilterEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s([T.])([S.])([C.])\s+(\S+)\s+(\S*->\S*)\s+(.*)$/.exec(line);
    if (!m) continue;
    out.push({ name: m[4]!, io: m[5]!, description: m[6]!.trim() });
  }
  return out;
}

/** `-hwaccels`: a heading, then one method a line. */
export function parseHwaccels(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/:$/.test(l) && /^[a-z0-9_]+$/.test(l));
}

/** First line of `-version`: `ffmpeg version 5.1.9-0+deb12u1 Copyright ...` → `5.1.9-0+deb12u1`. */
export function parseVersion(text: string): { version: string; configuration: string } {
  const first = /version\s+(\S+)/.exec(text);
  const conf = /^configuration:\s*(.*)$/m.exec(text);
  return { version: first?.[1] ?? 'unknown', configuration: conf?.[1]?.trim() ?? '' };
}
