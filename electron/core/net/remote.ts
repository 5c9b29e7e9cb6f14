/**
 * Remote inputs for the box engine: inspect an http(s) URL through its fragment index, with the
 * requests and bytes it cost. No `node:*` import.
 */
import { inspectBoxes, parseBoxTreeIndexed, type IndexedParseOptions, type IndexedProgress, type InspectOptions } from '../boxes';
import type { InspectResult } from '../boxes/types';
import { WorkbenchError } from '../errors';
import { HttpLog, type HttpExchange } from './http';
import { openHttpSource, type HttpByteSource, type HttpSourceOptions } from './http-source';

/** What fetching an input cost, and what the server answered first. */
export interface HttpCost {
  bytesFetched: number;
  requests: number;
  /** Where fragment offsets came from (`null`: walked box by box). */
  index: 'mfra' | 'sidx' | null;
  exchange: HttpExchange;
}

export interface RemoteInspectOptions extends InspectOptions, HttpSourceOptions, Pick<IndexedParseOptions, 'concurrency' | 'progressMs'> {
  onProgress?: (progress: IndexedProgress) => void;
}

export type RemoteInspectResult = InspectResult & { http: HttpCost };

/** Inspect a remote MP4 through an HTTP Range source; throws (naming the URL) when it cannot be read. */
export async function inspectUrl(url: string, options: RemoteInspectOptions = {}): Promise<RemoteInspectResult> {
  const log = options.log ?? new HttpLog();
  const source: HttpByteSource = await openHttpSource(url, { ...options, log });
  try {
    const tree = await parseBoxTreeIndexed(source, options);
    const result = await inspectBoxes(source, tree.boxes, options);
    return { ...result, http: { bytesFetched: log.bytesFetched, requests: log.requests, index: tree.index, exchange: source.exchange } };
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw new WorkbenchError('EIO', `${url} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await source.close();
  }
}
