/**
 * Which browsers can play a codec: one table, read by the preset descriptions, the Player's
 * "this browser cannot play track N" notice and the lint's codec finding. It says what is known
 * to hold in current browsers; the running browser's own `MediaSource.isTypeSupported` is the
 * final word, and the UI asks it.
 */

export interface CodecSupport {
  /** Human name of the codec family. */
  name: string;
  /** Which browsers play it, one sentence. */
  browsers: string;
  /** Whether every current desktop and mobile browser plays it. */
  everywhere: boolean;
}

const TABLE: { match: RegExp; support: CodecSupport }[] = [
  { match: /^avc[1-4]\b/, support: { name: 'H.264', browsers: 'every current browser', everywhere: true } },
  {
    match: /^(hvc1|hev1|hvc2|hev2)\b/,
    support: {
      name: 'HEVC (H.265)',
      browsers: 'Safari on macOS and iOS; Chrome and Edge only where the system decodes HEVC (Windows with the HEVC extension, macOS, Android); not Firefox, and not Chromium on Linux',
      everywhere: false,
    },
  },
  {
    match: /^(apc[nhso]|ap4[hx]|aprn|aprh)\b/,
    support: { name: 'Apple ProRes', browsers: 'no browser through MSE; only Safari on macOS plays it, in a plain <video>', everywhere: false },
  },
  { match: /^vp0?9\b|^vp09\b/, support: { name: 'VP9', browsers: 'Chrome, Edge, Firefox, and Safari 14+ (macOS 11+, iOS 17+)', everywhere: false } },
  { match: /^vp0?8\b/, support: { name: 'VP8', browsers: 'Chrome, Edge and Firefox; Safari only over WebRTC', everywhere: false } },
  { match: /^av01\b/, support: { name: 'AV1', browsers: 'Chrome, Edge and Firefox; Safari 17+ only on devices with AV1 hardware decoding', everywhere: false } },
  { match: /^mp4a\.40\b/, support: { name: 'AAC', browsers: 'every current browser', everywhere: true } },
  { match: /^mp4a\.(69|6b)\b|^mp3\b/, support: { name: 'MP3', browsers: 'every current browser', everywhere: true } },
  { match: /^[Oo]pus\b/, support: { name: 'Opus', browsers: 'Chrome, Edge, Firefox, and Safari 17+ (in MP4)', everywhere: false } },
  { match: /^fLaC\b|^flac\b/, support: { name: 'FLAC', browsers: 'Chrome, Edge, Firefox and Safari 17+', everywhere: false } },
  { match: /^(ac-3|ec-3)\b/, support: { name: 'Dolby AC-3/E-AC-3', browsers: 'Safari and Edge; Chrome and Firefox only on some systems', everywhere: false } },
  { match: /^(lpcm|ipcm|sowt|twos|in24|in32|fl32)\b/, support: { name: 'uncompressed PCM', browsers: 'no browser through MSE', everywhere: false } },
];

/** What is known about the codec of an RFC 6381 string (or a sample entry four-cc); null when unknown. */
export function codecSupport(codec: string): CodecSupport | null {
  return TABLE.find((t) => t.match.test(codec))?.support ?? null;
}

/**
 * One sentence for a track the running browser cannot play, naming what still plays
 * (`others`: the kinds of the tracks it can play).
 */
export function unsupportedTrackText(track: { id: number; kind: string; codec: string }, others: string[], browser = 'This browser'): string {
  const support = codecSupport(track.codec);
  const what = `${track.kind} track ${track.id} (${track.codec}${support ? `, ${support.name}` : ''})`;
  const plays = others.length ? `Only the ${[...new Set(others)].join(' and ')} plays${track.kind === 'video' ? '; the picture stays empty' : ''}.` : 'Nothing can play.';
  const where = support && !support.everywhere ? ` ${support.name} plays in ${support.browsers}.` : '';
  return `${browser} cannot decode the ${what}: MediaSource.isTypeSupported is false for it. ${plays}${where} Transcode with the web-mp4 preset (H.264/AAC) to play it everywhere.`;
}
