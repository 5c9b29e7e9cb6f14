import { z } from 'zod';

/**
 * The user's settings (their shape and how a file is read; no Node imports: the contract and the
 * renderer import it). `settings.ts` keeps them in one JSON file in the app's data folder (`settings.json`), shared by the
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
export const DEFAULT_SETTINGS: Settings = { theme: 'system', recent: [] };

/** Read each known key on its own: one bad value loses that value, not the file. */
export function parseSettings(raw: unknown): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS, recent: [] };
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

