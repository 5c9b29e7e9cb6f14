import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultDataDir } from './data-dir';
import { DEFAULT_SETTINGS, parseSettings, RECENT_MAX, type Settings } from './settings-types';

export { parseSettings, RECENT_MAX, recentEntry, THEMES, type RecentEntry, type Settings, type Theme } from './settings-types';

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
      this.cache = { ...DEFAULT_SETTINGS, recent: [] };
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
    return { ...DEFAULT_SETTINGS, recent: [] };
  }
}

const stores = new Map<string, SettingsStore>();
/** One store per data folder, so concurrent updates in one process are serialised. */
export function settingsStore(dataDir: string = defaultDataDir()): SettingsStore {
  let s = stores.get(dataDir);
  if (!s) stores.set(dataDir, (s = new SettingsStore(dataDir)));
  return s;
}
