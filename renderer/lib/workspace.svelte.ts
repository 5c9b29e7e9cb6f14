/** Shared renderer state: the opened files and the notices shown to the user. */
import type { OpenedFile } from '../../electron/core/files-types';
import { client, ClientError } from './client';
import { AUTO_DISMISS_MS, type Toast } from './toasts';
import { openTab, syncTabs } from './inspector-tabs.svelte';

export type Notice = Toast;

export const workspace = $state({
  files: [] as OpenedFile[],
  notices: [] as Notice[],
});

let nextNotice = 1;

export function notify(kind: Notice['kind'], text: string): void {
  const notice = { id: nextNotice++, kind, text };
  workspace.notices.push(notice);
  if (kind !== 'error') setTimeout(() => dismiss(notice.id), AUTO_DISMISS_MS);
}

/** Dismiss every error toast (the "Dismiss all" of the stack). */
export function dismissErrors(): void {
  workspace.notices = workspace.notices.filter((n) => n.kind !== 'error');
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

/** The file context menu (right-click on a file picker, a tab or the open-files list). */
export const fileMenu = $state({ open: false, x: 0, y: 0, fileId: null as string | null });

export function openFileMenu(e: MouseEvent, fileId: string | null | undefined): void {
  if (!fileId || !workspace.files.some((f) => f.id === fileId)) return;
  e.preventDefault();
  Object.assign(fileMenu, { open: true, x: e.clientX, y: e.clientY, fileId });
}

/** Close an opened file everywhere (tabs, pickers, the counter): the workspace forgets it. */
export async function closeFile(id: string): Promise<void> {
  const name = workspace.files.find((f) => f.id === id)?.name;
  try {
    await client.call('closeFile', { id });
    workspace.files = workspace.files.filter((f) => f.id !== id);
    syncTabs(workspace.files);
    if (name) notify('info', `Closed ${name}.`);
  } catch (err) {
    notify('error', messageOf(err));
  }
}

/** Open a local path, or an http(s) URL (read with Range requests on the Node side). */
export async function openPath(path: string): Promise<OpenedFile | null> {
  try {
    const wasOpen = new Set(workspace.files.map((f) => f.id));
    const file = /^https?:\/\//i.test(path.trim()) ? await client.call('openUrl', { url: path.trim() }) : await client.call('openPath', { path });
    await refreshFiles();
    syncTabs(workspace.files);
    // Opening a file that is already open brings its tab forward instead of adding it again.
    if (wasOpen.has(file.id)) {
      openTab(file);
      if (location.hash !== '#/inspector') location.hash = '#/inspector';
      notify('info', `${file.name} is already open: showing its tab.`);
    }
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
