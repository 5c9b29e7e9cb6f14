/**
 * Parameter sets of AVC and HEVC: which NAL unit types they are, and which ones a decoder
 * configuration box (`avcC`, `hvcC`) carries. The lint (`parameter-sets-missing`, in-band sets of
 * `avc3`/`hev1`) and Compare's parameter-set topics read them from here.
 */
import type { ConfigBox } from './codec-string';

export type NalCodec = 'avc' | 'hevc';
export type ParameterSet = 'vps' | 'sps' | 'pps';

/** NAL unit type from the first header byte (H.264 7.3.1, H.265 7.3.1.2). */
export function nalType(codec: NalCodec, header: number): number {
  return codec === 'avc' ? header & 0x1f : (header >> 1) & 0x3f;
}

/** The parameter set a NAL unit type is: AVC 7 SPS, 8 PPS; HEVC 32 VPS, 33 SPS, 34 PPS. */
export function parameterSetOf(codec: NalCodec, type: number): ParameterSet | undefined {
  if (codec === 'avc') return type === 7 ? 'sps' : type === 8 ? 'pps' : undefined;
  return type === 32 ? 'vps' : type === 33 ? 'sps' : type === 34 ? 'pps' : undefined;
}

/** The parameter sets a decoder needs before its first picture. */
export function neededParameterSets(codec: NalCodec): ParameterSet[] {
  return codec === 'avc' ? ['sps', 'pps'] : ['vps', 'sps', 'pps'];
}

function dataOf(item: unknown): Uint8Array | undefined {
  const data = item && typeof item === 'object' && !Array.isArray(item) && !ArrayBuffer.isView(item) ? (item as { data?: unknown }).data : undefined;
  return data instanceof Uint8Array ? data : undefined;
}

/** The NAL units a decoder configuration (avcC/hvcC) carries, each named (`SPS`, `PPS`, `VPS`, `SEI`…). */
export function configParameterSets(config: ConfigBox | undefined): { kind: string; data: Uint8Array }[] {
  const out: { kind: string; data: Uint8Array }[] = [];
  if (!config) return out;
  const take = (kind: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const data = dataOf(item);
      if (data) out.push({ kind, data });
    }
  };
  if (config.type === 'avcC') {
    take('SPS', config.fields.SPS);
    take('PPS', config.fields.PPS);
    take('SPS-ext', config.fields.SPSExt);
  } else if (config.type === 'hvcC') {
    const arrays = config.fields.nalu_arrays;
    if (!Array.isArray(arrays)) return out;
    for (const arr of arrays) {
      if (!Array.isArray(arr)) continue;
      for (const item of arr) {
        const data = dataOf(item);
        if (!data?.length) continue;
        const type = nalType('hevc', data[0]!);
        const set = parameterSetOf('hevc', type);
        const kind = set ? set.toUpperCase() : type === 39 ? 'SEI' : type === 40 ? 'suffix SEI' : `NAL ${type}`;
        out.push({ kind, data });
      }
    }
  }
  return out;
}

/** Which of VPS/SPS/PPS a decoder configuration carries. */
export function configSets(config: ConfigBox | undefined): Set<ParameterSet> {
  const sets = new Set<ParameterSet>();
  for (const { kind } of configParameterSets(config)) {
    const k = kind.toLowerCase();
    if (k === 'vps' || k === 'sps' || k === 'pps') sets.add(k);
  }
  return sets;
}
