import { presetCaps } from '../core/jobs/caps-index';
import { presetInfo, PRESETS } from '../core/jobs/presets';
import { EXIT, parseVerbArgs, printJson, wrap, type Verb } from './common';
import { OPTIONS, presetsHelp } from './help/presets';


export const presetsVerb: Verb = {
  ...presetsHelp,
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
