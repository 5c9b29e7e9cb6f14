/** Recently inspected files (paths), kept in this browser profile / app. */
export interface RecentFile {
  path: string;
  name: string;
  size: number;
  at: number;
}

const KEY = 'mwb.recent.inspector';
const MAX = 12;

export function recentFiles(): RecentFile[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((r): r is RecentFile => typeof r?.path === 'string' && typeof r?.name === 'string').slice(0, MAX);
  } catch {
    return [];
  }
}

export function rememberFile(file: { path: string; name: string; size: number }): RecentFile[] {
  const list = [{ path: file.path, name: file.name, size: file.size, at: Date.now() }, ...recentFiles().filter((r) => r.path !== file.path)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or disabled: the list is a convenience only.
  }
  return list;
}

export function forgetFile(path: string): RecentFile[] {
  const list = recentFiles().filter((r) => r.path !== path);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // As above.
  }
  return list;
}
