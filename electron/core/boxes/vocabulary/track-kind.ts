/**
 * What kind of track a `hdlr` handler type makes: one map for the Inspector, the lint, Compare and
 * the renderer. Plain data, no Node imports.
 */

export type TrackKind = 'video' | 'audio' | 'text' | 'timecode' | 'metadata' | 'other';

/** The kinds MSE distinguishes (a SourceBuffer's container type): the rest is `other`. */
export type MediaKind = 'video' | 'audio' | 'text' | 'other';

/** Handler type → track kind (ISO/IEC 14496-12 8.4.3 and the QuickTime handlers seen in the wild). */
export const HANDLER_KINDS: Readonly<Record<string, TrackKind>> = {
  vide: 'video',
  auxv: 'video',
  pict: 'video',
  soun: 'audio',
  text: 'text',
  subt: 'text',
  sbtl: 'text',
  clcp: 'text',
  tmcd: 'timecode',
  meta: 'metadata',
  mdta: 'metadata',
};

/** The kind of a track with this handler type; `other` for unknown or missing handlers. */
export function trackKind(handler: string | undefined): TrackKind {
  return handler !== undefined && Object.prototype.hasOwnProperty.call(HANDLER_KINDS, handler) ? HANDLER_KINDS[handler]! : 'other';
}

/** The kind as MSE sees it: timecode and metadata tracks are `other`. */
export function mediaKind(handler: string | undefined): MediaKind {
  const kind = trackKind(handler);
  return kind === 'video' || kind === 'audio' || kind === 'text' ? kind : 'other';
}
