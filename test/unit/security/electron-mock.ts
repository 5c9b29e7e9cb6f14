/**
 * A stand-in for the `electron` module that holds main.ts to what Electron 45 enforces (its binary
 * cannot be downloaded here, so the real thing cannot run). It records what the built main process
 * asks of Electron so tests can inspect and drive it, and it refuses what Electron refuses:
 *
 * - the `ready` lifecycle: `ready` comes after the main script has run, when the test says so;
 *   calls documented as before-ready-only throw after it (`enableSandbox`,
 *   `registerSchemesAsPrivileged` — also only once —, `disableHardwareAcceleration`), and calls
 *   that need a ready app throw before it (`new BrowserWindow`, `session.defaultSession`,
 *   `protocol.handle`, dialogs but `showErrorBox`, `Notification`);
 * - `app.setPath` throws for a folder that does not exist; the single-instance lock is keyed on the
 *   userData folder at the time of the call, as Chromium's process singleton is;
 * - `app.setAppUserModelId` exists on Windows only;
 * - permission checks get the origin as Chromium serialises it (`app://workbench/`), and only
 *   schemes registered as standard have a host in their origin;
 * - IPC arguments and results, and `webContents.send` payloads, pass through `structuredClone`;
 *   an uncloneable value fails as it would in Electron; a second handler for a channel throws;
 * - webRequest filter URLs are parsed with Chromium's match-pattern rules (extensions'
 *   URLPattern, which Electron uses): an invalid pattern throws "Invalid url pattern …", and a
 *   request reaches the listener only when a pattern matches it;
 * - a destroyed window (and its webContents) throws "Object has been destroyed" from its methods,
 *   and `BrowserWindow.getAllWindows()` no longer lists it.
 *
 * `loadBuiltMain` runs dist/electron/main.cjs — the file that ships — under Node's CommonJS
 * wrapper with this stand-in as `require('electron')`, so `__dirname`, bundling and the paths it
 * builds are the real ones.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { vi, type Mock } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BUILT_MAIN = path.join(ROOT, 'dist', 'electron', 'main.cjs');

const destroyedError = () => new TypeError('Object has been destroyed');

/** Electron serialises IPC with the structured clone algorithm; what cannot be cloned fails. */
function cloneForIpc<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
  }
}

// ————— match patterns (Chromium extensions/common/url_pattern.cc, with SCHEME_ALL as Electron uses) —————

type ParseError = 'kMissingSchemeSeparator' | 'kInvalidScheme' | 'kWrongSchemeSeparator' | 'kEmptyHost' | 'kInvalidHostWildcard' | 'kEmptyPath' | 'kInvalidPort' | 'kInvalidHost';
const PARSE_MESSAGES: Record<ParseError, string> = {
  kMissingSchemeSeparator: 'Missing scheme separator.',
  kInvalidScheme: 'Invalid scheme.',
  kWrongSchemeSeparator: 'Wrong scheme type.',
  kEmptyHost: 'Host can not be empty.',
  kInvalidHostWildcard: 'Invalid host wildcard.',
  kEmptyPath: 'Empty path.',
  kInvalidPort: 'Invalid port.',
  kInvalidHost: 'Invalid host.',
};

export interface MatchPattern {
  all: boolean;
  scheme: string;
  host: string;
  subdomains: boolean;
  port: string;
  path: string;
}

export function parseMatchPattern(pattern: string, standardSchemes: ReadonlySet<string>): MatchPattern | ParseError {
  if (pattern === '<all_urls>') return { all: true, scheme: '*', host: '', subdomains: true, port: '*', path: '/*' };
  let schemeEnd = pattern.indexOf('://');
  let standardSeparator = true;
  if (schemeEnd < 0) {
    schemeEnd = pattern.indexOf(':');
    standardSeparator = false;
  }
  if (schemeEnd < 0) return 'kMissingSchemeSeparator';
  const scheme = pattern.slice(0, schemeEnd);
  if (!/^(\*|[a-z][a-z0-9+.-]*)$/i.test(scheme)) return 'kInvalidScheme';
  const standard = scheme === '*' || standardSchemes.has(scheme.toLowerCase());
  if (standard !== standardSeparator) return 'kWrongSchemeSeparator';
  let pos = schemeEnd + (standard ? 3 : 1);
  if (pos >= pattern.length) return 'kEmptyHost';
  let host = '';
  let subdomains = false;
  let port = '*';
  if (!standard) {
    // path starts right after "scheme:"
  } else if (scheme === 'file') {
    const slash = pattern.indexOf('/', pos);
    pos = slash < 0 ? pos - 1 : slash;
  } else {
    const slash = pattern.indexOf('/', pos);
    if (slash === pos) return 'kEmptyHost';
    if (slash < 0) return 'kEmptyPath';
    const hostAndPort = pattern.slice(pos, slash);
    let portSep = -1;
    if (hostAndPort[0] !== '[') portSep = hostAndPort.indexOf(':');
    else {
      const end = hostAndPort.indexOf(']');
      if (end < 0) return 'kInvalidHost';
      if (end === 1) return 'kEmptyHost';
      if (end < hostAndPort.length - 1) {
        if (hostAndPort[end + 1] !== ':') return 'kInvalidHost';
        portSep = end + 1;
      }
    }
    if (portSep >= 0) {
      port = hostAndPort.slice(portSep + 1);
      const n = Number(port);
      if (port !== '*' && !(/^\d+$/.test(port) && n >= 0 && n <= 65535)) return 'kInvalidPort';
    }
    host = portSep >= 0 ? hostAndPort.slice(0, portSep) : hostAndPort;
    if (!host) return 'kEmptyHost';
    if (host === '*') {
      subdomains = true;
      host = '';
    } else if (host.startsWith('*.')) {
      if (host.length === 2) return 'kEmptyHost';
      subdomains = true;
      host = host.slice(2);
    }
    pos = slash;
  }
  if (host.includes('*')) return 'kInvalidHostWildcard';
  if (host) {
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      return 'kInvalidHost';
    }
  }
  return { all: false, scheme: scheme.toLowerCase(), host, subdomains, port, path: pattern.slice(pos) };
}

function globMatch(text: string, glob: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(text);
}

export function matchesPattern(p: MatchPattern, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const scheme = u.protocol.slice(0, -1);
  // "*" (and <all_urls> here, for webRequest) stands for http and https only.
  if (p.scheme === '*' ? !['http', 'https'].includes(scheme) && !p.all : scheme !== p.scheme) return false;
  if (p.all) return true;
  if (scheme !== 'file') {
    const host = u.hostname;
    const hostOk = host === p.host || (p.subdomains && (p.host === '' || host.endsWith(`.${p.host}`)));
    if (!hostOk) return false;
    if (p.port !== '*' && (u.port || { http: '80', https: '443', ws: '80', wss: '443', ftp: '21' }[scheme] || '') !== p.port) return false;
  }
  return globMatch(u.pathname + u.search, p.path);
}

// ————— windows —————

export class MockWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  /** Every send(), after structured cloning, as the renderer would receive it. */
  sent: unknown[][] = [];
  send = vi.fn((channel: string, ...args: unknown[]) => {
    if (this.destroyed) throw destroyedError();
    this.sent.push([channel, ...cloneForIpc(args, 'Failed to serialize arguments')]);
  });
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    if (this.destroyed) throw destroyedError();
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** What Electron emits for a new page load of the main frame (a reload included). */
  navigate(url: string, options: { sameDocument?: boolean } = {}) {
    this.emit('did-start-navigation', { url, isMainFrame: true, isSameDocument: !!options.sameDocument, frame: null, preventDefault() {} });
  }
}

export class MockBrowserWindow extends EventEmitter {
  static windows: MockBrowserWindow[] = [];
  static appIsReady: () => boolean = () => true;
  static getAllWindows() {
    return MockBrowserWindow.windows.filter((w) => !w.destroyed);
  }
  webContents = new MockWebContents();
  minimized = false;
  destroyed = false;
  private alive<A extends unknown[], R>(fn: (...a: A) => R) {
    return vi.fn((...a: A) => {
      if (this.destroyed) throw destroyedError();
      return fn(...a);
    });
  }
  loadURL = this.alive(async (_url: string) => {});
  show = this.alive(() => {});
  restore = this.alive(() => {
    this.minimized = false;
  });
  focus = this.alive(() => {});
  isMinimized = this.alive(() => this.minimized);
  constructor(public options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
    super();
    if (!MockBrowserWindow.appIsReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    MockBrowserWindow.windows.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** The user closes the window: it and its page are destroyed, then 'closed' is emitted. */
  close() {
    if (this.destroyed) throw destroyedError();
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

// ————— the module —————

export type MockApp = EventEmitter & {
  isPackaged: boolean;
  requestSingleInstanceLock: ReturnType<typeof vi.fn>;
  quit: ReturnType<typeof vi.fn>;
  enableSandbox: ReturnType<typeof vi.fn>;
  disableHardwareAcceleration: ReturnType<typeof vi.fn>;
  whenReady: () => Promise<void>;
  isReady: () => boolean;
  getPath: Mock<(key: string) => string>;
  setPath: Mock<(key: string, p: string) => void>;
  getName: () => string;
  setAppUserModelId?: ReturnType<typeof vi.fn>;
};

export interface SchemeRegistration {
  scheme: string;
  privileges?: Record<string, boolean>;
}

export interface MockElectron {
  app: MockApp;
  /** Emit `ready` (after main.cjs has run, as Electron does) and let the whenReady() work run. */
  ready(): Promise<void>;
  /** Call an ipcMain.handle channel the way ipcRenderer.invoke does (cloned args and result). */
  invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown>;
  /** The permission check handler, with the origin Electron passes for a page at `pageUrl`. */
  checkPermission(permission: string, pageUrl: string): boolean;
  /** The permission request handler for a page at `pageUrl`; undefined if it never answered. */
  requestPermission(permission: string, pageUrl: string): boolean | undefined;
  /** A renderer request: 'unfiltered' when no onBeforeRequest pattern matches it (the listener never sees it). */
  webRequest(url: string): { cancel?: boolean } | 'unfiltered' | undefined;
  /** The origin string Chromium gives for a URL (scheme://host[:port]/ for standard schemes, else "null"). */
  originOf(url: string): string;
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  schemes: SchemeRegistration[];
  permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: Record<string, unknown>) => void) | null;
  permissionCheck: ((wc: unknown, permission: string, origin: string, details: Record<string, unknown>) => boolean) | null;
  beforeRequest: { filter: { urls: string[] }; patterns: MatchPattern[]; listener: (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void } | null;
  /** userData at the moment requestSingleInstanceLock() was called (Chromium's lock lives there). */
  lockFolder: string | null;
  shell: { openExternal: ReturnType<typeof vi.fn>; showItemInFolder: ReturnType<typeof vi.fn> };
  dialog: { showErrorBox: ReturnType<typeof vi.fn>; showOpenDialog: ReturnType<typeof vi.fn> };
  notifications: { title: string; body: string }[];
  module: Record<string, unknown>;
}

const STANDARD_BUILTIN = ['http', 'https', 'ws', 'wss', 'ftp', 'file'];

export function createElectronMock(
  options: { gotLock?: boolean; isPackaged?: boolean; appData: string; platform?: NodeJS.Platform; name?: string },
): MockElectron {
  MockBrowserWindow.windows = [];
  let isReady = false;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  const beforeReadyOnly = <A extends unknown[], R>(api: string, fn: (...a: A) => R) =>
    vi.fn((...a: A) => {
      if (isReady) throw new Error(`${api} can only be called before app is ready`);
      return fn(...a);
    });
  const afterReadyOnly = (api: string) => {
    if (!isReady) throw new Error(`${api} cannot be used before the app is ready`);
  };
  MockBrowserWindow.appIsReady = () => isReady;

  const name = options.name ?? 'Media Workbench';
  const paths: Record<string, string> = { appData: options.appData, userData: path.join(options.appData, name), temp: path.join(options.appData, 'tmp') };
  const app: MockApp = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    requestSingleInstanceLock: vi.fn(() => {
      mock.lockFolder = paths.userData!;
      return options.gotLock ?? true;
    }),
    quit: vi.fn(),
    enableSandbox: beforeReadyOnly('app.enableSandbox()', () => {}),
    disableHardwareAcceleration: beforeReadyOnly('app.disableHardwareAcceleration()', () => {}),
    whenReady: () => readyPromise,
    isReady: () => isReady,
    getName: () => name,
    getPath: vi.fn((key: string) => {
      const p = paths[key];
      if (!p) throw new Error(`Failed to get '${key}' path`);
      return p;
    }),
    setPath: vi.fn((key: string, p: string) => {
      if (!path.isAbsolute(p)) throw new Error(`Path must be absolute: ${p}`);
      if (!existsSync(p) || !statSync(p).isDirectory()) throw new Error(`Failed to set path: ${p} does not exist`);
      paths[key] = p;
    }),
  });
  // Windows-only API: on other platforms the method does not exist, so calling it throws.
  if ((options.platform ?? process.platform) === 'win32') app.setAppUserModelId = vi.fn();

  const standardSchemes = () => new Set([...STANDARD_BUILTIN, ...mock.schemes.filter((s) => s.privileges?.standard).map((s) => s.scheme)]);
  const originOf = (url: string) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return 'null';
    }
    const scheme = u.protocol.slice(0, -1);
    if (scheme === 'file') return 'file:///';
    if (!standardSchemes().has(scheme)) return 'null';
    return `${scheme}://${u.host}/`;
  };

  const defaultSession = {
    setPermissionRequestHandler: vi.fn((fn: MockElectron['permissionRequest']) => (mock.permissionRequest = fn)),
    setPermissionCheckHandler: vi.fn((fn: MockElectron['permissionCheck']) => (mock.permissionCheck = fn)),
    webRequest: {
      onBeforeRequest: vi.fn((filter: { urls: string[] }, listener: NonNullable<MockElectron['beforeRequest']>['listener']) => {
        const patterns = filter.urls.map((u) => {
          const parsed = parseMatchPattern(u, standardSchemes());
          if (typeof parsed === 'string') throw new TypeError(`Invalid url pattern ${u}: ${PARSE_MESSAGES[parsed]}`);
          return parsed;
        });
        mock.beforeRequest = { filter, patterns, listener };
      }),
    },
  };

  const mock: MockElectron = {
    app,
    async ready() {
      isReady = true;
      app.emit('will-finish-launching');
      app.emit('ready', {}, {});
      resolveReady();
      await settle();
    },
    async invoke(channel, event, ...args) {
      const handler = mock.ipcHandlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      const cloned = cloneForIpc(args, `Error invoking remote method '${channel}': could not clone arguments`);
      let result: unknown;
      try {
        result = await handler(event, ...cloned);
      } catch (err) {
        throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
      }
      return cloneForIpc(result, `Error invoking remote method '${channel}': the result could not be cloned`);
    },
    checkPermission(permission, pageUrl) {
      const origin = originOf(pageUrl);
      return mock.permissionCheck!(null, permission, origin, { requestingUrl: pageUrl, securityOrigin: origin, embeddingOrigin: origin, isMainFrame: true });
    },
    requestPermission(permission, pageUrl) {
      let granted: boolean | undefined;
      mock.permissionRequest!({}, permission, (ok) => (granted = ok), { requestingUrl: pageUrl, isMainFrame: true });
      return granted;
    },
    webRequest(url) {
      const br = mock.beforeRequest;
      if (!br || !br.patterns.some((p) => matchesPattern(p, url))) return 'unfiltered';
      let answer: { cancel?: boolean } | undefined;
      br.listener({ url }, (r) => (answer = r));
      return answer;
    },
    originOf,
    ipcHandlers: new Map(),
    protocolHandlers: new Map(),
    schemes: [],
    permissionRequest: null,
    permissionCheck: null,
    beforeRequest: null,
    lockFolder: null,
    shell: { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn() },
    dialog: {
      showErrorBox: vi.fn(),
      showOpenDialog: vi.fn(async () => {
        afterReadyOnly('dialog.showOpenDialog()');
        return { canceled: true, filePaths: [] };
      }),
    },
    notifications: [],
    module: {},
  };
  let schemesRegistered = false;
  mock.module = {
    app,
    BrowserWindow: MockBrowserWindow,
    dialog: mock.dialog,
    shell: mock.shell,
    ipcMain: {
      handle: vi.fn((channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
        if (mock.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        mock.ipcHandlers.set(channel, fn);
      }),
    },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    Notification: class {
      static isSupported() {
        return true;
      }
      constructor(private readonly o: { title: string; body: string }) {
        afterReadyOnly('new Notification()');
      }
      show() {
        mock.notifications.push({ title: this.o.title, body: this.o.body });
      }
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn((schemes: SchemeRegistration[]) => {
        if (isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
        if (schemesRegistered) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
        schemesRegistered = true;
        mock.schemes.push(...structuredClone(schemes));
      }),
      handle: vi.fn((scheme: string, fn: (r: Request) => Promise<Response>) => {
        afterReadyOnly('protocol.handle()');
        if (mock.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
        mock.protocolHandlers.set(scheme, fn);
      }),
    },
  };
  Object.defineProperty(mock.module, 'session', {
    enumerable: true,
    value: Object.defineProperty({}, 'defaultSession', {
      get() {
        if (!isReady) throw new Error('Session can only be received when app is ready');
        return defaultSession;
      },
    }),
  });
  return mock;
}

/**
 * Run the built main process (dist/electron/main.cjs) the way Electron's Node runs a CommonJS
 * entry point, with the stand-in as `require('electron')` and the given argv (and platform, to
 * play Windows or macOS). Returns once the script's synchronous part has run; `ready` is up to the
 * caller (`mock.ready()`).
 */
export function loadBuiltMain(mock: MockElectron, options: { argv: string[]; platform?: NodeJS.Platform }): void {
  assertBuiltMainIsFresh();
  const source = readFileSync(BUILT_MAIN, 'utf8');
  const realRequire = createRequire(BUILT_MAIN);
  const requireForMain = Object.assign((id: string) => (id === 'electron' ? mock.module : realRequire(id)), realRequire);
  const platform = options.platform ?? process.platform;
  // Only argv and platform differ from this process; everything else (env, on, exit hooks) is the real one.
  const proc = new Proxy(process, {
    get(target, key) {
      if (key === 'argv') return options.argv;
      if (key === 'platform') return platform;
      return Reflect.get(target, key);
    },
  });
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname, process) {${source}\n})`, { filename: BUILT_MAIN }) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, requireForMain, module, BUILT_MAIN, path.dirname(BUILT_MAIN), proc);
}

function newestSource(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(p) : /\.test\.ts$/.test(entry.name) ? null : { file: p, mtimeMs: statSync(p).mtimeMs };
    if (candidate && candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** A stale bundle would test yesterday's main process: refuse, and say how to fix it. */
function assertBuiltMainIsFresh(): void {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run "npm run build" first (npm test does).`);
  const built = statSync(BUILT_MAIN).mtimeMs;
  const sources = newestSource(path.join(ROOT, 'electron'));
  const buildScript = { file: path.join(ROOT, 'scripts', 'build.mjs'), mtimeMs: statSync(path.join(ROOT, 'scripts', 'build.mjs')).mtimeMs };
  const newest = buildScript.mtimeMs > sources.mtimeMs ? buildScript : sources;
  if (newest.mtimeMs > built) {
    throw new Error(`${BUILT_MAIN} is older than ${path.relative(ROOT, newest.file)}: run "npm run build" first (npm test does).`);
  }
}

/** Let queued work (promises, timers at 0, immediates) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
