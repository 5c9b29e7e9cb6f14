/**
 * Save bytes the page made as a file: a download of a Blob URL. In web mode the browser saves it;
 * in Electron the same download goes through the session's save dialog.
 */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by then; the URL only keeps the Blob alive.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
