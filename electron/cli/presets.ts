import { presetCaps } from '../core/jobs/caps-index';
import { presetInfo, PRESETS } from '../core/jobs/presets';
import { EXIT, parseVerbArgs, printJson, wrap, type Options, type Verb } from './common';

const OPTIONS = {
  json: { type: 'boolean', help: 'Print the presets as JSON (id, label, description, output kind and extensions, availability and the reason when unavailable). Default: a text list.' },
} satisfies Options;

export const presetsVerb: Verb = {
  name: 'presets',
  summary: 'the transcode presets, and which ones this ffmpeg can run',
  usage: 'mwb presets [--json]',
  options: OPTIONS,
  examples: [
    ['mwb presets', 'each preset, what it writes, which browsers play the result, and whether this ffmpeg can run it'],
    ['mwb presets --json', 'the same as JSON, with the encoders each preset needs and the hardware encoders found'],
  ],
  exits: { 1: 'ffmpeg could not be found or run' },
  async run(argv) {
    const { values } = parseVerbArgs('presets', argv, OPTIONS);
    const caps = await presetCaps();
    const list = PRESETS.map((p) => presetInfo(p, caps));
    if (values.json) {
      printJson(list);
      return EXIT.ok;
    }
    const width = Math.max(...list.map((p) => p.id.length));
    for (const p of list) {
      const out = p.outputKind === 'folder' ? 'folder' : p.extensions.length ? p.extensions.join(' ') : 'any';
      process.stdout.write(`${p.available ? '✓' : '✗'} ${p.id.padEnd(width)}  ${p.label} → ${out}\n`);
      process.stdout.write(`  ${' '.repeat(width)}  ${wrap(p.available ? p.description : `unavailable: ${p.reason}`, width + 4)}\n`);
    }
    process.stdout.write('\nUse: mwb transcode <input> <output> --preset <id>. Hardware encoders: see --json (hwEncoders) and "mwb caps".\n');
    return EXIT.ok;
  },
};
