/** A file the user opened in this session. Only these can be read by the UI. */
export interface OpenedFile {
  /** Random, unguessable id; the UI reads bytes by id, never by path. */
  id: string;
  /** The local path, or for a remote input its http(s) URL (then `url` is set too). */
  path: string;
  /** Set for an http(s) input: read with Range requests, never downloaded whole. */
  url?: string;
  name: string;
  size: number;
  mtimeMs: number;
  openedAt: number;
}
