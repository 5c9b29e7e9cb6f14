/**
 * RFC 6381 codec strings from a sample description: the one derivation behind the Inspector's
 * `derived.codec` and `tracks[].codec`, the lint's codec strings and Compare's codec topic.
 *
 * Input is a sample entry as the box engine decodes it (mp4box.js field names: `AVCProfileIndication`,
 * `general_profile_idc`, `seq_level_idx_0`, …). The structural type below is all this module needs,
 * so it works on `BoxNode`s and on plain objects in tests alike.
 */

export interface ConfigBox {
  type: string;
  version?: number;
  fields: Record<string, unknown>;
  children?: ConfigBox[];
  /**
   * The box engine's derived values. For formats this module does not derive itself (VVC, IAMF…)
   * `codec` holds mp4box.js's string, which the engine puts there before deriving.
   */
  derived?: Record<string, unknown>;
}

export interface CodecString {
  /** e.g. `avc1.64001f`; the sample entry's own four-character code when the config is unreadable. */
  codec: string;
  /** The sample entry four-character code the string was derived from (after `frma` for encrypted entries). */
  format: string;
  /** False when the configuration box was missing or unreadable and the string is only the bare format. */
  complete: boolean;
}

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
const dec2 = (n: number) => String(n).padStart(2, '0');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function child(box: ConfigBox, type: string): ConfigBox | undefined {
  return box.children?.find((c) => c.type === type);
}

/** `avc1.PPCCLL`: profile_idc, constraint flags, level_idc from `avcC`, in hex. */
function avc(format: string, avcC: ConfigBox | undefined): CodecString {
  const f = avcC?.fields ?? {};
  const p = num(f.AVCProfileIndication);
  const c = num(f.profile_compatibility);
  const l = num(f.AVCLevelIndication);
  if (p === undefined || c === undefined || l === undefined) return { codec: format, format, complete: false };
  return { codec: `${format}.${hex2(p)}${hex2(c)}${hex2(l)}`, format, complete: true };
}

/**
 * ISO/IEC 14496-15 Annex E: `hvc1.[A-C]?profile.compat.Ttier_level[.constraint…]`. The compatibility
 * flags are written bit-reversed in hex; trailing zero constraint bytes are omitted.
 */
function hevc(format: string, hvcC: ConfigBox | undefined): CodecString {
  const f = hvcC?.fields ?? {};
  const space = num(f.general_profile_space);
  const idc = num(f.general_profile_idc);
  const compat = num(f.general_profile_compatibility);
  const tier = num(f.general_tier_flag);
  const level = num(f.general_level_idc);
  const constraints = f.general_constraint_indicator;
  if (space === undefined || idc === undefined || compat === undefined || tier === undefined || level === undefined) {
    return { codec: format, format, complete: false };
  }
  let reversed = 0;
  for (let i = 0, v = compat >>> 0; i < 32; i++, v >>>= 1) reversed = ((reversed << 1) | (v & 1)) >>> 0;
  const bytes = constraints instanceof Uint8Array || Array.isArray(constraints) ? Array.from(constraints as ArrayLike<number>) : [];
  while (bytes.length && bytes[bytes.length - 1] === 0) bytes.pop();
  const parts = [format, `${['', 'A', 'B', 'C'][space & 3]}${idc}`, reversed.toString(16), `${tier ? 'H' : 'L'}${level}`, ...bytes.map((b) => b.toString(16))];
  return { codec: parts.join('.'), format, complete: true };
}

/** AV1 codec ISO binding: `av01.P.LLT.DD` (profile, level index + tier, bit depth). */
function av1(format: string, av1C: ConfigBox | undefined): CodecString {
  const f = av1C?.fields ?? {};
  const profile = num(f.seq_profile);
  const level = num(f.seq_level_idx_0);
  if (profile === undefined || level === undefined) return { codec: format, format, complete: false };
  const high = num(f.high_bitdepth) === 1;
  const twelve = num(f.twelve_bit) === 1;
  const depth = profile === 2 && high ? (twelve ? 12 : 10) : high ? 10 : 8;
  return { codec: `${format}.${profile}.${dec2(level)}${num(f.seq_tier_0) ? 'H' : 'M'}.${dec2(depth)}`, format, complete: true };
}

/** VP codec ISO binding: `vp09.PP.LL.DD` from `vpcC`. */
function vp(format: string, vpcC: ConfigBox | undefined): CodecString {
  const f = vpcC?.fields ?? {};
  const profile = num(f.profile);
  const level = num(f.level);
  const depth = num(f.bitDepth);
  if (profile === undefined || level === undefined || depth === undefined) return { codec: format, format, complete: false };
  return { codec: `${format}.${dec2(profile)}.${dec2(level)}.${dec2(depth)}`, format, complete: true };
}

interface Descriptor {
  tag?: number;
  oti?: number;
  data?: Uint8Array | number[];
  descs?: Descriptor[];
}

/**
 * `mp4a.OO[.A]`: the object type indication in hex, and for MPEG-4 Audio (0x40) the audio object type
 * from the first bits of the DecoderSpecificInfo (5 bits, or 6 more after the escape value 31).
 */
function mp4a(format: string, entry: ConfigBox): CodecString {
  const esds = child(entry, 'esds') ?? child(child(entry, 'wave') ?? { type: '', fields: {} }, 'esds');
  const esd = esds?.fields.esd as Descriptor | undefined;
  const dcd = esd?.descs?.find((d) => d?.tag === 4);
  const oti = num(dcd?.oti);
  if (oti === undefined) return { codec: format, format, complete: false };
  const base = `${format}.${hex2(oti)}`;
  if (oti !== 0x40) return { codec: base, format, complete: true };
  const dsi = dcd?.descs?.find((d) => d?.tag === 5);
  const data = dsi?.data;
  if (!data || data.length < 1) return { codec: base, format, complete: false };
  let aot = (data[0]! & 0xf8) >> 3;
  if (aot === 31 && data.length >= 2) aot = 32 + ((data[0]! & 0x07) << 3) + ((data[1]! & 0xe0) >> 5);
  return { codec: `${base}.${aot}`, format, complete: true };
}

/** Formats whose RFC 6381 / registry string is just a fixed name. */
const FIXED: Record<string, string> = {
  Opus: 'opus',
  opus: 'opus',
  fLaC: 'flac',
  'ac-3': 'ac-3',
  'ec-3': 'ec-3',
  'ac-4': 'ac-4',
  '.mp3': 'mp3',
  'mp3 ': 'mp3',
  alac: 'alac',
  wvtt: 'wvtt',
  stpp: 'stpp',
};

/** Whether a sample entry type is a protected wrapper (`encv`, `enca`, `enct`, `encs`, `encm`). */
export function isEncryptedEntry(type: string): boolean {
  return /^enc[vatsm]$/.test(type);
}

/** The format an encrypted entry (`encv`, `enca`…) protects, from `sinf/frma`; the entry's own type otherwise. */
export function originalFormat(entry: ConfigBox): string {
  if (!isEncryptedEntry(entry.type)) return entry.type;
  const frma = child(child(entry, 'sinf') ?? { type: '', fields: {} }, 'frma');
  const fmt = frma?.fields.data_format;
  return typeof fmt === 'string' && fmt.length === 4 ? fmt : entry.type;
}

/** Derive the codec string of one sample entry. */
export function codecString(entry: ConfigBox): CodecString {
  const format = originalFormat(entry);
  switch (format) {
    case 'avc1':
    case 'avc2':
    case 'avc3':
    case 'avc4':
      return avc(format, child(entry, 'avcC'));
    case 'hvc1':
    case 'hev1':
    case 'hvc2':
    case 'hev2':
      return hevc(format, child(entry, 'hvcC'));
    case 'av01':
      return av1(format, child(entry, 'av1C'));
    case 'vp08':
    case 'vp09':
      return vp(format, child(entry, 'vpcC'));
    case 'mp4a':
      return mp4a(format, entry);
  }
  const fixed = FIXED[format];
  if (fixed) return { codec: fixed, format, complete: true };
  // Formats outside the MSE catalogue (VVC, IAMF, captions…): mp4box.js's string when it has one.
  const derived = entry.derived?.codec;
  if (typeof derived === 'string' && derived && entry.type === format) return { codec: derived, format, complete: derived.includes('.') || derived === format };
  return { codec: format.trim(), format, complete: false };
}
