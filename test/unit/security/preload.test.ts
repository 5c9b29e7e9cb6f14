/**
 * The built preload (dist/electron/preload.cjs) run the way a sandboxed Electron renderer runs it:
 * wrapped in `(function (require, process, exports, module, Buffer, global, setImmediate,
 * clearImmediate) {…})` with no __filename, no __dirname, and a `require` that knows only
 * 'electron' (plus events/timers/url). It must load, and expose exactly one function per contract
 * method that forwards to `ipcRenderer.invoke('wb:call', name, args)`, and nothing else.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { filesFromArgv } from '../../../electron/launch-args';
import { methodNames } from '../../../electron/api';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function runSandboxedPreload() {
  const file = path.join(ROOT, 'dist/electron/preload.cjs');
  if (!existsSync(file)) throw new Error('dist/electron/preload.cjs is missing: run "npm run build" first (npm test does).');
  const exposed: Record<string, unknown> = {};
  const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true, result: null })), on: vi.fn(), removeListener: vi.fn() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer,
    webUtils: { getPathForFile: vi.fn(() => '/dropped/file.mp4') },
  };
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    if (['events', 'timers', 'url'].includes(name)) return {};
    throw new Error(`module not found: ${name}`);
  };
  const context = vm.createContext({ console });
  const wrapper = vm.runInContext(`(function (require, process, exports, module, Buffer, global, setImmediate, clearImmediate) {\n${readFileSync(file, 'utf8')}\n})`, context) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} };
  wrapper(sandboxRequire, { env: {}, platform: 'linux' }, module.exports, module, Buffer, context, setImmediate, clearImmediate);
  return { exposed, ipcRenderer, required };
}

describe('the sandboxed preload', () => {
  it('loads without __filename/__dirname and requires only electron', () => {
    const { exposed, required } = runSandboxedPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['workbench']);
  });

  it('exposes exactly the contract methods, each forwarding to one IPC channel', async () => {
    const { exposed, ipcRenderer } = runSandboxedPreload();
    const bridge = exposed.workbench as { mode: string; api: Record<string, (a: unknown) => Promise<unknown>>; on: unknown; pathForFile: unknown };
    expect(Object.keys(bridge).sort()).toEqual(['api', 'mode', 'on', 'pathForFile']);
    expect(bridge.mode).toBe('electron');
    expect(Object.keys(bridge.api).sort()).toEqual([...methodNames].sort());
    for (const name of methodNames) expect(typeof bridge.api[name], name).toBe('function');
    await bridge.api.openPath!({ path: '/x.mp4' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('wb:call', 'openPath', { path: '/x.mp4' });
    // No generic escape hatch: the bridge offers no invoke/send/require of its own.
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/invoke|send|require|ipc/i);
  });
});

describe('files named on a launch command line', () => {
  it('takes files, skips the executable, the app folder and Chromium/OS switches', () => {
    expect(filesFromArgv(['/opt/mwb/media-workbench', '--no-sandbox', 'a.mp4', '-psn_0_123', '/abs/b.mov'], { cwd: '/home/u', isPackaged: true })).toEqual(['/home/u/a.mp4', '/abs/b.mov']);
    expect(filesFromArgv(['/usr/bin/electron', '/src/app', 'c.m4s'], { cwd: '/w', isPackaged: false })).toEqual(['/w/c.m4s']);
    expect(filesFromArgv(['/usr/bin/electron', '.', '--inspect=9229'], { cwd: '/w', isPackaged: false })).toEqual([]);
  });

  it('understands file:// URLs and "--", ignores other URLs and duplicates', () => {
    expect(filesFromArgv(['exe', 'file:///tmp/with%20space.mp4', 'https://evil.example/x.mp4', 'x.mp4', 'x.mp4'], { cwd: '/c', isPackaged: true })).toEqual(['/tmp/with space.mp4', '/c/x.mp4']);
    expect(filesFromArgv(['exe', '--', '-starts-with-dash.mp4'], { cwd: '/c', isPackaged: true })).toEqual(['/c/-starts-with-dash.mp4']);
  });
});
