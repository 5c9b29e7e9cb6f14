import { z } from 'zod';
import type { Capabilities } from '../core/media/caps-types';
import type { OpenedFile } from '../core/files-types';
import { fileId, inputUrl, localPath, method, none, text } from './method';
import { THEMES, type Settings } from '../core/settings-types';
import { PRESET_IDS } from '../core/jobs/presets';
import { gifOptionsSchema } from '../core/gif/options';
import { transcodeOptions } from './jobs';

export interface AppInfo {
  name: string;
  version: string;
  /** Which binding answers: the desktop app, web mode, or the static build's worker (no Node side). */
  mode: 'electron' | 'web' | 'static';
  platform: string;
  arch: string;
  node: string;
  electron: string | null;
}

export const appContract = {
  appInfo: method(none, 'Name, version and runtime of the workbench.').returns<AppInfo>(),
  caps: method(
    z.object({ refresh: z.boolean().optional() }).strict(),
    'Where ffmpeg/ffprobe come from, their version, and what they can encode, decode, mux and demux.',
  ).returns<Capabilities>(),
  openPath: method(
    z.object({ path: localPath }).strict(),
    'Open a local file the user chose; returns its id. Only opened files can be read afterwards.',
  ).returns<OpenedFile>(),
  openUrl: method(
    z.object({ url: inputUrl }).strict(),
    'Open an http(s) URL the user typed (an MP4, an fMP4, an .m3u8 or .mpd); returns its id. Its bytes are read with Range requests, only by that id.',
  ).returns<OpenedFile>(),
  pickFiles: method(
    z.object({ multiple: z.boolean().optional(), title: text(200).optional() }).strict(),
    'Show the native open dialog (desktop app only) and open what the user picks.',
  ).returns<OpenedFile[]>(),
  listFiles: method(none, 'The files opened in this session, newest first.').returns<OpenedFile[]>(),
  closeFile: method(z.object({ id: fileId }).strict(), 'Forget an opened file.').returns<{ closed: boolean }>(),
  getSettings: method(none, "The user's settings (theme, last transcode preset and options, GIF defaults, recent files), from the app's data folder.").returns<Settings>(),
  updateSettings: method(
    z
      .object({
        theme: z.enum(THEMES).optional(),
        transcode: z.object({ preset: z.enum(PRESET_IDS), options: transcodeOptions }).strict().optional(),
        gif: gifOptionsSchema.optional(),
      })
      .strict(),
    'Change some settings; they persist in the data folder (settings.json).',
  ).returns<Settings>(),
} as const;

export interface AppEvents {
  'files.changed': { files: OpenedFile[] };
  /** A file was opened from outside the UI (menu, second instance, drag onto the dock icon). */
  'files.opened': { file: OpenedFile; view?: string };
  /** A menu command the page carries out (File → Close File). */
  'app.command': { command: 'close-file' };
}
