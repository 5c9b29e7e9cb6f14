import { probeFile } from '../core/mse/probe';
import { EXIT, parseVerbArgs, printJson, UsageError, type Options, type Verb } from './common';

const OPTIONS = {
  json: { type: 'boolean', help: "Print { file, format, streams: [{ index, trackId, ffprobe, ours }], mime } as JSON. Default: one line per stream." },
} satisfies Options;

export const probeVerb: Verb = {
  name: 'probe',
  summary: "ffprobe's stream info and the workbench's RFC 6381 codec strings side by side",
  usage: 'mwb probe <file|http(s)://…> [--json]',
  args: [['<file>', 'a media file ffprobe can read (MP4, MOV, fMP4, WebM, …)']],
  options: OPTIONS,
  examples: [
    ['mwb probe clip.mp4', "each stream as ffprobe sees it, beside the workbench's codec string and MIME type"],
    ['mwb probe clip.mp4 --json', "ffprobe's format and streams plus ours, as JSON"],
  ],
  exits: {},
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
