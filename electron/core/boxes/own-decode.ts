/**
 * Boxes the engine decodes itself:
 * - where mp4box.js has no parser (`tmcd` sample entry, QuickTime `gmin`/`tcmi`/`name`), and
 * - where mp4box.js's parser is unsafe on hostile input: `stsz` and `trun` loop over a count read
 *   from the file without reading per iteration, so a corrupt count means billions of iterations
 *   (and `stsz` fills an array of that length). These keep mp4box.js's field names but hold the
 *   per-sample tables in typed arrays.
 * - the headers of containers that also have fields (`stsd`, `dref`, `meta`, `iinf`, `iref`),
 *   so the engine can walk their children itself.
 */
import type { BoxFields } from './types';
import { FLAG_BITS, TRUN } from './vocabulary';

export class FieldReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    private readonly record?: (name: string, start: number, end: number) => void,
  ) {
    this.pos = start;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  private take(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new RangeError(`field data runs past the end of the box (needs ${n} bytes at box offset ${this.pos}, box has ${this.bytes.length})`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  mark(name: string, start: number): void {
    this.record?.(name, start, this.pos);
  }
  u8(): number {
    return this.bytes[this.take(1)]!;
  }
  u16(): number {
    const at = this.take(2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }
  i16(): number {
    const v = this.u16();
    return v >= 0x8000 ? v - 0x10000 : v;
  }
  u24(): number {
    const at = this.take(3);
    return (this.bytes[at]! << 16) | (this.bytes[at + 1]! << 8) | this.bytes[at + 2]!;
  }
  u32(): number {
    const at = this.take(4);
    const b = this.bytes;
    return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }
  i32(): number {
    const v = this.u32();
    return v >= 0x80000000 ? v - 0x100000000 : v;
  }
  u64(): number {
    const hi = this.u32();
    return hi * 0x100000000 + this.u32();
  }
  latin1(n: number): string {
    const at = this.take(n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[at + i]!);
    return s;
  }
  utf8(n: number): string {
    const at = this.take(n);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(at, at + n));
  }
  /** Read a 32-bit unsigned field into `fields[name]`, recording its range. */
  u32Into(fields: BoxFields, name: string): number {
    const start = this.pos;
    const v = this.u32();
    fields[name] = v;
    this.record?.(name, start, this.pos);
    return v;
  }
  i32Into(fields: BoxFields, name: string): number {
    const start = this.pos;
    const v = this.i32();
    fields[name] = v;
    this.record?.(name, start, this.pos);
    return v;
  }
  u64Into(fields: BoxFields, name: string): number {
    const start = this.pos;
    const v = this.u64();
    fields[name] = v;
    this.record?.(name, start, this.pos);
    return v;
  }
  /** A named scalar: reads it and records its byte range. */
  field(fields: BoxFields, name: string, read: () => number | string): number | string {
    const start = this.pos;
    const v = read();
    fields[name] = v;
    this.mark(name, start);
    return v;
  }
}

/** Shared empty tables for absent per-sample fields (a length-0 typed array cannot change). */
const EMPTY_U32 = new Uint32Array(0);
const EMPTY_I32 = new Int32Array(0);

export interface OwnDecodeResult {
  fields: BoxFields;
  version?: number;
  flags?: number;
  /** Offset within the box where child boxes start, for boxes that have children. */
  childStart?: number;
  error?: string;
}

type Recorder = (name: string, start: number, end: number) => void;
export type OwnDecoder = (bytes: Uint8Array, headerSize: number, record?: Recorder) => OwnDecodeResult;

function fullHeader(r: FieldReader, out: OwnDecodeResult): void {
  out.version = r.u8();
  out.flags = r.u24();
}

function run(bytes: Uint8Array, headerSize: number, record: Recorder | undefined, body: (r: FieldReader, out: OwnDecodeResult) => void): OwnDecodeResult {
  const out: OwnDecodeResult = { fields: {} };
  const r = new FieldReader(bytes, headerSize, record);
  try {
    body(r, out);
  } catch (err) {
    out.error = err instanceof Error ? err.message : String(err);
  }
  return out;
}

const stsz: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    const f = out.fields;
    f.sample_sizes = new Uint32Array(0);
    if (out.version !== 0) return;
    const sampleSize = r.field(f, 'sample_size', () => r.u32()) as number;
    const count = r.field(f, 'sample_count', () => r.u32()) as number;
    if (sampleSize !== 0) return;
    const start = r.pos;
    const fits = Math.min(count, Math.floor(r.remaining / 4));
    const sizes = new Uint32Array(fits);
    for (let i = 0; i < fits; i++) sizes[i] = r.u32();
    f.sample_sizes = sizes;
    r.mark('sample_sizes', start);
    if (fits < count) throw new RangeError(`sample_count is ${count} but the box holds only ${fits} sizes`);
  });

const trun: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    const f = out.fields;
    const flags = out.flags!;
    const count = r.u32Into(f, 'sample_count');
    if (flags & TRUN.DATA_OFFSET) r.i32Into(f, 'data_offset');
    else f.data_offset = 0;
    if (flags & TRUN.FIRST_SAMPLE_FLAGS) r.u32Into(f, 'first_sample_flags');
    else f.first_sample_flags = 0;
    const hasDur = (flags & TRUN.SAMPLE_DURATION) !== 0;
    const hasSize = (flags & TRUN.SAMPLE_SIZE) !== 0;
    const hasFlags = (flags & TRUN.SAMPLE_FLAGS) !== 0;
    const hasCto = (flags & TRUN.SAMPLE_COMPOSITION_TIME_OFFSET) !== 0;
    const per = 4 * (+hasDur + +hasSize + +hasFlags + +hasCto);
    const fits = per === 0 ? count : Math.min(count, Math.floor(r.remaining / per));
    const dur = hasDur ? new Uint32Array(fits) : EMPTY_U32;
    const size = hasSize ? new Uint32Array(fits) : EMPTY_U32;
    const sflags = hasFlags ? new Uint32Array(fits) : EMPTY_U32;
    const cto = out.version === 0 ? (hasCto ? new Uint32Array(fits) : EMPTY_U32) : hasCto ? new Int32Array(fits) : EMPTY_I32;
    const start = r.pos;
    if (per > 0) {
      for (let i = 0; i < fits; i++) {
        if (hasDur) dur[i] = r.u32();
        if (hasSize) size[i] = r.u32();
        if (hasFlags) sflags[i] = r.u32();
        if (hasCto) cto[i] = out.version === 0 ? r.u32() : r.i32();
      }
    }
    f.sample_duration = dur;
    f.sample_size = size;
    f.sample_flags = sflags;
    f.sample_composition_time_offset = cto;
    if (hasDur) r.mark('sample_duration', start);
    if (hasSize) r.mark('sample_size', start);
    if (hasFlags) r.mark('sample_flags', start);
    if (hasCto) r.mark('sample_composition_time_offset', start);
    if (fits < count) throw new RangeError(`sample_count is ${count} but the box holds only ${fits} samples`);
  });

/*
 * The boxes of every fragment (`mfhd`, `tfhd`, `tfdt`): decoded here, with mp4box.js's field names
 * and its conventions (absent optional tfhd fields read as 0), because a 2 GB fMP4 has thousands
 * of them and building an mp4box.js object and stream for each one dominates the walk.
 */
const mfhd: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    r.u32Into(out.fields, 'sequence_number');
  });

const tfdt: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    if (out.version === 1) r.u64Into(out.fields, 'baseMediaDecodeTime');
    else r.u32Into(out.fields, 'baseMediaDecodeTime');
  });

/** The optional tfhd fields in box order, with their presence bits (from the vocabulary) and widths. */
const TFHD_OPTIONAL: [number, string, 4 | 8][] = FLAG_BITS.tfhd!.filter((b) => b.field !== undefined).map((b) => [b.bit, b.field!, b.field === 'base_data_offset' ? 8 : 4]);

const tfhd: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    const f = out.fields;
    const flags = out.flags!;
    r.u32Into(f, 'track_id');
    for (const [bit, name, width] of TFHD_OPTIONAL) {
      if (flags & bit && r.remaining > 0) {
        if (width === 8) r.u64Into(f, name);
        else r.u32Into(f, name);
      } else f[name] = 0;
    }
  });

/** `stsd`, `dref`: full box + 32-bit entry count, then the entries as child boxes. */
const entryContainer: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    r.field(out.fields, 'entry_count', () => r.u32());
    out.childStart = r.pos;
  });

const iinf: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    r.field(out.fields, 'entry_count', () => (out.version === 0 ? r.u16() : r.u32()));
    out.childStart = r.pos;
  });

const fullContainer: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    out.childStart = r.pos;
  });

/** `meta` is a full box in ISO files but a plain container in QuickTime (detected as mp4box.js does). */
const QT_META_FIRST = new Set(['hdlr', 'mhdr', 'keys', 'ilst', 'ctry', 'lang']);
const meta: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    if (bytes.length >= hs + 8) {
      const t = String.fromCharCode(bytes[hs + 4]!, bytes[hs + 5]!, bytes[hs + 6]!, bytes[hs + 7]!);
      if (QT_META_FIRST.has(t)) {
        out.fields.isQuickTime = true;
        out.childStart = hs;
        return;
      }
    }
    fullHeader(r, out);
    out.childStart = r.pos;
  });

const ipro: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    r.field(out.fields, 'protection_count', () => r.u16());
    out.childStart = r.pos;
  });

/** QuickTime base media info (`gmhd/gmin`). */
const gmin: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    const f = out.fields;
    r.field(f, 'graphicsmode', () => r.u16());
    const start = r.pos;
    f.opcolor = [r.u16(), r.u16(), r.u16()];
    r.mark('opcolor', start);
    r.field(f, 'balance', () => r.i16());
  });

/** QuickTime timecode media information (`gmhd/tmcd/tcmi`). */
const tcmi: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    fullHeader(r, out);
    const f = out.fields;
    r.field(f, 'text_font', () => r.u16());
    r.field(f, 'text_face', () => r.u16());
    r.field(f, 'text_size', () => r.u16());
    r.u16();
    let start = r.pos;
    f.text_color = [r.u16(), r.u16(), r.u16()];
    r.mark('text_color', start);
    start = r.pos;
    f.background_color = [r.u16(), r.u16(), r.u16()];
    r.mark('background_color', start);
    if (r.remaining > 0) {
      start = r.pos;
      const len = r.u8();
      f.font_name = r.latin1(Math.min(len, r.remaining));
      r.mark('font_name', start);
    }
  });

/**
 * `tmcd` timecode sample entry (QuickTime File Format, also used in MP4 by ffmpeg and others):
 * reserved(6) data_reference_index(2) reserved(4) flags(4) timescale(4) frame_duration(4)
 * number_of_frames(1) reserved(1), then optional boxes (`name`).
 */
export const tmcdEntry: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    const f = out.fields;
    r.pos += 6;
    r.field(f, 'data_reference_index', () => r.u16());
    r.u32();
    const flags = r.field(f, 'tc_flags', () => r.u32()) as number;
    f.drop_frame = (flags & 0x1) !== 0;
    f.wraps_24_hours = (flags & 0x2) !== 0;
    f.negative_times_ok = (flags & 0x4) !== 0;
    f.counter = (flags & 0x8) !== 0;
    r.field(f, 'timescale', () => r.u32());
    r.field(f, 'frame_duration', () => r.u32());
    r.field(f, 'number_of_frames', () => r.u8());
    r.u8();
    out.childStart = r.pos;
  });

/** QuickTime `name` inside a `tmcd` sample entry: 16-bit length, 16-bit language, text. */
const qtName: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    const f = out.fields;
    if (r.remaining < 4) {
      f.name = r.utf8(r.remaining);
      return;
    }
    const len = r.field(f, 'length', () => r.u16()) as number;
    r.field(f, 'language', () => r.u16());
    const start = r.pos;
    f.name = r.utf8(Math.min(len, r.remaining));
    r.mark('name', start);
  });

/**
 * `colr`: mp4box.js reads an ICC profile of `size - 4` bytes (past the box end); QuickTime's
 * `nclc` is not decoded there at all. Same field names.
 */
const colr: OwnDecoder = (bytes, hs, rec) =>
  run(bytes, hs, rec, (r, out) => {
    const f = out.fields;
    const kind = r.field(f, 'colour_type', () => r.latin1(4)) as string;
    if (kind === 'nclx' || kind === 'nclc') {
      r.field(f, 'colour_primaries', () => r.u16());
      r.field(f, 'transfer_characteristics', () => r.u16());
      r.field(f, 'matrix_coefficients', () => r.u16());
      if (kind === 'nclx') r.field(f, 'full_range_flag', () => r.u8() >> 7);
    } else if (kind === 'rICC' || kind === 'prof') {
      const start = r.pos;
      f.ICC_profile = bytes.slice(r.pos);
      r.pos = bytes.length;
      r.mark('ICC_profile', start);
    }
  });

/** Decoders by type, for boxes outside `stsd` (sample entries are handled separately). */
export const OWN_DECODERS: Record<string, OwnDecoder> = {
  stsz,
  trun,
  mfhd,
  tfhd,
  tfdt,
  stsd: entryContainer,
  dref: entryContainer,
  iinf,
  iref: fullContainer,
  meta,
  ipro,
  gmin,
  tcmi,
  colr,
};

/** Decoders that apply only below a given parent type. */
export const OWN_DECODERS_IN: Record<string, Record<string, OwnDecoder>> = {
  tmcd: { name: qtName },
};

/** Format a timecode frame count as `HH:MM:SS:FF` (`;` before the frames for drop-frame). */
export function formatTimecode(frame: number, numberOfFrames: number, dropFrame: boolean, wraps24Hours: boolean): string {
  const fps = Math.max(1, numberOfFrames);
  let n = Math.max(0, Math.floor(frame));
  if (dropFrame && (fps === 30 || fps === 60)) {
    // SMPTE drop-frame: skip frame numbers 0,1 (or 0-3 at 60) each minute except every tenth.
    const drop = fps === 30 ? 2 : 4;
    const perMinute = fps * 60 - drop;
    const perTen = perMinute * 10 + drop;
    const tens = Math.floor(n / perTen);
    const rest = n % perTen;
    n += drop * 9 * tens + (rest > drop ? drop * Math.floor((rest - drop) / perMinute) : 0);
  }
  const ff = n % fps;
  const totalSeconds = Math.floor(n / fps);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  let hh = Math.floor(totalSeconds / 3600);
  if (wraps24Hours) hh %= 24;
  const two = (v: number) => String(v).padStart(2, '0');
  return `${two(hh)}:${two(mm)}:${two(ss)}${dropFrame ? ';' : ':'}${two(ff)}`;
}
