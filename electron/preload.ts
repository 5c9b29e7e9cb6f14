/**
 * The only bridge between the sandboxed renderer and the Node side. It exposes `window.workbench`:
 * one function per contract method (derived by iterating the contract, so it can never offer more
 * than the contract does), an event subscription, and the path of a dropped file.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { methodNames } from './api';

const api: Record<string, (args: unknown) => Promise<unknown>> = {};
for (const name of methodNames) {
  api[name] = (args: unknown) => ipcRenderer.invoke('wb:call', name, args);
}

contextBridge.exposeInMainWorld('workbench', {
  mode: 'electron',
  api,
  on(listener: (event: string, payload: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on('wb:event', wrapped);
    return () => ipcRenderer.removeListener('wb:event', wrapped);
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
});
