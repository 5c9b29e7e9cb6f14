/** `mwb gif --help`: its options (also what the verb parses), arguments, examples and exit codes; no engine behind it. */
import { GIF_DEFAULTS, GIF_DITHERS, GIF_LIMITS, GIF_PALETTE_MODES } from '../../core/gif/gif-types';
import { verbInfo, type Options, type VerbHelp } from '../verbs';

const D = GIF_DEFAULTS;
export const OPTIONS = {
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
} satisfies Options;

export const gifHelp: VerbHelp = {
  ...verbInfo('gif'),
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
};
