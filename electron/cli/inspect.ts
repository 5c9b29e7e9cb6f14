import { JsonWriter } from '../core/json-writer';
import { formatSamples, formatTracks, formatTree, sampleRows, sampleTable, writeBoxesJson, type InspectResult } from '../core/boxes';
import { inspectFile } from '../core/boxes/file-source';
import { isHttpUrl } from '../core/net/http';
import type { HttpCost } from '../core/net/remote';
import { CliError, EXIT, intOption, parseVerbArgs, UsageError, type Verb } from './common';
import { OPTIONS, inspectHelp } from './help/inspect';

/** Stdout as a JsonWriter sink, honouring back-pressure (trees of big files are long). */
async function toStdout(chunk: Uint8Array): Promise<void> {
  if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
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


export const inspectVerb: Verb = {
  ...inspectHelp,
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
      // Loaded only for URLs: a local inspect does not pay for the HTTP client (cold start).
      const { inspectUrl } = await import('../core/net/remote');
      const remote = await inspectUrl(file);
      http = remote.http;
      result = remote;
    } else {
      result = await inspectFile(file);
    }
    const refused = refusal(result);
    if (refused) throw new CliError(result.size === 0 ? 'EEMPTY' : 'ENOTMP4', refused, EXIT.usage);
    if (result.unexpectedFirstBox) {
      process.stderr.write(
        `mwb inspect: warning: ${result.file} starts with a "${result.unexpectedFirstBox}" box, which does not start an MP4/MOV file (expected ftyp, moov, styp, moof…); showing its boxes as they are.\n`,
      );
    }
    const out = new JsonWriter(toStdout);
    const line = async (text: string) => {
      out.raw(text + '\n');
      await out.maybeFlush();
    };

    if (trackId !== undefined) {
      const track = result.tracks.find((t) => t.id === trackId);
      const table = track ? sampleTable(result.boxes, trackId, { fileSize: result.size }) : null;
      if (!track || !table) {
        const ids = result.tracks.map((t) => t.id).join(', ') || 'none';
        throw new CliError('ENOTRACK', `${result.file} has no track ${trackId} (its tracks: ${ids}).`, EXIT.usage);
      }
      if (values.json) {
        // One sample per line (not one field per line): tables have millions of rows.
        out.raw('{').newline(1).key('file').value(result.file, 1).raw(',').newline(1).key('size').value(result.size, 1).raw(',');
        if (http) out.newline(1).key('bytesFetched').value(http.bytesFetched, 1).raw(',').newline(1).key('requests').value(http.requests, 1).raw(',');
        out.newline(1).key('track').value(track, 1).raw(',').newline(1).key('warnings').raw(JSON.stringify(table.warnings)).raw(',');
        out.newline(1).key('samples').raw('[\n');
        const rows = sampleRows(table);
        for (let i = 0; i < rows.length; i++) await line(`    ${JSON.stringify(rows[i])}${i + 1 < rows.length ? ',' : ''}`);
        await line('  ]\n}');
      } else {
        await line(`${result.file}: track ${trackId}, ${table.count} samples, timescale ${table.timescale}`);
        for (const w of table.warnings) await line(`! ${w}`);
        for (const text of formatSamples(sampleRows(table))) await line(text);
      }
      await out.flush();
      return reportErrors(result);
    }

    if (values.json) {
      // JSON.stringify(result's documented shape, null, 2), written box by box.
      out.raw('{');
      const head: [string, unknown][] = [['file', result.file], ['size', result.size]];
      if (result.unexpectedFirstBox) head.push(['unexpectedFirstBox', result.unexpectedFirstBox]);
      if (http) head.push(['bytesFetched', http.bytesFetched], ['requests', http.requests]);
      head.push(['format', result.format], ['majorBrand', result.majorBrand ?? null], ['fragmented', result.fragmented]);
      for (const [k, v] of head) out.newline(1).key(k).value(v, 1).raw(',');
      out.newline(1).key('boxes');
      await writeBoxesJson(out, result.boxes, 1, { maxDepth: depth === undefined ? Infinity : depth - 1 });
      out.raw(',').newline(1).key('tracks').value(result.tracks, 1);
      out.raw(',').newline(1).key('errors').value(result.errors, 1);
      out.newline(0).raw('}\n');
    } else {
      await line(`${result.file} (${result.size} bytes${result.majorBrand ? `, brand ${result.majorBrand}` : ''}${result.fragmented ? ', fragmented' : ''})`);
      for (const text of formatTree(result.boxes, { depth })) await line(text);
      await line('');
      for (const text of formatTracks(result.tracks)) await line(text);
      if (http) await line(`\nfetched ${http.bytesFetched.toLocaleString('en-US')} of ${result.size.toLocaleString('en-US')} bytes in ${http.requests} requests${http.index ? ` (fragments found through ${http.index})` : ''}`);
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
