/**
 * The verbs of `mwb`: what `--help` lists, and how to load each one. Only this table (and the help
 * formatting below, plain text) is read at start; a verb's module (and the engine, zod, mp4box.js…
 * behind it) is imported when that verb runs, so `mwb --version` or `mwb lint` do not pay for
 * `transcode`'s imports. A verb's help (options, examples, exit codes: issue #17) is a small module of
 * its own, `help/<verb>.ts`, which spreads its entry here (`...verbInfo('lint')`), so name, summary
 * and usage are written once; `mwb <verb> --help` loads that module, not the verb's.
 */
import type { Verb } from './common';
import { EXIT_MEANINGS } from './exit';

/** One option: node's parseArgs fields plus what the help says about it. */
export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in help (`N`, `SECONDS`, `FILE`). */
  value?: string;
  /** One or two sentences: what it does, units, accepted values, default. */
  help: string;
  /** A unit written after a space (`--max-size 10 MB`) is joined to the value when it matches. */
  unit?: RegExp;
  /** Hidden aliases (e.g. `colors` for `colours`) are parsed but not listed. */
  hidden?: boolean;
}

export type Options = Record<string, OptionSpec>;

/** What `mwb <verb> --help` prints: the table's name, summary and usage, and the verb's own help. */
export interface VerbHelp {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments and what they are. */
  args?: [string, string][];
  options: Options;
  /** Two (or more) example command lines, each with an optional comment. */
  examples: [string, string?][];
  /** What exit code 1 means for this verb (it never occurs when absent), and other codes it uses. */
  exits: { 1?: string; extra?: [number, string][] };
}

export interface VerbInfo {
  name: string;
  summary: string;
  usage: string;
  /** The verb's module, for running it. */
  load(): Promise<Verb>;
  /** Its help alone (options, examples, exit codes), without the engine the verb runs on. */
  help(): Promise<VerbHelp>;
}

export const VERBS: VerbInfo[] = [
  {
    name: 'caps',
    summary: 'which ffmpeg/ffprobe are used, and what they can encode, decode, mux and demux',
    usage: 'mwb caps [--json]',
    load: async () => (await import('./caps')).capsVerb,
    help: async () => (await import('./help/caps')).capsHelp,
  },
  {
    name: 'inspect',
    summary: 'every box of an MP4/MOV/fMP4/CMAF file with decoded fields, its tracks and sample tables',
    usage: 'mwb inspect <file|http(s)://…> [--json] [--samples <trackId>] [--depth N]',
    load: async () => (await import('./inspect')).inspectVerb,
    help: async () => (await import('./help/inspect')).inspectHelp,
  },
  {
    name: 'diff',
    summary: 'compare two MP4/fMP4 files or segments: playback summary, then box differences (exit 1 when they differ)',
    usage: 'mwb diff <a> <b> [--json] [--include-volatile] [--init FILE | --init-a FILE --init-b FILE]',
    load: async () => (await import('./diff')).diffVerb,
    help: async () => (await import('./help/diff')).diffHelp,
  },
  {
    name: 'lint',
    summary: 'check an fMP4, init + media segments, or an HLS/DASH manifest against the MSE rules',
    usage: 'mwb lint <file-or-manifest|http(s)://…> [segments...] [--json] [--live-wait SECONDS]',
    load: async () => (await import('./lint')).lintVerb,
    help: async () => (await import('./help/lint')).lintHelp,
  },
  {
    name: 'probe',
    summary: "ffprobe's stream info and the workbench's RFC 6381 codec strings side by side",
    usage: 'mwb probe <file|http(s)://…> [--json]',
    load: async () => (await import('./probe')).probeVerb,
    help: async () => (await import('./help/probe')).probeHelp,
  },
  {
    name: 'gif',
    summary: 'export a looping GIF (trim, size budget, dither and palette options); beats gifski on quality per byte',
    usage: 'mwb gif <input> [output.gif] [--start s] [--end s | --duration s] [--fps N] [--width N] [--max-size SIZE]\n' +
      '          [--loop N] [--dither none|bayer|diffusion] [--bayer-scale 0-5] [--diffusion 0-1]\n' +
      '          [--palette scenes|global|diff|per-frame] [--colours N] [--quality 0-100] [--overwrite] [--json]',
    load: async () => (await import('./gif')).gifVerb,
    help: async () => (await import('./help/gif')).gifHelp,
  },
  {
    name: 'serve',
    summary: 'run the workbench in web mode on 127.0.0.1 (open the printed URL in any browser)',
    usage: 'mwb serve [files...] [--port N]',
    load: async () => (await import('./serve')).serveVerb,
    help: async () => (await import('./help/serve')).serveHelp,
  },
  {
    name: 'transcode',
    summary: 'transcode with a preset through the bundled ffmpeg (safe output, verified, Ctrl+C cancels cleanly)',
    usage: 'mwb transcode <input> <output> --preset <name> [--start s] [--duration s | --end s] [--width N] [--height N] ' +
      '[--fps N] [--crf N | --video-bitrate kbps] [--audio-bitrate kbps] [--speed ultrafast..slow] [--hw encoder] ' +
      '[--segment s] [--timecode HH:MM:SS:FF] [--prores-profile p] [--args "custom ffmpeg args"] [--allow-url-output] ' +
      '[--overwrite] [--progress json] [--dry-run] [--json]   (put -- before paths that begin with -)',
    load: async () => (await import('./transcode')).transcodeVerb,
    help: async () => (await import('./help/transcode')).transcodeHelp,
  },
  {
    name: 'record',
    summary: 'record a live rtsp(s)/http(s)/HLS URL to a fragmented MP4 that plays however it ends (Ctrl+C stops and keeps it)',
    usage:
      'mwb record <url> <out.mp4> [--duration s] [--mode auto|copy|reencode] [--rtsp-transport auto|tcp|udp] ' +
      '[--overwrite] [--progress json] [--dry-run] [--json]   (Ctrl+C stops and keeps the file; twice cancels)',
    load: async () => (await import('./record')).recordVerb,
    help: async () => (await import('./help/record')).recordHelp,
  },
  {
    name: 'presets',
    summary: 'the transcode presets, and which ones this ffmpeg can run',
    usage: 'mwb presets [--json]',
    load: async () => (await import('./presets')).presetsVerb,
    help: async () => (await import('./help/presets')).presetsHelp,
  },
];

/** A verb's name, summary and usage from the table, for its module's help. */
export function verbInfo(name: string): Pick<VerbInfo, 'name' | 'summary' | 'usage'> {
  const v = VERBS.find((x) => x.name === name);
  if (!v) throw new Error(`mwb: no verb "${name}" in cli/verbs.ts`);
  return { name: v.name, summary: v.summary, usage: v.usage };
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The known name closest to `wrong`, if it is close enough to be a typo (or a prefix of one). */
export function didYouMean(wrong: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const d = k.startsWith(wrong) || wrong.startsWith(k) ? Math.abs(k.length - wrong.length) * 0.5 : distance(wrong, k);
    if (d < bestScore) {
      bestScore = d;
      best = k;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(wrong.length / 3)) ? best : undefined;
}

// ---- help -------------------------------------------------------------------------------------

const WIDTH = 100;

/** Word-wrap `text` to `width`, indenting continuation lines by `indent` spaces. */
export function wrap(text: string, indent: number, width = WIDTH): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent + line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

/** Two aligned columns: left padded to the widest entry (capped), right wrapped. */
export function columns(rows: [string, string][], indent = 2, cap = 28): string[] {
  const left = Math.min(cap, Math.max(...rows.map(([l]) => l.length)));
  return rows.map(([l, r]) => {
    const pad = ' '.repeat(indent);
    if (l.length > left) return `${pad}${l}\n${' '.repeat(indent + left + 2)}${wrap(r, indent + left + 2)}`;
    return `${pad}${l.padEnd(left)}  ${wrap(r, indent + left + 2)}`;
  });
}

/** `mwb <verb> --help` and `mwb help <verb>`. */
export function verbHelp(verb: VerbHelp): string {
  const out: string[] = [`mwb ${verb.name} — ${verb.summary}`, '', 'Usage:', `  ${verb.usage.replace(/\n\s*/g, '\n    ')}`, ''];
  if (verb.args?.length) out.push('Arguments:', ...columns(verb.args), '');
  const opts: [string, string][] = Object.entries(verb.options)
    .filter(([, o]) => !o.hidden)
    .map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help]);
  opts.push(['-h, --help', 'Print this help and exit 0.']);
  out.push('Options:', ...columns(opts), '');
  out.push('Examples:');
  for (const [cmd, note] of verb.examples) out.push(`  ${cmd}`, ...(note ? [`      ${wrap(note, 6)}`] : []));
  out.push('', 'Exit codes:');
  const codes: [string, string][] = [['0', EXIT_MEANINGS[0]]];
  if (verb.exits[1]) codes.push(['1', verb.exits[1]]);
  codes.push(['2', EXIT_MEANINGS[2]]);
  for (const [c, m] of verb.exits.extra ?? []) codes.push([String(c), m]);
  out.push(...columns(codes), '');
  return out.join('\n') + '\n';
}
