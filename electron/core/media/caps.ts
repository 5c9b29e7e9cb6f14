import { resolveBinary, type ResolvedBinary } from '../binaries';
import { errorMessage, WorkbenchError } from '../errors';
import { runCapture } from '../process';
import type { BinaryInfo, Capabilities } from './caps-types';
import { parseCodecList, parseFilterList, parseFormatList, parseHwaccels, parseVersion } from './caps-parse';

export type { Capabilities } from './caps-types';

async function listing(bin: ResolvedBinary, flag: string): Promise<string> {
  const res = await runCapture(bin.path, ['-hide_banner', flag], { timeoutMs: 20_000 });
  if (res.code !== 0) {
    throw new WorkbenchError('EFFMPEG', `${bin.path} ${flag} failed (exit ${res.code}): ${res.stderr.trim().slice(-500)}`);
  }
  return res.stdout;
}

async function describe(bin: ResolvedBinary): Promise<BinaryInfo & { configuration: string }> {
  const res = await runCapture(bin.path, ['-hide_banner', '-version'], { timeoutMs: 20_000 });
  if (res.code !== 0) {
    throw new WorkbenchError('EFFMPEG', `${bin.path} -version failed (exit ${res.code}); is it a working ${bin.name}?`);
  }
  const { version, configuration } = parseVersion(res.stdout);
  return { path: bin.path, source: bin.source, tried: bin.tried, passedOver: bin.passedOver, version, configuration };
}

let cached: Promise<Capabilities> | null = null;

/** What the resolved ffmpeg can do. Cached per process: the listings take ~100 ms to produce. */
export function getCapabilities(options: { refresh?: boolean } = {}): Promise<Capabilities> {
  if (!cached || options.refresh) {
    const p = probeCapabilities(options.refresh ?? false);
    cached = p;
    p.catch(() => {
      if (cached === p) cached = null;
    });
  }
  return cached;
}

async function probeCapabilities(fresh: boolean): Promise<Capabilities> {
  const ffmpeg = resolveBinary('ffmpeg', { fresh });
  let ffprobe: (BinaryInfo & { configuration: string }) | null = null;
  let ffprobeError: string | undefined;
  try {
    ffprobe = await describe(resolveBinary('ffprobe', { fresh }));
  } catch (err) {
    ffprobeError = errorMessage(err);
  }
  const [info, encoders, decoders, muxers, demuxers, filters, hwaccels] = await Promise.all([
    describe(ffmpeg),
    listing(ffmpeg, '-encoders'),
    listing(ffmpeg, '-decoders'),
    listing(ffmpeg, '-muxers'),
    listing(ffmpeg, '-demuxers'),
    listing(ffmpeg, '-filters'),
    listing(ffmpeg, '-hwaccels'),
  ]);
  const { configuration, ...ffmpegInfo } = info;
  const result: Capabilities = {
    ffmpeg: ffmpegInfo,
    ffprobe: ffprobe ? { path: ffprobe.path, source: ffprobe.source, tried: ffprobe.tried, passedOver: ffprobe.passedOver, version: ffprobe.version } : null,
    configuration,
    encoders: parseCodecList(encoders),
    decoders: parseCodecList(decoders),
    muxers: parseFormatList(muxers),
    demuxers: parseFormatList(demuxers),
    filters: parseFilterList(filters),
    hwaccels: parseHwaccels(hwaccels),
  };
  if (ffprobeError) result.ffprobeError = ffprobeError;
  return result;
}
