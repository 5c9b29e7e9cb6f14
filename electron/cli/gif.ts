import path from 'node:path';
import { formatBytes, plural } from '../core/format';
import { exportGif } from '../core/gif/export';
import { gifOptionsSchema } from '../core/gif/options';
import { defaultGifPath } from '../core/gif/output';
import { runStandalone } from '../core/jobs/context';
import { EXIT, numeric, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { parseFlags } from './flags';
import { OPTIONS, gifHelp } from './help/gif';


/** `10485760`, `10M`, `10MB`, `500k`, `1.5MiB` (K/M/G are 1024-based, as file managers count). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) throw new UsageError(`mwb gif: --max-size takes bytes (e.g. 10485760) or a size like 10MB, "10 MB" or 500KB, not "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}


export const gifVerb: Verb = {
  ...gifHelp,
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
