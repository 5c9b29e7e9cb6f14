/**
 * A look at the first NAL units of an AVC/HEVC sample: is it an IDR/IRAP picture, and does it carry
 * parameter sets in-band. Reads only the NAL headers (length-prefixed, as in MP4).
 */

import { nalType, parameterSetOf, type NalCodec, type ParameterSet } from '../boxes/vocabulary';

export type { NalCodec } from '../boxes/vocabulary';

export interface NalSummary {
  /** NAL unit types in order (bounded). */
  types: number[];
  /** Type of the first VCL NAL unit, when one was found. */
  firstVcl?: number;
  /** The first VCL NAL is an IDR (AVC 5) or IRAP (HEVC 16–23) picture. */
  random: boolean;
  /** In-band parameter sets seen: `sps`, `pps` (and `vps` for HEVC). */
  sets: Set<ParameterSet>;
  /** The length prefixes did not line up with the sample: the data is not plain length-prefixed NALs (e.g. encrypted). */
  malformed: boolean;
}

function isVcl(codec: NalCodec, t: number): boolean {
  return codec === 'avc' ? t >= 1 && t <= 5 : t <= 31;
}

export function summarizeNals(codec: NalCodec, data: Uint8Array, lengthSize: number, sampleSize = data.length): NalSummary {
  const out: NalSummary = { types: [], random: false, sets: new Set(), malformed: false };
  let at = 0;
  while (at + lengthSize < data.length && out.types.length < 64) {
    let len = 0;
    for (let i = 0; i < lengthSize; i++) len = len * 256 + data[at + i]!;
    at += lengthSize;
    if (len === 0 || at + len > sampleSize) {
      out.malformed = true;
      break;
    }
    const header = data[at]!;
    // forbidden_zero_bit must be 0 in every NAL unit header.
    if (header & 0x80) {
      out.malformed = true;
      break;
    }
    const t = nalType(codec, header);
    out.types.push(t);
    const set = parameterSetOf(codec, t);
    if (set) out.sets.add(set);
    if (out.firstVcl === undefined && isVcl(codec, t)) {
      out.firstVcl = t;
      out.random = codec === 'avc' ? t === 5 : t >= 16 && t <= 23;
    }
    at += len;
  }
  return out;
}

export function avcNalName(t: number): string {
  return ({ 1: 'non-IDR slice', 5: 'IDR slice', 6: 'SEI', 7: 'SPS', 8: 'PPS', 9: 'access unit delimiter' } as Record<number, string>)[t] ?? `type ${t}`;
}

export function hevcNalName(t: number): string {
  if (t >= 16 && t <= 23) return ['BLA_W_LP', 'BLA_W_RADL', 'BLA_N_LP', 'IDR_W_RADL', 'IDR_N_LP', 'CRA', 'IRAP', 'IRAP'][t - 16]!;
  return ({ 0: 'TRAIL_N', 1: 'TRAIL_R', 8: 'RASL_N', 9: 'RASL_R', 32: 'VPS', 33: 'SPS', 34: 'PPS', 35: 'AUD', 39: 'SEI' } as Record<number, string>)[t] ?? `type ${t}`;
}
