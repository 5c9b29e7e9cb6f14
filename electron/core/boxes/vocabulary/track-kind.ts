/**
 * What kind of track a `hdlr` handler type makes, and what to call it: one table for the
 * Inspector, the lint, Compare and the renderer. Plain data, no Node imports.
 */

export type TrackKind = 'video' | 'audio' | 'text' | 'timecode' | 'metadata' | 'other';

/** The kinds MSE distinguishes (a SourceBuffer's container type): the rest is `other`. */
export type MediaKind = 'video' | 'audio' | 'text' | 'other';

export interface HandlerEntry {
  kind: TrackKind;
  /** What a person reads ("the audio track", "subtitles 2"). */
  label: string;
}

/** Handler types (ISO/IEC 14496-12 8.4.3 and the QuickTime handlers seen in the wild). */
export const HANDLERS: Readonly<Record<string, HandlerEntry>> = {
  vide: { kind: 'video', label: 'video' },
  auxv: { kind: 'video', label: 'auxiliary video' },
  pict: { kind: 'video', label: 'picture' },
  soun: { kind: 'audio', label: 'audio' },
  text: { kind: 'text', label: 'text' },
  subt: { kind: 'text', label: 'subtitles' },
  sbtl: { kind: 'text', label: 'subtitles' },
  clcp: { kind: 'text', label: 'captions' },
  tmcd: { kind: 'timecode', label: 'timecode' },
  meta: { kind: 'metadata', label: 'metadata' },
  mdta: { kind: 'metadata', label: 'metadata' },
  hint: { kind: 'other', label: 'hint' },
};

function entryOf(handler: string | undefined): HandlerEntry | undefined {
  return handler !== undefined && Object.prototype.hasOwnProperty.call(HANDLERS, handler) ? HANDLERS[handler] : undefined;
}

/** The kind of a track with this handler type; `other` for unknown or missing handlers. */
export function trackKind(handler: string | undefined): TrackKind {
  return entryOf(handler)?.kind ?? 'other';
}

/** The kind as MSE sees it: timecode and metadata tracks are `other`. */
export function mediaKind(handler: string | undefined): MediaKind {
  const kind = trackKind(handler);
  return kind === 'video' || kind === 'audio' || kind === 'text' ? kind : 'other';
}

/** `audio`, `subtitles`…; an unknown handler type is quoted as written (`'xyzw'`). */
export function handlerLabel(handler: string): string {
  return entryOf(handler)?.label ?? `'${handler}'`;
}
