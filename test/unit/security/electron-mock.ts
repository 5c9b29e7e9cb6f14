/**
 * A stand-in for the `electron` module, enough for electron/main.ts to run its real start-up code
 * under Node: it records what main.ts asks of Electron (window options, handlers, IPC channels,
 * protocol handlers, sessions) so tests can inspect and drive them.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class MockWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class MockBrowserWindow extends EventEmitter {
  static windows: MockBrowserWindow[] = [];
  static getAllWindows() {
    return MockBrowserWindow.windows;
  }
  webContents = new MockWebContents();
  minimized = false;
  loadURL = vi.fn(async (_url: string) => {});
  show = vi.fn();
  restore = vi.fn(() => {
    this.minimized = false;
  });
  focus = vi.fn();
  constructor(public options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
    super();
    MockBrowserWindow.windows.push(this);
  }
  isMinimized() {
    return this.minimized;
  }
}

export type MockApp = EventEmitter & {
  isPackaged: boolean;
  requestSingleInstanceLock: ReturnType<typeof vi.fn>;
  quit: ReturnType<typeof vi.fn>;
  enableSandbox: ReturnType<typeof vi.fn>;
  whenReady: ReturnType<typeof vi.fn>;
  isReady: ReturnType<typeof vi.fn>;
  getPath: ReturnType<typeof vi.fn>;
};

export interface MockElectron {
  app: MockApp;
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl: string }) => void) | null;
  permissionCheck: ((wc: unknown, permission: string, origin: string) => boolean) | null;
  beforeRequest: { filter: { urls: string[] }; listener: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void } | null;
  shell: { openExternal: ReturnType<typeof vi.fn>; showItemInFolder: ReturnType<typeof vi.fn> };
  dialog: { showErrorBox: ReturnType<typeof vi.fn>; showOpenDialog: ReturnType<typeof vi.fn> };
  module: Record<string, unknown>;
}

export function createElectronMock(options: { gotLock?: boolean; isPackaged?: boolean; userData?: string } = {}): MockElectron {
  MockBrowserWindow.windows = [];
  const app: MockApp = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    requestSingleInstanceLock: vi.fn(() => options.gotLock ?? true),
    quit: vi.fn(),
    enableSandbox: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    isReady: vi.fn(() => true),
    // Electron's per-user data folder; a throwaway one here (job history and logs go there).
    getPath: vi.fn((name: string) => `${options.userData ?? '/nonexistent/mwb-mock'}/${name}`),
  });
  const mock: MockElectron = {
    app,
    ipcHandlers: new Map(),
    protocolHandlers: new Map(),
    permissionRequest: null,
    permissionCheck: null,
    beforeRequest: null,
    shell: { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn() },
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })) },
    module: {},
  };
  mock.module = {
    app,
    BrowserWindow: MockBrowserWindow,
    dialog: mock.dialog,
    shell: mock.shell,
    ipcMain: { handle: vi.fn((channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => mock.ipcHandlers.set(channel, fn)) },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    Notification: class {
      static isSupported() {
        return false;
      }
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn((scheme: string, fn: (r: Request) => Promise<Response>) => mock.protocolHandlers.set(scheme, fn)),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn((fn: MockElectron['permissionRequest']) => (mock.permissionRequest = fn)),
        setPermissionCheckHandler: vi.fn((fn: MockElectron['permissionCheck']) => (mock.permissionCheck = fn)),
        webRequest: {
          onBeforeRequest: vi.fn((filter: { urls: string[] }, listener: NonNullable<MockElectron['beforeRequest']>['listener']) => (mock.beforeRequest = { filter, listener })),
        },
      },
    },
  };
  return mock;
}

/** Let main.ts's `app.whenReady().then(...)` and other queued work run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
