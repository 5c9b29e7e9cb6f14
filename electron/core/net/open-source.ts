/**
 * One door for "a file or a URL the user gave": a local path opens the file source, an http(s)
 * URL the Range source. Node-side only (the file source uses node:fs); the engine takes either.
 */
import { openFileSource, type ByteSource } from '../boxes/source';
import { checkHttpUrl, isHttpUrl, type HttpLog } from './http';
import { openHttpSource } from './http-source';

export async function openSource(input: string, options: { log?: HttpLog } = {}): Promise<ByteSource> {
  return isHttpUrl(input) ? openHttpSource(checkHttpUrl(input), { log: options.log }) : openFileSource(input);
}
