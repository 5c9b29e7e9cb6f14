import { probeFile } from '../core/mse/probe';
import { EXIT, parseVerbArgs, printJson, UsageError, type Verb } from './common';
import { OPTIONS, probeHelp } from './help/probe';


export const probeVerb: Verb = {
  ...probeHelp,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('probe', argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('mwb probe: give exactly one file');
    const result = await probeFile(positionals[0]!);
    if (values.json) {
      printJson(result);
      return EXIT.ok;
    }
    const out = (s = '') => process.stdout.write(s + '\n');
    const f = result.format;
    out(`${result.file}: ${f.format_name ?? '?'}${f.brand ? ` (${f.brand})` : ''} · ${f.duration ? `${Number(f.duration).toFixed(3)} s` : '? s'}`);
    for (const s of result.streams) {
      const ff = s.ffprobe;
      const detail = [ff.profile, ff.level !== undefined && ff.codec_type === 'video' ? `level ${ff.level}` : undefined, ff.width ? `${ff.width}x${ff.height}` : undefined, ff.sample_rate ? `${ff.sample_rate} Hz` : undefined, ff.channels ? `${ff.channels} ch` : undefined]
        .filter(Boolean)
        .join(', ');
      out(`  #${s.index} track ${s.trackId ?? '?'}  ffprobe: ${ff.codec_type ?? '?'} ${ff.codec_name ?? '?'} [${ff.codec_tag_string ?? ''}] ${detail}`);
      out(`  ${' '.repeat(String(s.index).length + 1)}${' '.repeat(8 + String(s.trackId ?? '?').length)}ours:    ${s.ours ? `${s.ours.codec}  ${s.ours.mime}` : '(no sample description)'}`);
    }
    out(`  combined: ${result.mime}`);
    return EXIT.ok;
  },
};
