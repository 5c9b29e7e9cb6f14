/**
 * `analyzeMse`: lint an fMP4, an init segment plus media segments, or a local HLS/DASH manifest,
 * and describe how the Player should feed it to MSE (streams, byte ranges, expected times).
 * The Node entry: paths, local manifests and `openFileSource`; the lint itself is `analysis.ts`.
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { openFileSource } from '../boxes/file-source';
import { describeFsError, WorkbenchError } from '../errors';
import { analyzeStreams, inputKindOf, type AnalyzeOptions } from './analysis';
import { dashStreams, hlsStreams, type StreamSpec } from './manifest';
import type { MediaFiles } from './model';
import type { InputKind, MseAnalysis } from './types';

export { inputKindOf, lintReport, type AnalyzeOptions } from './analysis';

/** Local files by absolute path. */
const localFiles: MediaFiles = { open: (file) => openFileSource(file), baseName: (file) => path.basename(file) };

const MANIFEST_LIMIT = 16 * 1024 * 1024;

async function readManifest(file: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw describeFsError(err, file);
  }
  if (info.size > MANIFEST_LIMIT) throw new WorkbenchError('ETOOBIG', `${file} is ${info.size} bytes; a manifest of more than 16 MiB is not plausible.`);
  const handle = await open(file, 'r').catch((err: unknown) => {
    throw describeFsError(err, file);
  });
  try {
    const buf = Buffer.alloc(info.size);
    await handle.read(buf, 0, info.size, 0);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The streams an input describes (before any media file is parsed). */
export async function streamSpecs(paths: string[]): Promise<{ kind: InputKind; specs: StreamSpec[] }> {
  if (!paths.length) throw new WorkbenchError('EUSAGE', 'Nothing to lint: give an fMP4, an init segment and media segments, or a manifest.');
  const kind = inputKindOf(paths);
  const first = path.resolve(paths[0]!);
  if (kind === 'hls') return { kind, specs: await hlsStreams(first, await readManifest(first), (p) => readManifest(p)) };
  if (kind === 'dash') return { kind, specs: dashStreams(first, await readManifest(first), (p) => existsSync(p)) };
  if (paths.length > 1 && paths.some((p) => /\.(m3u8?|mpd)$/i.test(p))) throw new WorkbenchError('EUSAGE', 'A manifest must be given alone; its segments are found beside it.');
  return {
    kind,
    specs: [{ label: path.basename(first), parts: paths.map((p, i) => ({ path: path.resolve(p), role: i === 0 ? 'auto' : 'segment' })) }],
  };
}

export async function analyzeMse(paths: string[], options: AnalyzeOptions = {}): Promise<MseAnalysis> {
  const { kind, specs } = await streamSpecs(paths);
  return analyzeStreams({ kind, name: path.basename(paths[0]!) }, specs, localFiles, options);
}
