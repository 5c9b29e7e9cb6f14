import path from 'node:path';
import { formatBytes } from '../core/gif/budget';
import { exportGif } from '../core/gif/export';
import { GIF_DITHERS, GIF_PALETTE_MODES, type GifDither, type GifOptions, type GifPaletteMode } from '../core/gif/gif-types';
import { defaultGifPath } from '../core/gif/output';
import { localRunner } from '../core/gif/runner';
import { EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';


function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`mwb gif: --${name} takes a number, not "${value}"`);
  return n;
}

/** `10485760`, `10M`, `10MB`, `500k`, `1.5MiB` (K/M/G are 1024-based, as file managers count). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) throw new UsageError(`mwb gif: --max-size takes bytes (e.g. 10485760) or a size like 10MB or 500KB, not "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`mwb gif: --${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

export const gifVerb: Verb = {
  async run(argv) {
    const { values, positionals } = parseVerbArgs('gif', argv, {
      start: { type: 'string' },
      end: { type: 'string' },
      duration: { type: 'string' },
      fps: { type: 'string' },
      width: { type: 'string' },
      'max-size': { type: 'string' },
      loop: { type: 'string' },
      dither: { type: 'string' },
      'bayer-scale': { type: 'string' },
      diffusion: { type: 'string' },
      palette: { type: 'string' },
      colours: { type: 'string' },
      colors: { type: 'string' },
      quality: { type: 'string' },
      overwrite: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`mwb gif: give an input${positionals.length ? ' and at most one output' : ''}`);
    const input = path.resolve(positionals[0]!);
    const output = positionals[1] !== undefined ? path.resolve(positionals[1]) : defaultGifPath(input);
    const options: GifOptions = {
      start: num('start', values.start),
      end: num('end', values.end),
      duration: num('duration', values.duration),
      fps: num('fps', values.fps),
      width: num('width', values.width),
      loop: num('loop', values.loop),
      dither: oneOf<GifDither>('dither', values.dither, GIF_DITHERS),
      bayerScale: num('bayer-scale', values['bayer-scale']),
      diffusion: num('diffusion', values.diffusion),
      palette: oneOf<GifPaletteMode>('palette', values.palette, GIF_PALETTE_MODES),
      colours: num('colours', values.colours ?? values.colors),
      quality: num('quality', values.quality),
      maxBytes: values['max-size'] !== undefined ? parseSize(values['max-size']) : undefined,
    };

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const tty = !values.json && process.stderr.isTTY;
    let lastLine = '';
    try {
      const result = await exportGif(
        { input, output, options, overwrite: values.overwrite ?? false },
        {
          runner: localRunner({
            signal: controller.signal,
            onProgress: (percent, stage) => {
              if (!tty) return;
              const line = `${stage} ${Math.floor(percent)}%`;
              if (line !== lastLine) process.stderr.write(`\r\x1b[2K${line}`);
              lastLine = line;
            },
          }),
        },
      );
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
          `  budget ${formatBytes(b.maxBytes)}: ${b.outcome === 'fits' ? 'met' : 'not needed in full (the largest settings are smaller)'} after ${b.attempts.length} encode${b.attempts.length === 1 ? '' : 's'}\n`,
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
