/**
 * Command lines for people to read and copy. Display only: processes are always spawned with an
 * argv array and no shell, so nothing here is ever parsed by a program we start.
 */

const POSIX_SAFE = /^[A-Za-z0-9_\-+=.,/:@%^]+$/;

/** Quote one argument for sh/bash/zsh: bare when harmless, else single quotes (`'` → `'\''`). */
export function quotePosix(arg: string): string {
  if (arg !== '' && POSIX_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quote one argument for a Windows command line (the CommandLineToArgvW/MSVCRT rules ffmpeg.exe
 * uses): wrap in double quotes when needed, double the backslashes before a quote, escape quotes.
 */
export function quoteWindows(arg: string): string {
  if (arg !== '' && !/[\s"^&|<>%!()]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  return out + '\\'.repeat(backslashes * 2) + '"';
}

export type Dialect = 'posix' | 'windows';

export function defaultDialect(): Dialect {
  return process.platform === 'win32' ? 'windows' : 'posix';
}

/** `bin arg1 arg2 …` quoted for the dialect; `cwd` is shown as a leading `cd … &&`. */
export function formatCommand(bin: string, args: readonly string[], options: { dialect?: Dialect; cwd?: string } = {}): string {
  const dialect = options.dialect ?? defaultDialect();
  const q = dialect === 'windows' ? quoteWindows : quotePosix;
  const line = [bin, ...args].map(q).join(' ');
  if (!options.cwd) return line;
  return dialect === 'windows' ? `cd /d ${q(options.cwd)} && ${line}` : `cd ${q(options.cwd)} && ${line}`;
}

/**
 * Split a command-line fragment the user typed (the custom preset's arguments) into argv, with
 * POSIX-like rules: whitespace separates, single quotes are literal, double quotes allow `\"` and
 * `\\`, a backslash outside quotes escapes the next character. Throws on an unclosed quote.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unclosed single quote');
      cur += text.slice(i + 1, end);
      has = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      has = true;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          cur += text[i + 1];
          i += 2;
        } else {
          cur += c;
          i++;
        }
      }
      if (!closed) throw new Error('unclosed double quote');
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[i + 1];
      has = true;
      i += 2;
    } else {
      cur += ch;
      has = true;
      i++;
    }
  }
  if (has) out.push(cur);
  return out;
}
