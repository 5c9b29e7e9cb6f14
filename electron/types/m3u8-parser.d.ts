/** The part of m3u8-parser's output the manifest reader uses (the package ships no types). */
declare module 'm3u8-parser' {
  export interface M3u8ByteRange {
    length: number;
    offset: number;
  }
  export interface M3u8Segment {
    uri: string;
    duration?: number;
    byterange?: M3u8ByteRange;
    map?: { uri?: string; byterange?: M3u8ByteRange };
    discontinuity?: boolean;
    timeline?: number;
  }
  export interface M3u8Playlist {
    uri: string;
    attributes: Record<string, unknown> & { BANDWIDTH?: number; 'AVERAGE-BANDWIDTH'?: number; CODECS?: string; RESOLUTION?: { width: number; height: number } };
    timeline?: number;
  }
  export interface M3u8MediaRendition {
    uri?: string;
    default?: boolean;
    autoselect?: boolean;
    language?: string;
  }
  export interface M3u8Manifest {
    segments: M3u8Segment[];
    playlists?: M3u8Playlist[];
    iFramePlaylists?: M3u8Playlist[];
    mediaGroups?: Record<string, Record<string, Record<string, M3u8MediaRendition>>>;
    targetDuration?: number;
    mediaSequence?: number;
    discontinuityStarts?: number[];
    endList?: boolean;
    playlistType?: string;
  }
  export class Parser {
    manifest: M3u8Manifest;
    push(chunk: string): void;
    end(): void;
    on(event: 'warn' | 'info', listener: (e: { message: string }) => void): void;
  }
}
