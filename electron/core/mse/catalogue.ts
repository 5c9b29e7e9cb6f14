/**
 * The MSE rule catalogue (`../shared/design/MSE_RULES.md`): one entry per rule, carrying everything
 * the lint, `mwb lint`, Compare and the Player's diagnosis need to know about it — severity, fix,
 * the browser messages it causes, and whether browsers stay silent about it.
 *
 * Adding a rule is one entry here plus the check that reports it (in `rules.ts`, or a module of its
 * own called from `analyze.ts`); `RuleId` grows with the entry, so every table keyed by rule id
 * (Compare's topics, the Player) is checked against it by the compiler.
 *
 * Plain data, no Node imports: the renderer imports it.
 */
export type Severity = 'error' | 'warning' | 'info';

/** A message Chromium gives (`MediaError.message` or an append failure, after the pipeline status prefix). */
export interface BrowserMessage {
  pattern: RegExp;
  /** What it means in the boxes, in a few words ("an explicit tfhd base_data_offset"). */
  what: string;
}

/**
 * Chromium's messages, measured on the broken fixtures (MSE_RULES.md, "What Chromium itself says").
 * The first pattern that matches wins, so specific messages come before vague ones.
 */
export const BROWSER_MESSAGES = {
  'base-data-offset': { pattern: /base-data-offset not allowed/i, what: 'an explicit tfhd base_data_offset' },
  'duplicate-track': { pattern: /Duplicate track ID/i, what: 'two tracks with one id' },
  'timescale-zero': { pattern: /timescale must not be 0/i, what: 'a zero timescale' },
  unfragmented: { pattern: /Detected unfragmented MP4|moov to contain mvex/i, what: 'a moov without usable movie-extends boxes' },
  'parsing-failed': { pattern: /stream parsing failed/i, what: 'a box the parser could not use' },
  'prepare-sample': { pattern: /Failed to prepare (video|audio) sample for decode/i, what: 'sample data outside the mdat' },
  decode: { pattern: /Failed to send (video|audio) packet for decoding|decode error|PIPELINE_ERROR_DECODE/i, what: 'data the decoder could not decode' },
  unsupported: { pattern: /Unsupported|not supported|codec/i, what: 'a codec or scheme the browser does not support' },
} satisfies Record<string, BrowserMessage>;

export type BrowserMessageId = keyof typeof BROWSER_MESSAGES;

export interface RuleEntry {
  /** Default severity; a check may raise or lower one finding (a gap above one frame is an error). */
  severity: Severity;
  /** What to do about it, often an ffmpeg flag. */
  fix?: string;
  /** Browser messages this rule causes (several rules can share a vague one). */
  browser?: readonly BrowserMessageId[];
  /**
   * Browsers report nothing: the Player finds it by comparing where segments should land with
   * `buffered`. `segment`: the finding of the segment at the hole explains it; `stream`: a finding
   * anywhere in the stream does (the init segment's, or a cut file's).
   */
  silent?: 'segment' | 'stream';
  /** What browsers do about it when none of them fails outright, for the Player's sentence. */
  browsers?: string;
}

const REMUX = '-movflags frag_keyframe+empty_moov+default_base_moof';

const ENTRIES = {
  'not-fragmented': {
    severity: 'error',
    fix: `remux with ffmpeg -i in.mp4 -c copy ${REMUX} out.mp4, or use the Player's "Fragment on the fly"`,
    browser: ['unfragmented'],
  },
  'init-missing-ftyp': {
    severity: 'warning',
    fix: 'keep the ftyp box at the start of the init segment',
    browsers: 'Chromium tolerates it, Firefox and Safari refuse the init segment',
  },
  'init-missing-mvex': {
    severity: 'error',
    fix: `remux with ${REMUX} (empty_moov and a frag_* flag write mvex)`,
    browser: ['unfragmented'],
  },
  'init-trex-missing': {
    severity: 'error',
    fix: `re-mux so that mvex has a trex for every track (ffmpeg -c copy ${REMUX})`,
    browser: ['unfragmented', 'parsing-failed'],
  },
  'init-has-samples': {
    severity: 'warning',
    fix: 'add empty_moov to -movflags so the init segment carries no samples',
    silent: 'stream',
  },
  'timescale-zero': {
    severity: 'error',
    fix: 'fix the muxer settings (e.g. -video_track_timescale 90000) and remux',
    browser: ['timescale-zero'],
  },
  'duplicate-track-id': {
    severity: 'error',
    fix: 're-mux so that every track has its own id',
    browser: ['duplicate-track', 'parsing-failed'],
  },
  'parameter-sets-missing': {
    severity: 'error',
    fix: 'use avc1/hvc1 with global headers (ffmpeg writes them into avcC/hvcC by default; avoid -bsf dump_extra with avc3)',
    browser: ['decode'],
  },
  'traf-missing-tfdt': {
    severity: 'error',
    fix: `remux with a current muxer (ffmpeg writes tfdt): ffmpeg -c copy ${REMUX}`,
    browser: ['parsing-failed'],
  },
  'tfhd-base-data-offset': {
    severity: 'error',
    fix: 'add +default_base_moof to -movflags',
    browser: ['base-data-offset'],
  },
  'tfhd-no-default-base-is-moof': {
    severity: 'warning',
    fix: 'add +default_base_moof to -movflags',
    browser: ['decode'],
  },
  'moof-without-mdat': {
    severity: 'error',
    fix: 'fix the segmenter so that every moof is followed by its mdat',
    browser: ['parsing-failed', 'prepare-sample'],
    silent: 'segment',
  },
  'trun-data-out-of-bounds': {
    severity: 'error',
    fix: 'fix the segmenter: trun data_offset and sample sizes must stay inside the mdat',
    browser: ['parsing-failed', 'prepare-sample', 'decode'],
    silent: 'segment',
  },
  'segment-starts-non-sync': {
    severity: 'error',
    fix: 'cut segments at keyframes: -movflags frag_keyframe, a fixed GOP (-g N -keyint_min N -sc_threshold 0) and segment durations that are multiples of it',
    browser: ['decode'],
    silent: 'segment',
  },
  'segment-starts-non-idr': {
    severity: 'error',
    fix: 'cut at IDR frames: a fixed closed GOP (-g N -keyint_min N -sc_threshold 0; x264 without open-gop) and frag_keyframe',
    browser: ['decode'],
    silent: 'segment',
  },
  'tfdt-discontinuity': {
    severity: 'warning',
    fix: 're-segment from a continuous source; check -copyts and timestamps of the input',
    silent: 'segment',
  },
  'negative-cts-without-trun-v1': {
    severity: 'error',
    fix: 'add +negative_cts_offsets to -movflags (trun version 1), or keep positive offsets with an edit list',
    browser: ['decode'],
    silent: 'segment',
  },
  'edit-list-complex': {
    severity: 'warning',
    fix: 'remux without edits (-use_editlist 0) or trim so that a single rate-1 edit is enough',
  },
  'mfhd-sequence': {
    severity: 'warning',
    fix: 'fix the segmenter so that mfhd.sequence_number increases with every fragment',
  },
  'sidx-mismatch': {
    severity: 'warning',
    fix: 'regenerate the sidx (e.g. ffmpeg -movflags +dash or +global_sidx, or the packager) after the final mux',
  },
  'encryption-scheme-unsupported': {
    severity: 'warning',
    fix: "encrypt with 'cenc' (AES-CTR) or 'cbcs' (AES-CBC pattern)",
    browser: ['parsing-failed', 'unsupported'],
  },
  'codec-string': {
    severity: 'info',
    browser: ['unsupported'],
  },
  'box-truncated': {
    severity: 'error',
    fix: 're-download or re-mux the file; it ends inside a box',
    browser: ['parsing-failed', 'prepare-sample'],
    silent: 'stream',
  },
  'box-size-invalid': {
    severity: 'error',
    fix: 're-mux the file; a box header cannot be right',
    browser: ['parsing-failed'],
  },
  // Streams: manifests, ladders and HTTP.
  'manifest-codecs-mismatch': {
    severity: 'error',
    fix: 'write the codec strings from the actual init segments (mwb probe), or re-encode to what the manifest promises',
  },
  'manifest-codecs-missing': {
    severity: 'warning',
    fix: 'add CODECS to every HLS variant (@codecs to every DASH representation), from the init segments (mwb probe)',
  },
  'ladder-not-aligned': {
    severity: 'error',
    fix: 'fixed GOP and segment length for every rendition: ffmpeg -g N -keyint_min N -sc_threshold 0 and the same -hls_time / -seg_duration',
  },
  'ladder-timescale-mismatch': {
    severity: 'warning',
    fix: 'one timescale and one track id per media type across the ladder (ffmpeg -video_track_timescale, the same mapping for every rendition)',
  },
  'hls-target-duration-exceeded': {
    severity: 'error',
    fix: 'raise EXT-X-TARGETDURATION or cut shorter segments (keyframes at most every target duration: -g, -hls_time)',
  },
  'manifest-duration-mismatch': {
    severity: 'warning',
    fix: 'regenerate the playlist (EXTINF, @duration, SegmentTimeline) from the media',
  },
  'hls-map-missing': {
    severity: 'error',
    fix: 'add #EXT-X-MAP:URI="init.mp4" before the first fMP4 segment (ffmpeg -hls_segment_type fmp4 writes it)',
  },
  'hls-ts-needs-transmux': {
    severity: 'info',
    fix: 'package fMP4 HLS (ffmpeg -hls_segment_type fmp4), or let a transmuxing player (hls.js) handle MPEG-TS',
  },
  'bandwidth-exceeded': {
    severity: 'warning',
    fix: 'declare the peak: HLS BANDWIDTH is the peak segment bitrate (AVERAGE-BANDWIDTH the mean), DASH @bandwidth at least the peak; or cap it with -maxrate/-bufsize',
  },
  'segment-unavailable': {
    severity: 'error',
    fix: 'publish it, or fix the URL / relative path in the manifest',
  },
  'http-no-range': {
    severity: 'warning',
    fix: 'enable range requests on the server/CDN (answer Range with 206 Partial Content and send Accept-Ranges: bytes)',
  },
  'http-cors-missing': {
    severity: 'error',
    fix: "add CORS headers for the player's origin: Access-Control-Allow-Origin, and Access-Control-Expose-Headers: Content-Range, Content-Length for ranges",
  },
  'live-window-stalled': {
    severity: 'warning',
    fix: 'check the packager: a live playlist must list a new segment (and advance EXT-X-MEDIA-SEQUENCE as old ones leave) every target duration',
  },
  'http-content-type': {
    severity: 'warning',
    fix: "fix the server's MIME map: .m3u8 application/vnd.apple.mpegurl, .mpd application/dash+xml, segments video/mp4 / audio/mp4 / video/iso.segment",
  },
} satisfies Record<string, RuleEntry>;

/** Stable rule ids of MSE_RULES.md. */
export type RuleId = keyof typeof ENTRIES;

/** Every rule's entry, by id. */
export const RULES: Readonly<Record<RuleId, RuleEntry>> = ENTRIES;

/** Every rule id, in catalogue order. */
export const RULE_IDS = Object.keys(ENTRIES) as RuleId[];

/** The first known browser message in `text`, and the rules that cause it (catalogue order). */
export function rulesForBrowserMessage(text: string): { id: BrowserMessageId; what: string; rules: RuleId[] } | null {
  for (const [id, m] of Object.entries(BROWSER_MESSAGES) as [BrowserMessageId, BrowserMessage][]) {
    if (m.pattern.test(text)) return { id, what: m.what, rules: RULE_IDS.filter((r) => RULES[r].browser?.includes(id)) };
  }
  return null;
}

/** Rules browsers are silent about, with the scope their findings explain. */
export function silentRules(scope?: 'segment' | 'stream'): RuleId[] {
  return RULE_IDS.filter((r) => (scope ? RULES[r].silent === scope : RULES[r].silent !== undefined));
}
