/**
 * Codec strings as MSE uses them: the MIME type `MediaSource.isTypeSupported`/`addSourceBuffer`
 * need for a set of tracks. The RFC 6381 derivation itself is the box vocabulary's (one for the
 * Inspector, the lint and Compare); it is re-exported here for the MSE modules.
 */
import type { MediaKind } from '../boxes/vocabulary';

export { codecString, originalFormat, type CodecString, type ConfigBox } from '../boxes/vocabulary';

/** `video/mp4; codecs="avc1.64001f"` (or `audio/mp4` when nothing visual is in it). */
export function mimeType(kinds: MediaKind[], codecs: string[]): string {
  const container = kinds.includes('video') ? 'video/mp4' : kinds.includes('audio') ? 'audio/mp4' : 'application/mp4';
  return codecs.length ? `${container}; codecs="${codecs.join(',')}"` : container;
}
