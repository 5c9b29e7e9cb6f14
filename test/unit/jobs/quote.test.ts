import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCommand, quotePosix, quoteWindows, splitArgs } from '../../../electron/core/jobs/quote';

const nasty = ["it's", 'a b', '-leading', 'x|y', 'concat:a|b', 'new\nline', 'ünï cødé', '$HOME', '`id`', '"q"', '', '0:v:0?', 'back\\slash'];

describe('quotePosix', () => {
  it('leaves plain arguments bare', () => {
    expect(quotePosix('-c:v')).toBe('-c:v');
    expect(quotePosix('file:/tmp/a.mp4')).toBe('file:/tmp/a.mp4');
  });

  it('round-trips every nasty argument through a real sh', () => {
    const line = nasty.map(quotePosix).join(' ');
    const res = spawnSync('sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(res.stdout.split('\0').slice(0, -1)).toEqual(nasty);
  });
});

describe('quoteWindows', () => {
  it('follows the CommandLineToArgvW rules for quotes and backslashes', () => {
    expect(quoteWindows('plain')).toBe('plain');
    expect(quoteWindows('a b')).toBe('"a b"');
    expect(quoteWindows('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindows('C:\\dir with space\\')).toBe('"C:\\dir with space\\\\"');
    expect(quoteWindows('')).toBe('""');
  });
});

describe('formatCommand', () => {
  it('shows a working directory as cd … &&', () => {
    expect(formatCommand('/usr/bin/ffmpeg', ['-i', 'a b.mp4'], { dialect: 'posix', cwd: '/out/my dir' })).toBe("cd '/out/my dir' && /usr/bin/ffmpeg -i 'a b.mp4'");
  });
});

describe('splitArgs', () => {
  it('splits like a shell, honouring quotes and escapes', () => {
    expect(splitArgs(`-c:v libx264 -vf "scale=640:-2,fps=30" -metadata title='My "clip"' a\\ b`)).toEqual([
      '-c:v',
      'libx264',
      '-vf',
      'scale=640:-2,fps=30',
      '-metadata',
      'title=My "clip"',
      'a b',
    ]);
  });

  it('inverts quotePosix', () => {
    expect(splitArgs(nasty.map(quotePosix).join(' '))).toEqual(nasty);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitArgs('-metadata "title=x')).toThrow(/unclosed/);
  });
});
