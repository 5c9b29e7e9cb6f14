import path from 'node:path';
import { formatBytes, plural } from '../core/format';
import { exportGif } from '../core/gif/export';
import { GIF_DEFAULTS, GIF_DITHERS, GIF_LIMITS, GIF_PALETTE_MODES } from '../core/gif/gif-types';
import { gifOptionsSchema } from '../core/gif/options';
import { defaultGifPath } from '../core/gif/output';
import { runStandalone } from '../core/jobs/context';
import { EXIT, numeric, parseFlags, parseVerbArgs, printJson, UsageError, type Options, type Verb } from './common';

const USAGE =
  'mwb gif <input> [output.gif] [--start s] [--end s | --duration s] [--fps N] [--width N] [--max-size SIZE]\n' +
  '          [--loop N] [--dither none|bayer|diffusion] [--bayer-scale 0-5] [--diffusion 0-1]\n' +
  '          [--palette scenes|global|diff|per-frame] [--colours N] [--quality 0-100] [--overwrite] [--json]';

/** `10485760`, `10M`, `10MB`, `500k`, `1.5MiB` (K/M/G are 1024-based, as file managers count). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) throw new UsageError(`mwb gif: --max-size takes bytes (e.g. 10485760) or a size like 10MB, "10 MB" or 500KB, not "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

const D = GIF_DEFAULTS;
const OPTIONS = {
  start: { type: 'string', value: 'SECONDS', help: 'Where the GIF starts in the input, in seconds (decimals allowed). Default: 0.' },
  end: { type: 'string', value: 'SECONDS', help: 'Where it ends in the input, in seconds. Default: the end of the input.' },
  duration: { type: 'string', value: 'SECONDS', help: 'Seconds of input to use from --start (instead of --end).' },
  fps: { type: 'string', value: 'N', help: `Frames per second, ${GIF_LIMITS.minFps}–${GIF_LIMITS.maxFps} (browsers play nothing faster). Default: ${D.fps}.` },
  width: { type: 'string', value: 'PIXELS', help: `Width in pixels, ${GIF_LIMITS.minWidth}–${GIF_LIMITS.maxWidth}; the height keeps the aspect ratio. Default: ${D.width}, or the source width when smaller.` },
  'max-size': {
    type: 'string',
    value: 'SIZE',
    unit: /^([kmg]i?)?b$|^[kmg]$/i,
    help: 'Fit the GIF under this size: bytes (10485760) or with a unit, K/M/G counted in 1024s: 10MB, 10M, "10 MB", 500KB, 1.5MiB. Width, fps, colours and quality are lowered until it fits (--width and --fps act as maxima). Default: no budget.',
  },
  loop: { type: 'string', value: 'N', help: `0 loops forever, -1 plays once, N plays N more times after the first. Default: ${D.loop}.` },
  dither: { type: 'string', value: GIF_DITHERS.join('|'), help: `How colours between palette entries are approximated. Default: ${D.dither}.` },
  'bayer-scale': { type: 'string', value: '0-5', help: `Strength of the bayer pattern: 0 strongest, 5 faintest (with --dither bayer). Default: ${D.bayerScale}.` },
  diffusion: { type: 'string', value: '0-1', help: `Share of the error spread to neighbours (with --dither diffusion). Default: ${D.diffusion}.` },
  palette: {
    type: 'string',
    value: GIF_PALETTE_MODES.join('|'),
    help: `scenes: one palette per stretch of similar colours; global: one for the clip; diff: weighted to moving pixels; per-frame: one per frame. Default: ${D.palette}.`,
  },
  colours: { type: 'string', value: 'N', help: `Palette size, ${GIF_LIMITS.minColours}–${GIF_LIMITS.maxColours} colours (also --colors). Default: ${D.colours}.` },
  colors: { type: 'string', value: 'N', help: 'Same as --colours.', hidden: true },
  quality: { type: 'string', value: '0-100', help: `Below 100, pixels that barely changed are left as they are, which makes the file much smaller. Default: ${D.quality}.` },
  overwrite: { type: 'boolean', help: 'Replace the output if it exists. Default: refuse.' },
  json: { type: 'boolean', help: 'Print the result (output, bytes, size, frames, the chosen settings and the budget search) as JSON.' },
} satisfies Options;export const gifVerb: Verb = {
  name: 'gif',
  summary: 'export a looping GIF (trim, size budget, dither and palette options); beats gifski on quality per byte',
  usage: USAGE,
  args: [
    ['<input>', 'a video file ffmpeg can read'],
    ['[output.gif]', 'where to write; default: the input name with .gif, beside it'],
  ],
  options: OPTIONS,
  examples: [
    ['mwb gif clip.mp4 --start 2 --duration 3 --width 360', 'three seconds from 0:02, 360 pixels wide, to clip.gif'],
    ['mwb gif clip.mp4 small.gif --max-size 2MB --json', 'the best GIF under 2 MiB, with the chosen settings as JSON'],
  ],
  exits: { 1: 'the export failed (ffmpeg failed, or the output could not be written)', extra: [[130, 'cancelled with Ctrl+C; no output was written']] },
  async run(argv) {
    const { values, positionals } = parseVerbArgs('gif', argv, OPTIONS);
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`mwb gif: give an input${positionals.length ? ' and at most one output' : ''}`);
    const input = path.resolve(positionals[0]!);
    const output = positionals[1] !== undefined ? path.resolve(positionals[1]) : defaultGifPath(input);
    const options = parseFlags(
      'gif',
      gifOptionsSchema,
      {
        start: numeric(values.start),
        end: numeric(values.end),
        duration: numeric(values.duration),
        fps: numeric(values.fps),
        width: numeric(values.width),
        loop: numeric(values.loop),
        dither: values.dither,
        bayerScale: numeric(values['bayer-scale']),
        diffusion: numeric(values.diffusion),
        palette: values.palette,
        colours: numeric(values.colours ?? values.colors),
        quality: numeric(values.quality),
        maxBytes: values['max-size'] !== undefined ? parseSize(values['max-size']) : undefined,
      },
      { bayerScale: 'bayer-scale', maxBytes: 'max-size' },
    );

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const tty = !values.json && process.stderr.isTTY;
    let lastLine = '';
    try {
      const committed = await runStandalone((job) => exportGif({ input, output, options, overwrite: values.overwrite ?? false }, job), {
        signal: controller.signal,
        onProgress: (p) => {
          if (!tty || p.percent === null) return;
          const line = `${p.stage ?? ''} ${Math.floor(p.percent)}%`;
          if (line !== lastLine) process.stderr.write(`\r\x1b[2K${line}`);
          lastLine = line;
        },
      });
      const result = committed.details!;
      if (tty) process.stderr.write('\r\x1b[2K');
      if (values.json) {
        printJson(result);
        return EXIT.ok;
      }
      const c = result.chosen;
      process.stdout.write(
        `${result.output}\n  ${formatBytes(result.bytes)}, ${result.width}×${result.height}, ${result.fps} fps, ` +
          `${result.frames} frames (${result.gifFrames} stored), ${result.duration.toFixed(2)} s, ` +
          `${c.loop === 0 ? 'loops forever' : c.loop < 0 ? 'plays once' : `plays ${c.loop + 1} times`}\n` +
          `  ${c.palette} palette, ${c.colours} colours, ${c.dither === 'bayer' ? `bayer dither (scale ${c.bayerScale})` : c.dither === 'diffusion' ? `diffusion dither (${c.diffusion})` : 'no dither'}, quality ${c.quality}\n`,
      );
      if (result.budget) {
        const b = result.budget;
        process.stdout.write(
          `  budget ${formatBytes(b.maxBytes)}: ${b.outcome === 'fits' ? 'met' : 'not needed in full (the largest settings are smaller)'} after ${plural(b.attempts.length, 'encode')}\n`,
        );
      }
      return EXIT.ok;
    } finally {
      if (tty) process.stderr.write('\r\x1b[2K');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
