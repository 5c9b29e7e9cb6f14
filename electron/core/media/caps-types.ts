export interface CodecEntry {
  name: string;
  kind: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';
  description: string;
  experimental: boolean;
}
export interface FormatEntry {
  name: string;
  description: string;
  demux: boolean;
  mux: boolean;
}
export interface FilterEntry {
  name: string;
  io: string;
  description: string;
}
export interface BinaryInfo {
  path: string;
  source: 'env' | 'bundled' | 'path';
  tried: string[];
  /** Binaries found but refused (see ResolvedBinary.passedOver). */
  passedOver: string[];
  version: string;
}
export interface Capabilities {
  ffmpeg: BinaryInfo;
  ffprobe: BinaryInfo | null;
  /** Why ffprobe is missing, when it is. */
  ffprobeError?: string;
  configuration: string;
  encoders: CodecEntry[];
  decoders: CodecEntry[];
  muxers: FormatEntry[];
  demuxers: FormatEntry[];
  filters: FilterEntry[];
  hwaccels: string[];
}
