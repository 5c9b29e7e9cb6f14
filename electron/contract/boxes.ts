/**
 * The box inspector's methods. A file is parsed once (`inspectOpen`) and kept on the Node side;
 * the UI then asks for pages of tree rows, one box's details, and pages of samples, so a tree of
 * 100k+ boxes never crosses the boundary as one giant message. Media bytes for the hex view come
 * through the file URL (`readRange` in the renderer).
 */
import { z } from 'zod';
import type { BoxJson } from '../core/boxes/json';
import type { BoxDetail, InspectSummary, SampleChart, SamplePage, TreePage } from '../core/boxes/session';
import type { InspectResult, TrackInfo } from '../core/boxes/types';
import { fileId, method, text } from './method';

export type { BoxDetail, FieldRow, InspectSummary, SampleChart, SamplePage, TreePage, TreeRow } from '../core/boxes/session';
export type { FieldRange } from '../core/boxes/field-ranges';
export type { BoxJson, JsonValue } from '../core/boxes/json';
export type { BoxError, SampleRow, TimecodeInfo, TrackInfo } from '../core/boxes/types';

export interface BoxesEvents {
  /**
   * A remote file's tree grew (`done` of `total` fragments read) or is complete (`final`): ask for
   * the summary and rows again.
   */
  'inspect.progress': { id: string; done: number; total: number; final: boolean };
}

const nodeNumber = z.number().int().min(0).max(100_000_000);
const treeView = {
  /** Node numbers whose children are shown. */
  expanded: z.array(nodeNumber).max(200_000).optional(),
  /** Box types to list instead of the tree (`trun`, `moof tfdt`, `tf*`); matched in memory only. */
  filter: text(400).optional(),
};

export const boxesContract = {
  inspectOpen: method(
    z.object({ id: fileId, refresh: z.boolean().optional(), rows: z.number().int().min(0).max(2000).optional() }).strict(),
    'Parse an opened file\'s boxes (kept for the session) and summarize it: errors, counts, and the first `rows` rows of the tree (tracks come from inspectTracks).',
  ).returns<InspectSummary>(),
  inspectTracks: method(
    z.object({ id: fileId }).strict(),
    'Track summaries of an opened file (codec, size, sample count, duration…), computed after the first rows are shown.',
  ).returns<TrackInfo[]>(),
  inspectRows: method(
    z.object({ id: fileId, ...treeView, start: z.number().int().min(0), count: z.number().int().min(0).max(2000) }).strict(),
    'A page of visible tree rows: the box tree with the given nodes expanded, or the boxes matching a filter.',
  ).returns<TreePage>(),
  inspectLocate: method(
    z.object({ id: fileId, node: nodeNumber, ...treeView }).strict(),
    'Where a box is in the visible rows once its ancestors are expanded (to reveal it).',
  ).returns<{ position: number; ancestors: number[] }>(),
  inspectBox: method(
    z.object({ id: fileId, node: nodeNumber }).strict(),
    'One box: decoded fields and the byte ranges of its header parts and fields.',
  ).returns<BoxDetail>(),
  inspectBoxJson: method(
    z.object({ id: fileId, node: nodeNumber, children: z.boolean().optional() }).strict(),
    'One box (with its children unless children is false) as JSON, for copying.',
  ).returns<BoxJson>(),
  inspectTreeJson: method(
    z.object({ id: fileId }).strict(),
    'The whole tree, tracks and errors in the "mwb inspect --json" shape, for export.',
  ).returns<{ file: string; size: number; boxes: BoxJson[]; tracks: TrackInfo[]; errors: InspectResult['errors'] }>(),
  inspectSamples: method(
    z.object({ id: fileId, trackId: z.number().int().min(0), start: z.number().int().min(0), count: z.number().int().min(0).max(5000) }).strict(),
    'A page of one track\'s sample table (decode order).',
  ).returns<SamplePage>(),
  inspectSampleChart: method(
    z.object({ id: fileId, trackId: z.number().int().min(0), buckets: z.number().int().min(16).max(4000) }).strict(),
    'Sample sizes over time for a chart (bucketed when there are many samples), with the keyframes.',
  ).returns<SampleChart>(),
} as const;
