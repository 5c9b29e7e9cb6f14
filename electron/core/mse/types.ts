/**
 * Types of the MSE lab: lint findings, the split of a file (or segment set, or manifest) into init and
 * media segments, and the playback plan the Player follows. Free of Node imports: the renderer
 * imports these types too.
 */

import type { MediaKind } from '../boxes/vocabulary';
import type { RuleId, Severity } from './catalogue';

export { RULE_IDS, type RuleId, type Severity } from './catalogue';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** One line in plain words. */
  message: string;
  /** Box path, e.g. `moof[3]/traf[0]/tfdt` (top-level indices count boxes of that type in the file). */
  path: string;
  /** Absolute offset in the file named by `file` (or the only input). */
  offset: number;
  /** 0-based media segment of the stream the finding belongs to. */
  segment?: number;
  /** Track id. */
  track?: number;
  /** What to do about it, often an ffmpeg flag. */
  fix?: string;
  /** Name of the input file the path and offset refer to, for multi-file inputs. */
  file?: string;
  /** Stream (representation) the finding belongs to, for manifests with several. */
  stream?: number;
  /** The URL (or file) the finding is about, for remote inputs and a manifest's parts. */
  url?: string;
}

export interface TrackCodec {
  id: number;
  /** `video`, `audio`, `text` or `other` (from `hdlr`, the box vocabulary's `mediaKind`). */
  kind: MediaKind;
  handler: string;
  /** Sample entry four-character code as written (`avc1`, `encv`, `mp4a`…). */
  sampleEntry: string;
  /** RFC 6381 codec string. */
  codec: string;
  /** False when the config box was missing or unreadable: `codec` is then only the format. */
  codecComplete: boolean;
  /** MIME type for `addSourceBuffer` with this track alone. */
  mime: string;
  timescale: number;
  width?: number;
  height?: number;
  channels?: number;
  sampleRate?: number;
  encrypted?: boolean;
}

/** A byte range of an opened (or manifest-referenced) file. */
export interface ByteRange {
  /** File id (the Player fetches `client.fileUrl(fileId)` with a Range header). */
  fileId: string;
  /** File name, for display. */
  name: string;
  offset: number;
  size: number;
}

/** A top-level box of a segment, with the few fields that tell segments apart. */
export interface SegmentBox {
  type: string;
  offset: number;
  size: number;
  path: string;
  /** Short human summary, e.g. `seq 3` for mfhd or `track 1 · tfdt 15688 · 30 samples · starts sync`. */
  summary?: string;
  children?: SegmentBox[];
}

export interface SegmentTrack {
  id: number;
  /** `tfdt.baseMediaDecodeTime` (undefined when the traf has none). */
  baseMediaDecodeTime?: number;
  /** Decode time of the first sample and the end of the last one, in seconds. */
  start?: number;
  end?: number;
  /** Sum of sample durations, in the track's timescale. */
  duration: number;
  sampleCount: number;
  /** First sample is a sync sample by its flags (undefined when the flags cannot be resolved). */
  firstSampleSync?: boolean;
  /** Earliest presentation time in seconds (decode time + smallest composition offset). */
  presentationStart?: number;
  presentationEnd?: number;
}

export interface MediaSegment {
  index: number;
  range: ByteRange;
  boxes: SegmentBox[];
  tracks: SegmentTrack[];
  /** `mfhd.sequence_number` of the first fragment. */
  sequenceNumber?: number;
  fragmentCount: number;
  /** Number of error / warning findings on this segment. */
  errors: number;
  warnings: number;
  /** Media sequence number, for a segment of a live HLS playlist. */
  mediaSequence?: number;
}

/** A live HLS media playlist (no `EXT-X-ENDLIST`) as one load saw it: what the Player needs to follow it. */
export interface LiveStream {
  /** File id of the media playlist, for `mseLiveReload` (an id the plan made, like its segments'). */
  playlist: string;
  /** The media playlist's URL (or path), for messages. */
  url: string;
  /** `EXT-X-TARGETDURATION` in seconds: how often the Player reloads. */
  targetDuration: number;
  /** Media sequence of the first segment listed. */
  mediaSequence: number;
  /** Segments listed. */
  count: number;
  /** Name of the last segment listed: with the two above, tells a window that moved from one that did not. */
  last: string;
  /** `EXT-X-ENDLIST` appeared: the event is over and nothing more will come. */
  ended: boolean;
}

/** `mseLiveReload`: the playlist again, and the segments after the media sequence asked for. */
export interface LiveReload {
  live: LiveStream;
  /** Segments with a media sequence above `after`, planned like `msePlan`'s (indices from 0). */
  segments: MediaSegment[];
}

/** What the lint's reload of a live playlist found (`live-window-stalled`). */
export interface LiveCheck {
  stream: number;
  /** The media playlist (URL or path). */
  url: string;
  targetDuration: number;
  mediaSequence: number;
  /** Seconds between the two reads; null when it was not reloaded (see `note`). */
  waited: number | null;
  /** The reload listed other segments; null when it was not reloaded. */
  advanced: boolean | null;
  /** Media sequence after the reload. */
  reloadedSequence?: number;
  /** Why it was not reloaded (the wait is over the bound, or the reload failed). */
  note?: string;
}

/** What one SourceBuffer gets: an init segment and media segments in order. */
export interface MseStream {
  index: number;
  /** e.g. `index.m3u8`, `Representation 0 (video)`, or the file name. */
  label: string;
  /** MIME type with every track's codec (muxed streams carry several). */
  mime: string;
  tracks: TrackCodec[];
  init: ByteRange | null;
  initBoxes: SegmentBox[];
  segments: MediaSegment[];
  /** What a manifest declares about the stream (absent for files given directly). */
  declared?: PlanDeclaration;
  /** A live HLS playlist: follow it by reloading (absent for VOD and everything else). */
  live?: LiveStream;
  /**
   * MPEG-TS segments (HLS), which MSE cannot take: the Player appends them remuxed to fMP4 by
   * ffmpeg on the Node side (`transport.ts`, `core/media/transmux.ts`). `init` is then the first
   * segment's TS bytes, of which only the remux's ftyp+moov is appended; each media segment's range
   * is its TS bytes, of which the remux's moof+mdat is appended. Absent for fMP4 streams.
   */
  transmux?: TransmuxPlan;
}

export interface TransmuxPlan {
  /** AAC audio goes through aac_adtstoasc (false when the TS's audio is another codec). */
  aac: boolean;
  /** Why the first segment could not be remuxed: the stream then has no tracks and cannot play. */
  error?: string;
  /**
   * After each `EXT-X-DISCONTINUITY` a TS may start a new clock: from segment `from` on, add
   * `shift` seconds to the media times so the run follows the previous one end to end (the Player
   * moves timestampOffset by it before appending that segment). Absent without discontinuities.
   */
  runs?: { from: number; shift: number }[];
}

export type InputKind = 'file' | 'segments' | 'hls' | 'dash';

export interface MseAnalysis {
  input: { kind: InputKind; name: string; files: number };
  /** False for a progressive MP4 (play it by fragmenting on the fly). */
  fragmented: boolean;
  streams: MseStream[];
  /** Every track of every stream. */
  tracks: TrackCodec[];
  /** One MIME type with every codec, for `isTypeSupported`. */
  mime: string;
  findings: Finding[];
  counts: { error: number; warning: number; info: number };
  /** Findings left out because one rule fired too often (the first ones are kept). */
  omitted: number;
  /** False for a playback plan without the rules run (`msePlan`): findings and counts are empty. */
  linted: boolean;
  /** A remote input (or a manifest leading to URLs): what fetching it cost. */
  http?: { bytesFetched: number; requests: number };
  /** Live playlists the lint reloaded (or could not), one per live stream. */
  liveChecks?: LiveCheck[];
}

/** `mwb lint --json` output. */
export interface LintReport {
  /** The type for one SourceBuffer carrying every audio/video track; null when the input needs several (e.g. DASH audio and video). */
  mime: string | null;
  /** The SourceBuffers to create, each with the track ids its segments carry (and the stream's label for manifests). */
  sourceBuffers: { mime: string; tracks: number[]; stream?: string }[];
  findings: Finding[];
  tracks: { id: number; codec: string; mime: string }[];
  /** Live playlists: what reading each again found (`live-window-stalled`). */
  live?: LiveCheck[];
}

/** What the manifest itself declares about a stream: what the ladder lint compares with the media. */
export interface DeclaredStream {
  /** `variant`: an HLS variant; `audio`/`video`/`subtitles`: an HLS alternate rendition (EXT-X-MEDIA); `iframe`: an I-frame playlist; `representation`: a DASH one; `playlist`: an HLS media playlist given alone. */
  kind: 'variant' | 'audio' | 'video' | 'subtitles' | 'iframe' | 'representation' | 'playlist';
  /** The streams that form one ladder (switchable renditions of one media type): HLS `variants`, DASH `period 0 · set 1`. */
  ladder?: string;
  /** The media (child) playlist, for HLS. */
  playlist?: string;
  codecs?: string;
  /** HLS `BANDWIDTH` / DASH `@bandwidth`, bits per second (the declared peak). */
  bandwidth?: number;
  /** HLS `EXT-X-TARGETDURATION`, seconds. */
  targetDuration?: number;
  /** Declared duration (seconds) of each media segment in order (EXTINF, SegmentTimeline, @duration). */
  durations?: number[];
  /** HLS: media segments listed without an `EXT-X-MAP` although they are not MPEG-TS. */
  mapMissing?: boolean;
  /** HLS: the segments are MPEG-TS (by name; the lint also sniffs the bytes). */
  transportStream?: boolean;
  /** HLS: media segment indices that follow an `EXT-X-DISCONTINUITY` (a new clock may start there). */
  discontinuities?: number[];
  /** DASH: the Period index. */
  period?: number;
  /** DASH: where the Period starts on the presentation timeline, seconds. */
  periodStart?: number;
  /** HLS variant `RESOLUTION`, or DASH `@width`/`@height`. */
  resolution?: { width: number; height: number };
  /** HLS variant: the `AUDIO` group it names (its alternate audio renditions form the ladder `AUDIO <group>`). */
  audioGroup?: string;
  /** HLS alternate rendition: `NAME`, and whether it is the group's `DEFAULT=YES` one. */
  name?: string;
  default?: boolean;
}

/** What the Player needs of a declaration to group streams into ladders and pick renditions (`renditions.ts`). */
export type PlanDeclaration = Pick<DeclaredStream, 'kind' | 'ladder' | 'codecs' | 'bandwidth' | 'resolution' | 'audioGroup' | 'name' | 'default' | 'period' | 'periodStart'>;
