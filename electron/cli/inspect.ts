import {
  boxesToJson,
  formatSamples,
  formatTracks,
  formatTree,
  inspectFile,
  sampleRows,
  sampleTable,
  type InspectResult,
} from '../core/boxes';
import { isHttpUrl } from '../core/net/http';
import { inspectUrl, type HttpCost } from '../core/net/remote';
import { CliError, EXIT, intOption, parseVerbArgs, UsageError, type Options, type Verb } from './common';

const USAGE = 'mwb inspect <file|http(s)://…> [--json] [--samples <trackId>] [--depth N]';

/** Write to stdout in chunks, honouring back-pressure (trees of big files are long). */
function writer() {
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  return {
    async line(text: string) {
      buffer += text + '\n';
      if (buffer.length > 64 * 1024) await flush();
    },
    flush,
  };
}

function indent(json: string, by: string): string {
  return json.replace(/\n/g, `\n${by}`);
}

/** A short, actionable reason when the file is not something the inspector can read. */
function refusal(result: InspectResult): string | null {
  if (result.size === 0) return `${result.file} is empty (0 bytes).`;
  if (result.format === 'unknown' && !result.unexpectedFirstBox) {
    const first = result.boxes[0];
    const what = first ? `its first 8 bytes do not form a box header (they read as size ${first.size}, type "${first.type.replace(/[^\x20-\x7e]/g, '?')}")` : 'it is shorter than one box header';
    return `${result.file} is not an MP4/MOV (ISO BMFF) file: ${what}.`;
  }
  return null;
}

const OPTIONS = {
  json: {
    type: 'boolean',
    help: 'Print { file, size, format, majorBrand, fragmented, boxes, tracks, errors } as JSON, with mp4box.js field names. Default: an indented tree (mp4dump-like) and a track table.',
  },
  samples: { type: 'string', value: 'TRACK_ID', help: "List one track's samples instead of the boxes (number, offset, size in bytes, decode and presentation time in the track's timescale, sync flag). TRACK_ID is a track_ID from the track table." },
  depth: { type: 'string', value: 'N', help: 'Show boxes only down to nesting level N (1 = top-level boxes), a whole number ≥ 1. Default: every level.' },
} satisfies Options;

export const inspectVerb: Verb = {
  name: 'inspect',
  summary: 'every box of an MP4/MOV/fMP4/CMAF file with decoded fields, its tracks and sample tables',
  usage: USAGE,
  args: [['<file>', 'an MP4, MOV, fMP4, CMAF file or a media segment (.m4s); only metadata is read, so any size works']],
  options: OPTIONS,
  examples: [
    ['mwb inspect clip.mp4 --depth 2', 'the top two levels of boxes and the tracks'],
    ['mwb inspect clip.mp4 --samples 1 --json', 'every sample of track 1 as JSON'],
  ],
  exits: { 1: 'structural errors were found (a truncated box, an invalid size); what could be read is printed' },
  async run(argv) {
    const { values, positionals } = parseVerbArgs('inspect', argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'mwb inspect: give exactly one file' : 'mwb inspect: which file?');
    const file = positionals[0]!;
    const depth = intOption('inspect', 'depth', values.depth, 1);
    const trackId = intOption('inspect', 'samples', values.samples, 0);

    // A URL is read with Range requests, fragments found through sidx/mfra and fetched concurrently.
    let http: HttpCost | undefined;
    let result: InspectResult;
    if (isHttpUrl(file)) {
      const remote = await inspectUrl(file);
      http = remote.http;
      result = remote;
    } else {
      result = await inspectFile(file);
    }
    const cost = http ? `  "bytesFetched": ${http.bytesFetched},\n  "requests": ${http.requests},\n` : '';
    const refused = refusal(result);
    if (refused) throw new CliError(result.size === 0 ? 'EEMPTY' : 'ENOTMP4', refused, EXIT.usage);
    if (result.unexpectedFirstBox) {
      process.stderr.write(
        `mwb inspect: warning: ${result.file} starts with a "${result.unexpectedFirstBox}" box, which does not start an MP4/MOV file (expected ftyp, moov, styp, moof…); showing its boxes as they are.\n`,
      );
    }
    const out = writer();

    if (trackId !== undefined) {
      const track = result.tracks.find((t) => t.id === trackId);
      const table = track ? sampleTable(result.boxes, trackId, { fileSize: result.size }) : null;
      if (!track || !table) {
        const ids = result.tracks.map((t) => t.id).join(', ') || 'none';
        throw new CliError('ENOTRACK', `${result.file} has no track ${trackId} (its tracks: ${ids}).`, EXIT.usage);
      }
      if (values.json) {
        await out.line(`{\n  "file": ${JSON.stringify(result.file)},\n  "size": ${result.size},\n${cost}  "track": ${indent(JSON.stringify(track, null, 2), '  ')},`);
        await out.line(`  "warnings": ${JSON.stringify(table.warnings)},\n  "samples": [`);
        const rows = sampleRows(table);
        for (let i = 0; i < rows.length; i++) await out.line(`    ${JSON.stringify(rows[i])}${i + 1 < rows.length ? ',' : ''}`);
        await out.line('  ]\n}');
      } else {
        await out.line(`${result.file}: track ${trackId}, ${table.count} samples, timescale ${table.timescale}`);
        for (const w of table.warnings) await out.line(`! ${w}`);
        for (const line of formatSamples(sampleRows(table))) await out.line(line);
      }
      await out.flush();
      return reportErrors(result);
    }

    if (values.json) {
      const boxes = boxesToJson(result.boxes, { maxDepth: depth === undefined ? Infinity : depth - 1 });
      await out.line(`{\n  "file": ${JSON.stringify(result.file)},\n  "size": ${result.size},`);
      if (result.unexpectedFirstBox) await out.line(`  "unexpectedFirstBox": ${JSON.stringify(result.unexpectedFirstBox)},`);
      if (cost) await out.line(cost.slice(0, -1));
      await out.line(`  "format": ${JSON.stringify(result.format)},\n  "majorBrand": ${JSON.stringify(result.majorBrand ?? null)},\n  "fragmented": ${result.fragmented},`);
      await out.line('  "boxes": [');
      for (let i = 0; i < boxes.length; i++) await out.line(`    ${indent(JSON.stringify(boxes[i], null, 2), '    ')}${i + 1 < boxes.length ? ',' : ''}`);
      await out.line('  ],');
      await out.line(`  "tracks": ${indent(JSON.stringify(result.tracks, null, 2), '  ')},`);
      await out.line(`  "errors": ${indent(JSON.stringify(result.errors, null, 2), '  ')}\n}`);
    } else {
      await out.line(`${result.file} (${result.size} bytes${result.majorBrand ? `, brand ${result.majorBrand}` : ''}${result.fragmented ? ', fragmented' : ''})`);
      for (const line of formatTree(result.boxes, { depth })) await out.line(line);
      await out.line('');
      for (const line of formatTracks(result.tracks)) await out.line(line);
      if (http) await out.line(`\nfetched ${http.bytesFetched.toLocaleString('en-US')} of ${result.size.toLocaleString('en-US')} bytes in ${http.requests} requests${http.index ? ` (fragments found through ${http.index})` : ''}`);
    }
    await out.flush();
    return reportErrors(result);
  },
};

/** Structural errors go to stderr, naming the file; they make the exit code 1. */
function reportErrors(result: InspectResult): number {
  if (!result.errors.length) return EXIT.ok;
  const lines = result.errors.slice(0, 20).map((e) => `mwb inspect: ${result.file}: ${e.rule} at ${e.path} (offset ${e.offset}): ${e.message}`);
  if (result.errors.length > 20) lines.push(`mwb inspect: ${result.file}: … and ${result.errors.length - 20} more errors`);
  process.stderr.write(lines.join('\n') + '\n');
  return EXIT.failure;
}
