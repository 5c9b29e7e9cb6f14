/**
 * Reloading live HLS playlists on the Node side: the lint's check (`live-window-stalled`: read
 * again after 1.5 × the target duration, bounded by `liveWait`) and the Player's reload
 * (`mseLiveReload`: the segments after a media sequence, planned like `msePlan`'s). Playlists are
 * read through `read` (a file or a URL, counted in the caller's HTTP log).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, WorkbenchError } from '../errors';
import { analyzeStreams, type AnalyzeOptions } from './analysis';
import { liveWindowOf, liveWindowStalled, sameWindow, stallAfter, type LiveWindow } from './live';
import { extOf, hlsStreams, nameOf, type StreamSpec } from './manifest';
import type { MediaFiles } from './model';
import type { Finding, LiveCheck, LiveReload } from './types';

type ReadText = (file: string) => Promise<string>;


/** A media playlist read again: its one stream (a master playlist here is refused). */
async function readMedia(playlist: string, read: ReadText): Promise<StreamSpec> {
  const text = await read(playlist);
  const specs = await hlsStreams(playlist, text, () => Promise.reject(new WorkbenchError('EMANIFEST', `${nameOf(playlist)} became a master playlist.`)), undefined, { sequences: true });
  if (specs.length !== 1) throw new WorkbenchError('EMANIFEST', `${nameOf(playlist)} is not a media playlist.`);
  return specs[0]!;
}

/** What a reload shows: the window, or an ended one (EXT-X-ENDLIST appeared). */
function windowAfter(spec: StreamSpec): LiveWindow & { ended: boolean } {
  const w = liveWindowOf(spec);
  if (w) return { mediaSequence: w.mediaSequence, count: w.count, last: w.last, ended: false };
  const media = spec.parts.filter((p) => p.role !== 'init');
  return { mediaSequence: media[0]?.sequence ?? -1, count: media.length, last: nameOf(media[media.length - 1]?.path ?? ''), ended: true };
}

/**
 * The lint's check: each live stream's media playlist is read again 1.5 × its target duration
 * after `readAt` (ms, when the specs were read; the lint runs meanwhile), unless that is more than
 * `liveWait` seconds (then it is not reloaded, and the check says why). A playlist that lists the
 * same window again raises `live-window-stalled` naming the stream, the playlist and the wait.
 */
export async function checkLiveWindows(specs: StreamSpec[], read: ReadText, readAt: number, liveWait: number): Promise<{ findings: Finding[]; checks: LiveCheck[] }> {
  const findings: Finding[] = [];
  const checks: LiveCheck[] = [];
  await Promise.all(
    specs.map(async (spec, stream) => {
      const before = liveWindowOf(spec);
      if (!before) return;
      const check: LiveCheck = { stream, url: before.playlist, targetDuration: before.targetDuration, mediaSequence: before.mediaSequence, waited: null, advanced: null };
      checks.push(check);
      const wait = stallAfter(before.targetDuration);
      if (wait > liveWait) {
        check.note = liveWait <= 0 ? 'not reloaded (--live-wait 0)' : `not reloaded: ${wait.toFixed(1)} s (1.5 × the target duration) is more than the ${liveWait} s --live-wait allows`;
        return;
      }
      await sleep(Math.max(0, readAt + wait * 1000 - Date.now()));
      let after: ReturnType<typeof windowAfter>;
      try {
        after = windowAfter(await readMedia(before.playlist, read));
      } catch (err) {
        check.note = `the reload failed: ${errorMessage(err)}`;
        return;
      }
      check.waited = (Date.now() - readAt) / 1000;
      check.advanced = after.ended || !sameWindow(before, after);
      if (!after.ended) check.reloadedSequence = after.mediaSequence;
      if (!check.advanced) {
        findings.push(liveWindowStalled({ stream, url: before.playlist, name: nameOf(before.playlist), waited: check.waited, window: before, targetDuration: before.targetDuration }));
      }
    }),
  );
  checks.sort((a, b) => a.stream - b.stream);
  return { findings, checks };
}

/**
 * The Player's reload: the media playlist `playlist` again, and a plan (no rules run) of its
 * segments with a media sequence above `after`; the init segment is planned with them but only
 * the new segments are returned. Nothing is fetched but the playlist when nothing is new.
 */
export async function reloadLivePlaylist(playlist: string, after: number, read: ReadText, files: MediaFiles, options: AnalyzeOptions): Promise<LiveReload> {
  if (!/^\.m3u8?$/.test(extOf(playlist))) throw new WorkbenchError('EUSAGE', `${nameOf(playlist)} is not an HLS playlist: only live HLS media playlists are reloaded.`);
  const spec = await readMedia(playlist, read);
  const w = windowAfter(spec);
  const id = await (options.fileId ?? ((p: string) => p))(playlist);
  const live = { playlist: id, url: playlist, targetDuration: spec.declared?.targetDuration ?? 0, mediaSequence: w.mediaSequence, count: w.count, last: w.last, ended: w.ended };
  const fresh = spec.parts.filter((p) => p.role !== 'init' && (p.sequence ?? -1) > after);
  if (!fresh.length) return { live, segments: [] };
  // The init segment in force for the first new segment (a map changes only at a discontinuity).
  const firstNew = spec.parts.indexOf(fresh[0]!);
  const init = spec.parts.slice(0, firstNew).reverse().find((p) => p.role === 'init');
  const parts = [...(init ? [init] : []), ...spec.parts.slice(firstNew).filter((p) => p.role === 'init' || fresh.includes(p))];
  const plan = await analyzeStreams({ kind: 'hls', name: nameOf(playlist) }, [{ ...spec, parts }], files, { ...options, lint: false, fromManifest: true });
  return { live, segments: plan.streams[0]?.segments ?? [] };
}
