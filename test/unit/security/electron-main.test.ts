/**
 * The desktop app's main process as it ships — dist/electron/main.cjs, built by `npm run build` —
 * run against a stand-in for the `electron` module that enforces what Electron 45 enforces
 * (electron-mock.ts: the ready lifecycle, origins with Chromium's trailing slash, structured-clone
 * IPC, match-pattern filters, destroyed windows, Windows-only APIs). Electron's binary cannot run
 * here. Proves the hardening rather than assuming it: window preferences, navigation and
 * window.open blocking, permissions, network blocking, IPC sender and argument checks, the app://
 * protocol's file boundary, the single-instance hand-over, and the launch details of issue 12.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../../electron/api';
import { fmp4 } from '../../fixtures/generate';
import { BUILT_MAIN, createElectronMock, loadBuiltMain, matchesPattern, MockBrowserWindow, MockWebContents, parseMatchPattern, settle, type MockElectron } from './electron-mock';
import { startFixtureServer } from '../../fixtures/http-server';

const ROOT = path.resolve(import.meta.dirname, '../../..');

let tmp: string;
beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mwb-main-')));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let runs = 0;
interface StartOptions {
  gotLock?: boolean;
  isPackaged?: boolean;
  argv?: string[];
  platform?: NodeJS.Platform;
  /** Leave the app before `ready` (to look at what the script did on its own). */
  notReady?: boolean;
}

/** A fresh app-data folder per run, the built main.cjs loaded, then `ready` (unless notReady). */
async function startMain(options: StartOptions = {}): Promise<MockElectron> {
  const appData = path.join(tmp, `appData-${++runs}`);
  await mkdir(appData, { recursive: true });
  const mock = createElectronMock({ ...options, appData });
  const argv = options.argv ?? (options.isPackaged ? ['/opt/Media Workbench/media-workbench'] : ['/usr/bin/electron', ROOT]);
  loadBuiltMain(mock, { argv, platform: options.platform });
  if (!options.notReady) await mock.ready();
  return mock;
}

const APP_PAGE = 'app://workbench/index.html#/inspector';
const trusted = { senderFrame: { url: APP_PAGE } };
type Answer = { ok: boolean; result?: unknown; error?: { code: string; message: string } };
const call = (mock: MockElectron, event: unknown, name: unknown, args: unknown) => mock.invoke('wb:call', event, name, args) as Promise<Answer>;
const openedPaths = (win: MockBrowserWindow) =>
  win.webContents.sent.filter((c) => c[0] === 'wb:event' && c[1] === 'files.opened').map((c) => (c[2] as { file: { path: string } }).file.path);

describe('the stand-in enforces what Electron 45 enforces', () => {
  it('before-ready-only calls throw after ready, after-ready-only calls throw before', async () => {
    const mock = createElectronMock({ appData: tmp });
    const m = mock.module as {
      app: { enableSandbox(): void };
      BrowserWindow: new (o: unknown) => unknown;
      session: { defaultSession: unknown };
      protocol: { handle(s: string, f: unknown): void; registerSchemesAsPrivileged(s: unknown[]): void };
    };
    expect(() => new m.BrowserWindow({ webPreferences: {} })).toThrow('Cannot create BrowserWindow before app is ready');
    expect(() => m.session.defaultSession).toThrow('Session can only be received when app is ready');
    expect(() => m.protocol.handle('app', () => {})).toThrow(/before the app is ready/);
    m.protocol.registerSchemesAsPrivileged([{ scheme: 'x', privileges: { standard: true } }]);
    expect(() => m.protocol.registerSchemesAsPrivileged([])).toThrow(/only be called once/);
    let readyResolved = false;
    void mock.app.whenReady().then(() => (readyResolved = true));
    await settle();
    expect(readyResolved).toBe(false);
    await mock.ready();
    expect(readyResolved).toBe(true);
    expect(() => m.app.enableSandbox()).toThrow('app.enableSandbox() can only be called before app is ready');
    expect(() => new m.BrowserWindow({ webPreferences: {} })).not.toThrow();
  });

  it('origins carry the trailing slash; only standard schemes have a host in theirs', async () => {
    const mock = createElectronMock({ appData: tmp });
    expect(mock.originOf('app://workbench/index.html')).toBe('null'); // not registered as standard yet
    (mock.module.protocol as { registerSchemesAsPrivileged(s: unknown[]): void }).registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true } }]);
    expect(mock.originOf('app://workbench/index.html#/caps')).toBe('app://workbench/');
    expect(mock.originOf('https://evil.example:8443/x?y')).toBe('https://evil.example:8443/');
    expect(mock.originOf('file:///etc/passwd')).toBe('file:///');
    expect(mock.originOf('data:text/html,hi')).toBe('null');
  });

  it('IPC results and sent payloads are structured-cloned: an uncloneable one fails', async () => {
    const mock = createElectronMock({ appData: tmp });
    const ipcMain = mock.module.ipcMain as { handle(c: string, f: (...a: unknown[]) => unknown): void };
    ipcMain.handle('fn', () => ({ ok: true, result: { run() {} } }));
    ipcMain.handle('date', () => ({ when: new Date(0), big: 1n }));
    await expect(mock.invoke('fn', trusted)).rejects.toThrow(/the result could not be cloned/);
    expect(await mock.invoke('date', trusted)).toEqual({ when: new Date(0), big: 1n });
    expect(() => ipcMain.handle('fn', () => 1)).toThrow("Attempted to register a second handler for 'fn'");
    const contents = new MockWebContents();
    expect(() => contents.send('wb:event', 'x', { cb: () => 1 })).toThrow(/Failed to serialize arguments/);
  });

  it("a destroyed window's methods and its page's send throw; it leaves getAllWindows", async () => {
    const mock = createElectronMock({ appData: tmp });
    await mock.ready();
    const win = new MockBrowserWindow({ webPreferences: {} });
    win.close();
    expect(() => win.webContents.send('wb:event', 'files.changed', {})).toThrow('Object has been destroyed');
    expect(() => win.focus()).toThrow('Object has been destroyed');
    expect(MockBrowserWindow.getAllWindows()).toEqual([]);
  });

  it("filter patterns follow Chromium's match-pattern rules", () => {
    const std = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);
    // Electron's documented examples are valid…
    for (const p of ['http://foo:1234/', 'http://foo.com/', 'http://foo:1234/bar', '*://*/*', '*://example.com/*', '*://example.com/foo/*', '<all_urls>', 'file://*/*', 'file:///home/*']) {
      expect(typeof parseMatchPattern(p, std), p).toBe('object');
    }
    // …and these are not (Electron throws "Invalid url pattern …").
    const invalid: Array<[string, string]> = [
      ['http', 'kMissingSchemeSeparator'],
      ['http:/bar', 'kWrongSchemeSeparator'],
      ['http://', 'kEmptyHost'],
      ['http:///x', 'kEmptyHost'],
      ['http://*', 'kEmptyPath'],
      ['http://bar', 'kEmptyPath'],
      ['http://*foo/bar', 'kInvalidHostWildcard'],
      ['http://foo.*.bar/baz', 'kInvalidHostWildcard'],
      ['http://foo:99999/', 'kInvalidPort'],
      ['data://x/', 'kWrongSchemeSeparator'],
    ];
    for (const [p, why] of invalid) expect(parseMatchPattern(p, std), p).toBe(why);
    const star = parseMatchPattern('*://*/*', std);
    if (typeof star === 'string') throw new Error(star);
    expect(matchesPattern(star, 'https://a.example/x')).toBe(true);
    expect(matchesPattern(star, 'ws://a.example/x')).toBe(false); // "*" is http and https only
  });
});

describe('start-up order (Electron 45 lifecycle)', () => {
  it('the script registers privileges and the sandbox before ready, and builds nothing before it', async () => {
    const mock = await startMain({ notReady: true });
    expect(mock.app.enableSandbox).toHaveBeenCalled();
    expect(MockBrowserWindow.windows).toHaveLength(0);
    expect(mock.ipcHandlers.size).toBe(0);
    expect(mock.protocolHandlers.size).toBe(0);
    await mock.ready();
    expect(MockBrowserWindow.windows).toHaveLength(1);
    expect([...mock.ipcHandlers.keys()]).toEqual(['wb:call']);
    expect([...mock.protocolHandlers.keys()]).toEqual(['app']);
  });

  it('registers app: as standard, secure, fetch- and stream-capable, and nothing more', async () => {
    const mock = await startMain();
    expect(mock.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
  });

  it('runs the built main.cjs: the preload path it builds from __dirname is the real file beside it', async () => {
    await startMain();
    const prefs = MockBrowserWindow.windows[0]!.options.webPreferences;
    expect(prefs.preload).toBe(path.join(path.dirname(BUILT_MAIN), 'preload.cjs'));
    expect(existsSync(String(prefs.preload))).toBe(true);
  });
});

describe('the desktop window', () => {
  it('is created with the hardened webPreferences and loads the app origin', async () => {
    const mock = await startMain();
    expect(MockBrowserWindow.windows).toHaveLength(1);
    const win = MockBrowserWindow.windows[0]!;
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(String(prefs.disableBlinkFeatures)).toContain('Auxclick');
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(mock.app.enableSandbox).toHaveBeenCalled();
    expect(win.loadURL).toHaveBeenCalledWith('app://workbench/index.html');
  });
});

describe('navigation and new windows', () => {
  it('blocks navigation, redirects and frames to any other origin', async () => {
    const mock = await startMain();
    const contents = new MockWebContents();
    mock.app.emit('web-contents-created', {}, contents);
    const attempt = (event: string, url: string) => {
      const e = { preventDefault: vi.fn(), url };
      if (event === 'will-frame-navigate') contents.emit(event, e);
      else contents.emit(event, e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      for (const url of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'not a url', '']) {
        expect(attempt(event, url), `${event} ${url}`).toBe(true);
      }
      expect(attempt(event, 'app://workbench/index.html#/caps'), event).toBe(false);
    }
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every window.open; only https links go to the system browser', async () => {
    const mock = await startMain();
    const contents = new MockWebContents();
    mock.app.emit('web-contents-created', {}, contents);
    const open = (url: string) => contents.windowOpenHandler!({ url });
    for (const url of ['https://github.com/', 'app://workbench/index.html', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@example.com/', 'smb://host/share']) {
      expect(open(url), url).toEqual({ action: 'deny' });
    }
    expect(mock.shell.openExternal.mock.calls.map((c) => c[0])).toEqual(['https://github.com/']);
  });
});

describe('permissions and network', () => {
  it('grants only fullscreen and clipboard writes, and only to the app origin', async () => {
    const mock = await startMain();
    expect(mock.requestPermission('fullscreen', 'app://workbench/index.html')).toBe(true);
    expect(mock.requestPermission('clipboard-sanitized-write', 'app://workbench/index.html')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'midi', 'hid', 'serial', 'clipboard-read']) {
      expect(mock.requestPermission(p, 'app://workbench/index.html'), p).toBe(false);
    }
    expect(mock.requestPermission('fullscreen', 'https://evil.example/')).toBe(false);
    expect(mock.checkPermission('media', APP_PAGE)).toBe(false);
    for (const page of ['https://evil.example/', 'app://other/index.html', 'file:///etc/passwd', 'data:text/html,x']) {
      expect(mock.checkPermission('fullscreen', page), page).toBe(false);
    }
  });

  it("the permission check matches the app's own page, whose origin Electron gives as app://workbench/ (issue 12)", async () => {
    const mock = await startMain();
    expect(mock.originOf(APP_PAGE)).toBe('app://workbench/');
    expect(mock.checkPermission('fullscreen', APP_PAGE)).toBe(true);
    expect(mock.checkPermission('clipboard-sanitized-write', 'app://workbench/index.html#/player')).toBe(true);
  });

  it('registers valid filter patterns and cancels every http(s)/ws/ftp/file request from the renderer', async () => {
    const mock = await startMain();
    expect(mock.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*']));
    for (const url of ['https://evil.example/x.js', 'http://127.0.0.1:8080/', 'ws://evil.example/socket', 'wss://evil.example/', 'ftp://evil.example/f', 'file:///etc/passwd', 'http://[::1]:3000/x?y=1']) {
      expect(mock.webRequest(url), url).toEqual({ cancel: true });
    }
    // The app's own scheme is served by the protocol handler and never filtered.
    expect(mock.webRequest('app://workbench/index.html')).toBe('unfiltered');
  });
});

describe('IPC', () => {
  it('refuses calls from frames that are not the app page', async () => {
    const mock = await startMain();
    for (const event of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: { url: 'app://other/' } }, { senderFrame: null }, {}]) {
      const res = await call(mock, event, 'listFiles', {});
      expect(res).toEqual({ ok: false, error: { code: 'EFORBIDDEN', message: 'IPC from an untrusted frame was refused.' } });
    }
  });

  it('rejects invalid arguments with a clear error instead of crashing', async () => {
    const mock = await startMain();
    const cases: Array<[unknown, unknown, string, RegExp]> = [
      ['openPath', { path: 42 }, 'EINVALIDARGS', /^Invalid arguments for openPath \(path\): /],
      ['openPath', {}, 'EINVALIDARGS', /openPath \(path\)/],
      ['openPath', { path: '/tmp/x', extra: 1 }, 'EINVALIDARGS', /openPath/],
      ['openPath', { path: 'a\0b' }, 'EINVALIDARGS', /NUL/],
      ['openPath', 'just a string', 'EINVALIDARGS', /openPath/],
      ['openPath', [1, 2], 'EINVALIDARGS', /openPath/],
      ['closeFile', { id: '../../etc/passwd' }, 'EINVALIDARGS', /closeFile \(id\): not a file id/],
      ['caps', { refresh: 'yes' }, 'EINVALIDARGS', /caps \(refresh\)/],
      ['runCommand', {}, 'ENOMETHOD', /Unknown method: runCommand/],
      ['__proto__', {}, 'ENOMETHOD', /Unknown method/],
      ['constructor', {}, 'ENOMETHOD', /Unknown method/],
      [{ toString: 1 }, {}, 'ENOMETHOD', /Unknown method/],
      [undefined, undefined, 'ENOMETHOD', /Unknown method/],
    ];
    for (const [name, args, code, message] of cases) {
      const res = await call(mock, trusted, name, args);
      const label = `${typeof name === 'string' ? name : typeof name} ${JSON.stringify(args)}`;
      expect(res.ok, label).toBe(false);
      expect(res.error!.code, label).toBe(code);
      expect(res.error!.message, label).toMatch(message);
    }
    // …and the channel still works afterwards.
    expect(await call(mock, trusted, 'listFiles', {})).toEqual({ ok: true, result: [] });
  });

  it('answers trusted calls through the contract', async () => {
    const mock = await startMain();
    const file = path.join(tmp, 'ipc.mp4');
    await writeFile(file, 'x');
    const opened = await call(mock, trusted, 'openPath', { path: file });
    expect(opened).toMatchObject({ ok: true, result: { path: file, name: 'ipc.mp4' } });
    const missing = await call(mock, trusted, 'openPath', { path: path.join(tmp, 'nope.mp4') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect(missing.error!.message).toContain('nope.mp4 does not exist');
  });

  it('every answer survives structured cloning: each method with no arguments, and a real fMP4 through the Inspector and the lint', async () => {
    const mock = await startMain();
    for (const name of methodNames) {
      if (['pickFiles'].includes(name)) continue; // opens a native dialog
      const res = await call(mock, trusted, name, {});
      expect(typeof res.ok, name).toBe('boolean');
    }
    const clip = await fmp4({ duration: 1 });
    const opened = await call(mock, trusted, 'openPath', { path: clip });
    const id = (opened.result as { id: string }).id;
    for (const [name, args] of [
      ['inspectOpen', { id }],
      ['inspectTreeJson', { id }],
      ['mseAnalyze', { id }],
    ] as const) {
      const res = await call(mock, trusted, name, args);
      expect(res.ok, `${name}: ${res.error?.message}`).toBe(true);
    }
  });
});

describe('app:// protocol', () => {
  it('serves the renderer and opened files only, with a CSP', async () => {
    const mock = await startMain();
    const handler = mock.protocolHandlers.get('app')!;
    const index = await handler(new Request('app://workbench/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const url of [
      'app://workbench/../../../../etc/passwd',
      'app://workbench/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      'app://workbench/..%2f..%2f..%2fpackage.json',
      'app://workbench/%E0%A4%A',
      'app://workbench/files/notopened123',
      'app://workbench/files/..%2f..%2fpackage.json',
      'app://other/index.html',
    ]) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text(), url).not.toMatch(/root:|"name": "media-workbench"/);
    }
    const file = path.join(tmp, 'range.bin');
    await writeFile(file, Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
    const opened = await call(mock, trusted, 'openPath', { path: file });
    const id = (opened.result as { id: string }).id;
    const part = await handler(new Request(`app://workbench/files/${id}`, { headers: { range: 'bytes=10-14' } }));
    expect(part.status).toBe(206);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14]);
  });

  it('serves an opened URL by id (the main process fetches it), typed by extension, never an unopened one', async () => {
    const mock = await startMain();
    const handler = mock.protocolHandlers.get('app')!;
    await writeFile(path.join(tmp, 'remote.mp4'), Buffer.from(Array.from({ length: 100 }, (_, i) => 99 - i)));
    const server = await startFixtureServer(tmp);
    try {
      const opened = await call(mock, trusted, 'openUrl', { url: server.url('remote.mp4', { contentType: 'text/html' }) });
      expect(opened).toMatchObject({ ok: true, result: { name: 'remote.mp4', size: 100 } });
      const id = (opened.result as { id: string }).id;
      const part = await handler(new Request(`app://workbench/files/${id}`, { headers: { range: 'bytes=10-14' } }));
      expect(part.status).toBe(206);
      expect(part.headers.get('content-type')).toBe('video/mp4');
      expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([89, 88, 87, 86, 85]);
      server.resetLog();
      const stray = await handler(new Request(`app://workbench/files/${encodeURIComponent(server.url('remote.mp4'))}`));
      expect(stray.status).toBeGreaterThanOrEqual(400);
      expect(server.log).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('single instance', () => {
  it('a second launch quits at once without opening a window or IPC', async () => {
    const mock = await startMain({ gotLock: false });
    expect(mock.app.quit).toHaveBeenCalled();
    expect(MockBrowserWindow.windows).toHaveLength(0);
    expect(mock.ipcHandlers.size).toBe(0);
  });

  it("the running app opens the second launch's files and comes to the front", async () => {
    const a = path.join(tmp, 'second one.mp4');
    const b = path.join(tmp, 'other.mov');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    const mock = await startMain({ isPackaged: true, argv: ['/opt/Media Workbench/media-workbench'] });
    const win = MockBrowserWindow.windows[0]!;
    win.webContents.emit('did-finish-load');
    win.minimized = true;
    // As Windows passes it: exe, Chromium switches, then the file (relative to the caller's folder).
    mock.app.emit('second-instance', {}, ['C:/Program Files/Media Workbench/Media Workbench.exe', '--allow-file-access-from-files', '--original-process-start-time=1', 'second one.mp4', `file://${b}`], tmp);
    await vi.waitFor(() => expect(openedPaths(win)).toEqual([a, b]));
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(mock.dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('files from the first launch and early macOS open-file events wait for the page, then open', async () => {
    const a = path.join(tmp, 'first.mp4');
    const b = path.join(tmp, 'finder.m4s');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    const mock = await startMain({ isPackaged: false, argv: ['/usr/bin/electron', '/src/media-workbench', a], notReady: true });
    // macOS delivers open-file before ready when the app is launched by opening a document.
    const ev = { preventDefault: vi.fn() };
    mock.app.emit('open-file', ev, b);
    expect(ev.preventDefault).toHaveBeenCalled();
    await mock.ready();
    const win = MockBrowserWindow.windows[0]!;
    expect(openedPaths(win)).toEqual([]);
    win.webContents.emit('did-finish-load');
    // In the order they arrived: Finder's open-file before ready, then the command line's.
    await vi.waitFor(() => expect(openedPaths(win)).toEqual([b, a]));
  });

  it('a file opened while no window is left (macOS) brings a window back and opens there', async () => {
    const a = path.join(tmp, 'dock.mp4');
    await writeFile(a, 'a');
    const mock = await startMain({ isPackaged: true, argv: ['/app'], platform: 'darwin' });
    MockBrowserWindow.windows[0]!.close();
    expect(mock.app.quit).not.toHaveBeenCalled(); // macOS apps stay without windows
    mock.app.emit('open-file', { preventDefault: vi.fn() }, a);
    expect(MockBrowserWindow.windows).toHaveLength(2);
    const second = MockBrowserWindow.windows[1]!;
    second.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(openedPaths(second)).toEqual([a]));
  });

  it('a file that cannot be opened is reported in a dialog naming it', async () => {
    const mock = await startMain({ isPackaged: true, argv: ['/app'] });
    MockBrowserWindow.windows[0]!.webContents.emit('did-finish-load');
    mock.app.emit('second-instance', {}, ['/app', path.join(tmp, 'missing.mp4')], tmp);
    await vi.waitFor(() => expect(mock.dialog.showErrorBox).toHaveBeenCalledWith('Could not open file', expect.stringContaining('missing.mp4 does not exist')));
  });
});

describe('launch details (issue 12)', () => {
  it('after a reload, files from outside wait until the new page has loaded (a same-page hash change does not count)', async () => {
    const a = path.join(tmp, 'after reload.mp4');
    const b = path.join(tmp, 'after hash.mp4');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    const mock = await startMain({ isPackaged: true });
    const win = MockBrowserWindow.windows[0]!;
    win.webContents.navigate('app://workbench/index.html');
    win.webContents.emit('did-finish-load');
    // View › Reload: a new document starts loading and is not listening yet.
    win.webContents.navigate('app://workbench/index.html#/player');
    mock.app.emit('second-instance', {}, ['/app', a], tmp);
    // A call that goes through the same file opening after the hand-over: by the time it answers,
    // a file the hand-over had started to open would be open (and announced) too.
    const probe = path.join(tmp, 'probe.mp4');
    await writeFile(probe, 'p');
    expect(await call(mock, trusted, 'openPath', { path: probe })).toMatchObject({ ok: true });
    await settle();
    expect(openedPaths(win)).toEqual([]);
    expect(((await call(mock, trusted, 'listFiles', {})).result as { path: string }[]).map((f) => f.path)).toEqual([probe]);
    win.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(openedPaths(win)).toEqual([a]));
    // Moving between views is a same-document navigation: the page keeps listening.
    win.webContents.navigate('app://workbench/index.html#/caps', { sameDocument: true });
    mock.app.emit('second-instance', {}, ['/app', b], tmp);
    await vi.waitFor(() => expect(openedPaths(win)).toEqual([a, b]));
    // A crashed renderer does not listen either, until its page has loaded again.
    const c = path.join(tmp, 'after crash.mp4');
    await writeFile(c, 'c');
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    mock.app.emit('second-instance', {}, ['/app', c], tmp);
    const probe2 = path.join(tmp, 'probe 2.mp4');
    await writeFile(probe2, 'p');
    expect(await call(mock, trusted, 'openPath', { path: probe2 })).toMatchObject({ ok: true });
    await settle();
    expect(openedPaths(win)).toEqual([a, b]);
    win.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(openedPaths(win)).toEqual([a, b, c]));
  });

  it('a development run has its own data folder and single-instance lock; the installed app keeps the usual one', async () => {
    const dev = await startMain({ isPackaged: false });
    const devData = dev.app.getPath('userData');
    expect(devData).toBe(path.join(dev.app.getPath('appData'), 'Media Workbench (development)'));
    expect(existsSync(devData)).toBe(true);
    expect(dev.lockFolder).toBe(devData);
    // Job history goes to the development folder too.
    expect((await call(dev, trusted, 'jobsList', {})).ok).toBe(true);

    const installed = await startMain({ isPackaged: true });
    expect(installed.app.getPath('userData')).toBe(path.join(installed.app.getPath('appData'), 'Media Workbench'));
    expect(installed.lockFolder).toBe(installed.app.getPath('userData'));
    expect(installed.app.setPath).not.toHaveBeenCalled();
  });

  it("on Windows it sets the AppUserModelID to electron-builder.yml's appId before ready; elsewhere the API is never touched", async () => {
    const appId = /^appId:\s*(\S+)\s*$/m.exec(await readFile(path.join(ROOT, 'electron-builder.yml'), 'utf8'))![1];
    expect(appId).toBe('dev.mediaworkbench.app');
    const win = await startMain({ isPackaged: true, platform: 'win32', notReady: true });
    expect(win.app.setAppUserModelId).toHaveBeenCalledWith(appId);
    await win.ready();
    // On Linux and macOS the method does not exist in Electron: calling it would throw at start-up.
    const linux = await startMain({ isPackaged: true, platform: 'linux' });
    expect(linux.app.setAppUserModelId).toBeUndefined();
    expect(MockBrowserWindow.windows).toHaveLength(1);
  });

  it('events for a window that was closed (macOS keeps running) are not sent to it, and nothing throws', async () => {
    const mock = await startMain({ isPackaged: true, platform: 'darwin' });
    const win = MockBrowserWindow.windows[0]!;
    win.webContents.emit('did-finish-load');
    win.close();
    const file = path.join(tmp, 'late.mp4');
    await writeFile(file, 'x');
    // A call still in flight from the closed page: its files.changed event has no window to go to.
    expect(await call(mock, trusted, 'openPath', { path: file })).toMatchObject({ ok: true });
    expect(win.webContents.sent).toEqual([]);
  });
});

describe('quitting', () => {
  it('keeps job history in the userData folder and stops the job queue before the app quits', async () => {
    const mock = await startMain();
    const answer = await call(mock, trusted, 'jobsList', {});
    expect(answer.ok).toBe(true);
    expect(mock.app.getPath).toHaveBeenCalledWith('userData');

    const first = { preventDefault: vi.fn() };
    mock.app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalledTimes(1);
    expect(mock.app.quit).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(mock.app.quit).toHaveBeenCalledTimes(1));

    // The quit that follows the shutdown goes through.
    const second = { preventDefault: vi.fn() };
    mock.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });
});
