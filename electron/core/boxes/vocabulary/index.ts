/**
 * The box vocabulary: each fact about boxes that more than one part of the app prints or decides
 * on, written once. Flag bits and their names, sample flags, the handler → track kind map, and the
 * RFC 6381 codec string of a sample entry (encrypted entries through `sinf/frma`), and the AVC/HEVC
 * parameter sets (NAL types, what a decoder configuration carries), and DRM system names.
 *
 * The Inspector, Compare, the MSE lint and the renderer all import it from here. Plain data and
 * pure functions: no Node imports, so the renderer (and a Web Worker) can use it as is.
 */
export {
  FLAG_BITS,
  SAMPLE_FLAGS,
  SENC,
  TFHD,
  TKHD,
  TRUN,
  describeSampleFlags,
  fieldPresent,
  flagNames,
  flagsText,
  hex32,
  hexFlags,
  isSampleFlagsField,
  isSyncFlags,
  presenceBit,
  sampleFlagFields,
  type FlagBit,
} from './flags';
export { HANDLERS, handlerLabel, mediaKind, trackKind, type HandlerEntry, type MediaKind, type TrackKind } from './track-kind';
export { codecString, isEncryptedEntry, originalFormat, type CodecString, type ConfigBox } from './codec-string';
export { DRM_SYSTEMS, drmSystemName } from './drm';
export { configParameterSets, configSets, nalType, neededParameterSets, parameterSetOf, type NalCodec, type ParameterSet } from './parameter-sets';
