/** A file the user opened in this session. Only these can be read by the UI. */
export interface OpenedFile {
  /** Random, unguessable id; the UI reads bytes by id, never by path. */
  id: string;
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
  openedAt: number;
}
