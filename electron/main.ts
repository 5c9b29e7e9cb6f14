/**
 * The desktop app: one hardened window, the app:// protocol (renderer files and byte ranges of
 * opened files), the native menu and dialogs, and the contract bound to IPC generically.
 * No feature logic lives here.
 */
import { createReadStream, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, screen, session, shell, type MenuItemConstructorOptions } from 'electron';
import type { EventMap, EventName } from './api';
import { RENDERER_CSP } from './core/csp';
import { FileRegistry } from './core/files';
import { transmuxReply } from './core/media/transmux';
import { relayRange } from './core/net/relay';
import { contentTypeFor, rangeReply } from './core/range';
import { dispatch, type HandlerContext } from './handlers';
import { shutdownJobQueue } from './handlers/jobs';
import { filesFromArgv } from './launch-args';
import pkg from '../package.json' with { type: 'json' };
import { catchUncaught, fileLogger, logFilePath, logsDir, logStart } from './core/log';
import { readSettingsSync, settingsStore } from './core/settings';

const ORIGIN = 'app://workbench';
/** electron-builder.yml's appId, put in by scripts/build.mjs (Windows ties notifications to it). */
declare const __MWB_APP_ID__: string;
const rendererRoot = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
// Every renderer sandboxed, whatever a future window's webPreferences say.
app.enableSandbox();

// A development run (`npm start` from a checkout) gets its own data folder, and with it its own
// single-instance lock (Chromium keys the lock on the data folder): otherwise it would hand its
// files to an installed copy that is running and quit, and share its job history. Must happen
// before anything reads userData and before the lock is taken.
if (!app.isPackaged) {
  const devData = `${app.getPath('userData')} (development)`;
  try {
    mkdirSync(devData, { recursive: true });
    app.setPath('userData', devData);
  } catch (err) {
    console.error(`Media Workbench: could not use ${devData} for this development run (${err instanceof Error ? err.message : String(err)}); sharing the installed app's data folder.`);
  }
}

// Windows shows an installed app's toasts only under the AppUserModelID its installer registered
// (electron-builder's appId); without it they are dropped. The API exists on Windows only.
if (process.platform === 'win32') app.setAppUserModelId(__MWB_APP_ID__);
// The log: electron-log on the same file (and format) web mode and the CLI write; uncaught errors
// go there with their stack.
const electronLog = fileLogger(logFilePath(app.getPath('userData')));
catchUncaught(electronLog);

const files = new FileRegistry();
let mainWindow: BrowserWindow | null = null;

const mediaExtensions = ['mp4', 'm4s', 'm4v', 'm4a', 'mov', 'cmfv', 'cmfa', '3gp', 'heic', 'mpd', 'm3u8', 'mkv', 'webm'];

const ctx: HandlerContext = {
  mode: 'electron',
  files,
  electronVersion: process.versions.electron ?? null,
  // Job history and logs live with the app's other data.
  dataDir: app.getPath('userData'),
  log: electronLog,
  openLogsFolder: () => void shell.openPath(logsDir(app.getPath('userData'))),
  desktopNotify: (title, body) => notifyDesktop(title, body),
  // Only ever called with a finished job's output path (handlers/jobs.ts `jobReveal`).
  showInFolder: (p) => shell.showItemInFolder(p),
  emit<E extends EventName>(event: E, payload: EventMap[E]) {
    // send() throws on a destroyed window or page (one closing while a job still reports).
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send('wb:event', event, payload);
    }
  },
  async pickFiles({ multiple, title }) {
    const options: Electron.OpenDialogOptions = {
      title: title ?? 'Open media',
      properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
      filters: [
        { name: 'MP4 / fMP4 / MOV / segments / manifests', extensions: mediaExtensions },
        { name: 'All files', extensions: ['*'] },
      ],
    };
    const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  },
};
files.onChange((list) => ctx.emit('files.changed', { files: list }));

function rangeResponse(filePath: string, size: number, rangeHeader: string | null, headers: Record<string, string>): Response {
  const reply = rangeReply(rangeHeader, size);
  const body = reply.body ? (Readable.toWeb(createReadStream(filePath, reply.body)) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: reply.status, headers: { ...headers, ...reply.headers } });
}

async function handleAppProtocol(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'workbench') return new Response('Not found', { status: 404 });
  const common = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return new Response('Bad path', { status: 400, headers: common });
  }
  if (pathname.startsWith('/files/')) {
    const id = pathname.slice('/files/'.length);
    if (!files.has(id)) return new Response('No such opened file', { status: 404 });
    const file = files.get(id);
    if (file.url) {
      // An opened URL: fetched by the main process, by id only (see core/net/relay.ts).
      const relayed = await relayRange({ url: file.url, size: file.size }, request.headers.get('range'), request.method);
      return new Response(relayed.body, { status: relayed.status, headers: { ...common, ...relayed.headers } });
    }
    const info = await stat(file.path).catch(() => null);
    if (!info) return new Response('File is gone', { status: 404 });
    return rangeResponse(file.path, info.size, request.headers.get('range'), { ...common, 'Content-Type': contentTypeFor(file.path) });
  }
  if (pathname.startsWith('/transmux/')) {
    // An opened MPEG-TS segment remuxed to fMP4 by ffmpeg (core/media/transmux.ts), by id only.
    if (request.method !== 'GET') return new Response('Remuxed segments are read with GET', { status: 405, headers: common });
    const id = pathname.slice('/transmux/'.length);
    if (!files.has(id)) return new Response('No such opened file', { status: 404 });
    // Cancelling the body (the renderer aborted the fetch) stops ffmpeg.
    const reply = await transmuxReply(files.get(id), url.searchParams);
    return new Response(reply.body, { status: reply.status, headers: { ...common, ...reply.headers } });
  }
  let rel = pathname;
  if (rel === '/' || rel === '') rel = '/index.html';
  const target = path.resolve(rendererRoot, '.' + path.posix.normalize(rel));
  if (!target.startsWith(rendererRoot + path.sep)) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(target);
    const headers: Record<string, string> = { ...common, 'Content-Type': contentTypeFor(target) };
    if (target.endsWith('.html')) headers['Content-Security-Policy'] = RENDERER_CSP;
    return new Response(body, { headers });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/**
 * The app's own origin, and nothing else (unparseable URLs included). Compared by scheme and host:
 * Node's URL gives custom schemes such as app: the opaque origin "null", so `.origin` cannot be used.
 */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host === 'workbench' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** IPC is answered only for frames showing the app's own page. */
function isTrustedSender(frame: Electron.WebFrameMain | null | undefined): boolean {
  return !!frame && isAppUrl(frame.url);
}

/** Links the user clicks may open in the system browser: https only, no credentials. */
function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Permissions the app's own page may use; everything else, and every other origin, is denied. */
const ALLOWED_PERMISSIONS = new Set(['fullscreen', 'clipboard-sanitized-write']);

// Files opened from outside (command line, second launch, macOS open-file) wait until the page
// has loaded, so its `files.opened` event reaches a listening UI. A reload or a crashed renderer
// means a page that does not listen yet: they wait again until it has loaded.
let rendererReady = false;
const pendingOpen: string[] = [];

function openWhenReady(paths: string[]): void {
  if (!paths.length) return;
  if (rendererReady) void openFromOutside(paths);
  else pendingOpen.push(...paths);
}

async function openFromOutside(paths: string[]): Promise<void> {
  for (const p of paths) {
    try {
      const file = await files.open(p);
      ctx.emit('files.opened', { file, view: 'inspector' });
    } catch (err) {
      dialog.showErrorBox('Could not open file', err instanceof Error ? err.message : String(err));
    }
  }
}

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const paths = await ctx.pickFiles!({ multiple: true });
            await openFromOutside(paths);
          },
        },
        {
          label: 'Close File',
          accelerator: 'CmdOrCtrl+W',
          click: () => ctx.emit('app.command', { command: 'close-file' }),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open Logs Folder', click: () => ctx.openLogsFolder?.() },
        { label: `Log file: ${logFilePath(app.getPath('userData'))}`, enabled: false },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Size, position and maximised state of the window, remembered in settings.json. */
function savedBounds(): { x?: number; y?: number; width: number; height: number; maximized: boolean } {
  const w = readSettingsSync(app.getPath('userData')).window;
  if (!w) return { width: 1400, height: 900, maximized: false };
  // Only restore a position that is still on a connected display.
  let visible = false;
  try {
    visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return w.x + 100 < a.x + a.width && w.x + w.width - 100 > a.x && w.y >= a.y - 10 && w.y + 50 < a.y + a.height;
    });
  } catch {
    // No display information: let the system place the window.
  }
  return visible ? w : { width: w.width, height: w.height, maximized: w.maximized };
}

function rememberBounds(win: BrowserWindow): void {
  const b = win.getNormalBounds();
  void settingsStore(app.getPath('userData'))
    .update({ window: { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() } })
    .catch((err: unknown) => electronLog.warn('could not save the window size:', err));
}

function createWindow(): void {
  const bounds = savedBounds();
  mainWindow = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    title: 'Media Workbench',
    backgroundColor: '#0d1117',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would otherwise ask for a new window (denied anyway by the open handler).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  rendererReady = false;
  mainWindow.once('ready-to-show', () => {
    if (bounds.maximized) mainWindow?.maximize();
    mainWindow?.show();
  });
  mainWindow.on('close', () => {
    if (mainWindow) rememberBounds(mainWindow);
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
    rendererReady = false;
  });
  mainWindow.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) rendererReady = false;
  });
  mainWindow.webContents.on('render-process-gone', () => {
    rendererReady = false;
  });
  mainWindow.webContents.on('did-finish-load', () => {
    rendererReady = true;
    const paths = pendingOpen.splice(0);
    if (paths.length) void openFromOutside(paths);
  });
  void mainWindow.loadURL(`${ORIGIN}/index.html`);
}

// Every window and frame: no navigation away from the app, no new windows, no permissions.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-frame-navigate', (e) => {
    if (!isAppUrl(e.url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Never a new app window; an https link the page offers opens in the user's browser.
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (e.g. "Open with Media Workbench" while it runs) hands its argv to this
  // instance and quits: the files open here and the window comes to the front.
  app.on('second-instance', (_e, argv, workingDirectory) => {
    openWhenReady(filesFromArgv(argv, { cwd: workingDirectory, isPackaged: app.isPackaged }));
    // macOS keeps running without windows: bring one back for the files.
    if (!mainWindow && app.isReady()) createWindow();
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  // macOS delivers opened documents as events, also before the app is ready.
  app.on('open-file', (e, p) => {
    e.preventDefault();
    openWhenReady([p]);
    if (!mainWindow && app.isReady()) createWindow();
  });

  app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
      callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl));
    });
    // Electron gives the origin as Chromium serialises it, with a trailing slash ("app://workbench/"):
    // compare it as a URL, not as a string.
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin));
    // Defence in depth behind the CSP: the renderer never reaches the network or file:// at all.
    ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*', 'ftp://*/*'] }, (_details, callback) =>
      callback({ cancel: true }),
    );
    protocol.handle('app', handleAppProtocol);
    ipcMain.handle('wb:call', (event, name: unknown, args: unknown) => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: { code: 'EFORBIDDEN', message: 'IPC from an untrusted frame was refused.' } };
      }
      return dispatch(ctx, name, args);
    });
    buildMenu();
    logStart(electronLog, pkg.version, `desktop app, Electron ${process.versions.electron}`);
    createWindow();
    openWhenReady(filesFromArgv(process.argv, { cwd: process.cwd(), isPackaged: app.isPackaged }));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quitting stops running ffmpeg jobs cleanly (no orphan process, no temporary file) first.
  let jobsStopped = false;
  app.on('before-quit', (e) => {
    if (jobsStopped) return;
    e.preventDefault();
    void shutdownJobQueue(ctx).finally(() => {
      jobsStopped = true;
      app.quit();
    });
  });
}

export const notifyDesktop = (title: string, body: string): void => {
  if (Notification.isSupported()) new Notification({ title, body }).show();
};
