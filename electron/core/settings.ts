import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defaultDataDir } from './data-dir';

/**
 * The user's settings, one JSON file in the app's data folder (`settings.json`), shared by the
 * desktop app and web mode (whose localStorage is per port, and the port is random). Unknown or
 * invalid entries are dropped on read, so an old or hand-edited file never stops the app.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const bounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200).max(20000), height: z.number().int().min(200).max(20000), maximized: z.boolean() });

export const recentEntry = z.object({ path: z.string().min(1).max(4096), name: z.string().max(1024), size: z.number().min(0), at: z.number() });
export type RecentEntry = z.infer<typeof recentEntry>;

export interface Settings {
  theme: Theme;
  window?: z.infer<typeof bounds>;
  /** The Transcode view's last preset and its options (as the API takes them). */
  transcode?: { preset: string; options: Record<string, unknown> };
  /** The GIF view's own defaults (what the user last chose). */
  gif?: Record<string, unknown>;
  /** Recently opened files, newest first (web mode has no other place that survives a restart). */
  recent: RecentEntry[];
}

export const RECENT_MAX = 12;
const DEFAULTS: Settings = { theme: 'system', recent: [] };

/** Read each known key on its own: one bad value loses that value, not the file. */
export function parseSettings(raw: unknown): Settings {
  const out: Settings = { ...DEFAULTS, recent: [] };
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  const theme = z.enum(THEMES).safeParse(r.theme);
  if (theme.success) out.theme = theme.data;
  const win = bounds.safeParse(r.window);
  if (win.success) out.window = win.data;
  const transcode = z.object({ preset: z.string().max(64), options: z.record(z.string(), z.unknown()) }).safeParse(r.transcode);
  if (transcode.success) out.transcode = transcode.data;
  const gif = z.record(z.string(), z.unknown()).safeParse(r.gif);
  if (gif.success) out.gif = gif.data;
  const recent = z.array(z.unknown()).safeParse(r.recent);
  if (recent.success) out.recent = recent.data.flatMap((e) => (recentEntry.safeParse(e).success ? [e as RecentEntry] : [])).slice(0, RECENT_MAX);
  return out;
}

export class SettingsStore {
  readonly file: string;
  private cache: Settings | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string = defaultDataDir()) {
    this.file = path.join(dataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    if (this.cache) return this.cache;
    try {
      this.cache = parseSettings(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      this.cache = { ...DEFAULTS, recent: [] };
    }
    return this.cache;
  }

  /** Merge `patch` and write the file (atomically: a temporary file renamed over the old one). */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = parseSettings({ ...(await this.get()), ...patch });
    this.cache = next;
    const write = async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
      await rename(tmp, this.file);
    };
    this.writing = this.writing.then(write, write);
    await this.writing;
    return next;
  }

  async addRecent(file: { path: string; name: string; size: number }): Promise<void> {
    const s = await this.get();
    const recent = [{ path: file.path, name: file.name, size: file.size, at: Date.now() }, ...s.recent.filter((r) => r.path !== file.path)].slice(0, RECENT_MAX);
    await this.update({ recent });
  }

  async forgetRecent(filePath: string): Promise<void> {
    const s = await this.get();
    if (s.recent.some((r) => r.path === filePath)) await this.update({ recent: s.recent.filter((r) => r.path !== filePath) });
  }
}

/** For start-up code that cannot wait (the window's first size): the file as it is now. */
export function readSettingsSync(dataDir: string = defaultDataDir()): Settings {
  try {
    return parseSettings(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')));
  } catch {
    return { ...DEFAULTS, recent: [] };
  }
}

const stores = new Map<string, SettingsStore>();
/** One store per data folder, so concurrent updates in one process are serialised. */
export function settingsStore(dataDir: string = defaultDataDir()): SettingsStore {
  let s = stores.get(dataDir);
  if (!s) stores.set(dataDir, (s = new SettingsStore(dataDir)));
  return s;
}
