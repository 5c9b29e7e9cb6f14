/** Whole-file inspection: box tree, tracks, errors, format verdict. */
import { DEFAULTS, parseBoxTree, visit } from './parse';
import type { ByteSource } from './source';
import { describeTracks } from './tracks';
import type { BoxNode, InspectResult, ParseOptions } from './types';

export interface InspectOptions extends ParseOptions {
  /** Build track summaries (needs the sample tables; default true). */
  tracks?: boolean;
}

/** Box types that can start an ISO BMFF / QuickTime file or segment. */
const FIRST_BOX_TYPES = new Set([
  'ftyp', 'styp', 'moov', 'moof', 'mdat', 'free', 'skip', 'wide', 'sidx', 'pnot', 'uuid', 'emsg', 'prft', 'meta', 'pdin', 'junk', 'jP  ', 'ssix',
]);

/** Whether a parsed tree looks like ISO BMFF at all (as opposed to, say, a text file). */
export function looksLikeIsoBmff(boxes: BoxNode[]): boolean {
  const first = boxes[0];
  return !!first && FIRST_BOX_TYPES.has(first.type) && first.error?.rule !== 'box-size-invalid';
}

/** The first box's type when it is a well-formed box of a type that does not usually start a file. */
export function unexpectedFirstBox(boxes: BoxNode[]): string | undefined {
  const first = boxes[0];
  if (!first || looksLikeIsoBmff(boxes) || !/^[\x20-\x7e]{4}$/.test(first.type) || !/[A-Za-z]/.test(first.type)) return undefined;
  if (first.error && (first.error.rule === 'box-size-invalid' || first.error.rule === 'box-truncated')) return undefined;
  return first.type;
}

export async function inspectSource(source: ByteSource, options: InspectOptions = {}): Promise<InspectResult> {
  return inspectBoxes(source, await parseBoxTree(source, options), options);
}

/** The inspection result of an already parsed tree (e.g. one found through a fragment index). */
export async function inspectBoxes(source: ByteSource, boxes: BoxNode[], options: InspectOptions = {}): Promise<InspectResult> {
  const errors: InspectResult['errors'] = [];
  let nodeCount = 0;
  visit(boxes, (n) => {
    nodeCount++;
    if (n.error && errors.length < 1000) errors.push({ path: n.path, offset: n.offset, type: n.type, rule: n.error.rule, message: n.error.message });
  });
  const brandBox = boxes.find((b) => b.type === 'ftyp') ?? boxes.find((b) => b.type === 'styp');
  const brand = brandBox?.fields.major_brand;
  const result: InspectResult = {
    file: source.name,
    size: source.size,
    boxes,
    tracks: options.tracks === false ? [] : await describeTracks(boxes, source),
    format: looksLikeIsoBmff(boxes) ? 'isobmff' : 'unknown',
    fragmented: boxes.some((b) => b.type === 'moof'),
    errors,
    nodeCount,
    nodeLimitReached: nodeCount >= (options.maxNodes ?? DEFAULTS.maxNodes),
  };
  if (typeof brand === 'string') result.majorBrand = brand;
  const unexpected = unexpectedFirstBox(boxes);
  if (unexpected) result.unexpectedFirstBox = unexpected;
  return result;
}
