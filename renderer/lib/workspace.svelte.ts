/** Shared renderer state: the opened files and the notices shown to the user. */
import type { OpenedFile } from '../../electron/core/files-types';
import { client, ClientError } from './client';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const workspace = $state({
  files: [] as OpenedFile[],
  notices: [] as Notice[],
});

let nextNotice = 1;

export function notify(kind: Notice['kind'], text: string): void {
  const notice = { id: nextNotice++, kind, text };
  workspace.notices.push(notice);
  if (kind === 'info') setTimeout(() => dismiss(notice.id), 6000);
}

export function dismiss(id: number): void {
  workspace.notices = workspace.notices.filter((n) => n.id !== id);
}

export function messageOf(err: unknown): string {
  if (err instanceof ClientError || err instanceof Error) return err.message;
  return String(err);
}

export async function refreshFiles(): Promise<void> {
  workspace.files = await client.call('listFiles', {});
}

/** Open a local path, or an http(s) URL (read with Range requests on the Node side). */
export async function openPath(path: string): Promise<OpenedFile | null> {
  try {
    const file = /^https?:\/\//i.test(path.trim()) ? await client.call('openUrl', { url: path.trim() }) : await client.call('openPath', { path });
    await refreshFiles();
    return file;
  } catch (err) {
    notify('error', messageOf(err));
    return null;
  }
}

/**
 * Files dropped or chosen in the browser (web mode, static build): the engine worker reads them
 * from the `File` (nothing is uploaded). Answers the opened files, newest last.
 */
export async function openBrowserFiles(files: File[]): Promise<OpenedFile[]> {
  if (!files.length) return [];
  try {
    const opened = await client.openBrowserFiles(files);
    await refreshFiles();
    return opened;
  } catch (err) {
    notify('error', messageOf(err));
    return [];
  }
}

export function startWorkspaceSync(): void {
  client.on('files.changed', ({ files }) => {
    workspace.files = files;
  });
  refreshFiles().catch((err: unknown) => notify('error', messageOf(err)));
}
