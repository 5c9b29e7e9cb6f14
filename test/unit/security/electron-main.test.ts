/**
 * electron/main.ts's real start-up code, run against a recording stand-in for the `electron` module
 * (Electron's binary cannot run here). Proves the hardening rather than assuming it: window
 * preferences, navigation and window.open blocking, permissions, network blocking, IPC sender and
 * argument checks, the app:// protocol's file boundary, and the single-instance hand-over.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createElectronMock, MockBrowserWindow, MockWebContents, settle, type MockElectron } from './electron-mock';
import { startFixtureServer } from '../../fixtures/http-server';

let tmp: string;
beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mwb-main-')));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.doUnmock('electron');
  vi.resetModules();
});

async function startMain(options: { gotLock?: boolean; isPackaged?: boolean; argv?: string[] } = {}): Promise<MockElectron> {
  const mock = createElectronMock({ ...options, userData: tmp });
  vi.resetModules();
  vi.doMock('electron', () => mock.module);
  const argv = process.argv;
  if (options.argv) process.argv = options.argv;
  try {
    await import('../../../electron/main');
    await settle();
  } finally {
    process.argv = argv;
  }
  return mock;
}

const trusted = { senderFrame: { url: 'app://workbench/index.html#/inspector' } };
const call = (mock: MockElectron, event: unknown, name: unknown, args: unknown) => mock.ipcHandlers.get('wb:call')!(event, name, args) as Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;

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
    const request = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined;
      mock.permissionRequest!({}, permission, (ok) => (granted = ok), { requestingUrl });
      return granted;
    };
    expect(request('fullscreen', 'app://workbench/index.html')).toBe(true);
    expect(request('clipboard-sanitized-write', 'app://workbench/index.html')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'midi', 'hid', 'serial', 'clipboard-read']) {
      expect(request(p, 'app://workbench/index.html'), p).toBe(false);
    }
    expect(request('fullscreen', 'https://evil.example/')).toBe(false);
    expect(mock.permissionCheck!({}, 'fullscreen', 'app://workbench')).toBe(true);
    expect(mock.permissionCheck!({}, 'media', 'app://workbench')).toBe(false);
    expect(mock.permissionCheck!({}, 'fullscreen', 'https://evil.example')).toBe(false);
  });

  it('cancels every http(s)/ws/file request from the renderer', async () => {
    const mock = await startMain();
    expect(mock.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*']));
    let answer: { cancel: boolean } | undefined;
    mock.beforeRequest!.listener({ url: 'https://evil.example/x.js' }, (r) => (answer = r));
    expect(answer).toEqual({ cancel: true });
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
    const opened = () => win.webContents.send.mock.calls.filter((c) => c[0] === 'wb:event' && c[1] === 'files.opened').map((c) => (c[2] as { file: { path: string } }).file.path);
    await vi.waitFor(() => expect(opened()).toEqual([a, b]));
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(mock.dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('files from the first launch and early macOS open-file events wait for the page, then open', async () => {
    const a = path.join(tmp, 'first.mp4');
    const b = path.join(tmp, 'finder.m4s');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    const mock = await startMain({ isPackaged: false, argv: ['/usr/bin/electron', '/src/media-workbench', a] });
    const opened = () =>
      MockBrowserWindow.windows[0]!.webContents.send.mock.calls.filter((c) => c[1] === 'files.opened').map((c) => (c[2] as { file: { path: string } }).file.path);
    const ev = { preventDefault: vi.fn() };
    mock.app.emit('open-file', ev, b);
    expect(ev.preventDefault).toHaveBeenCalled();
    await settle();
    expect(opened()).toEqual([]);
    MockBrowserWindow.windows[0]!.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(opened()).toEqual([a, b]));
  });

  it('a file opened while no window is left (macOS) brings a window back and opens there', async () => {
    const a = path.join(tmp, 'dock.mp4');
    await writeFile(a, 'a');
    const mock = await startMain({ isPackaged: true, argv: ['/app'] });
    MockBrowserWindow.windows[0]!.emit('closed');
    mock.app.emit('open-file', { preventDefault: vi.fn() }, a);
    expect(MockBrowserWindow.windows).toHaveLength(2);
    const second = MockBrowserWindow.windows[1]!;
    second.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(second.webContents.send.mock.calls.filter((c) => c[1] === 'files.opened').map((c) => (c[2] as { file: { path: string } }).file.path)).toEqual([a]));
  });

  it('a file that cannot be opened is reported in a dialog naming it', async () => {
    const mock = await startMain({ isPackaged: true, argv: ['/app'] });
    MockBrowserWindow.windows[0]!.webContents.emit('did-finish-load');
    mock.app.emit('second-instance', {}, ['/app', path.join(tmp, 'missing.mp4')], tmp);
    await vi.waitFor(() => expect(mock.dialog.showErrorBox).toHaveBeenCalledWith('Could not open file', expect.stringContaining('missing.mp4 does not exist')));
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
