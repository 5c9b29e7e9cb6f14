import { getCapabilities } from '../core/media/caps';
import { EXIT, parseVerbArgs, printJson, type Verb } from './common';
import { OPTIONS, capsHelp } from './help/caps';


export const capsVerb: Verb = {
  ...capsHelp,
  async run(argv) {
    const { values } = parseVerbArgs('caps', argv, OPTIONS);
    const caps = await getCapabilities();
    if (values.json) {
      printJson(caps);
      return EXIT.ok;
    }
    const line = (label: string, text: string) => process.stdout.write(`${label.padEnd(10)} ${text}\n`);
    line('ffmpeg', `${caps.ffmpeg.version}  ${caps.ffmpeg.path}  (${caps.ffmpeg.source})`);
    for (const note of caps.ffmpeg.passedOver) line('', `not used: ${note}`);
    line('ffprobe', caps.ffprobe ? `${caps.ffprobe.version}  ${caps.ffprobe.path}  (${caps.ffprobe.source})` : `missing: ${caps.ffprobeError}`);
    for (const note of caps.ffprobe?.passedOver ?? []) line('', `not used: ${note}`);
    const names = (list: { name: string }[], max = 12) =>
      `${list.length}: ${list.slice(0, max).map((e) => e.name).join(' ')}${list.length > max ? ' …' : ''}`;
    const pick = (list: { name: string }[], wanted: string[]) =>
      wanted.filter((w) => list.some((e) => e.name === w)).join(' ') || '(none)';
    line('encoders', names(caps.encoders));
    line('  web', pick(caps.encoders, ['libx264', 'libx265', 'libvpx-vp9', 'libaom-av1', 'libsvtav1', 'aac', 'libopus', 'libmp3lame', 'prores_ks', 'gif']));
    line('decoders', names(caps.decoders));
    line('muxers', names(caps.muxers.filter((m) => m.mux)));
    line('  web', pick(caps.muxers, ['mp4', 'mov', 'hls', 'dash', 'webm', 'gif', 'mp3', 'adts']));
    line('demuxers', names(caps.demuxers.filter((m) => m.demux)));
    line('filters', names(caps.filters));
    line('hwaccels', caps.hwaccels.join(' ') || '(none)');
    process.stdout.write('\nUse --json for the complete lists.\n');
    return EXIT.ok;
  },
};
