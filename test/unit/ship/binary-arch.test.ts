/**
 * The header reader that packaging relies on to prove each installer's ffmpeg/ffprobe match its
 * target. Checked against real executables: ffprobe-static ships builds for several platforms
 * inside its npm package, plus this machine's own ffmpeg and node.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectBinary, detectBinaryFile, matchesTarget } from '../../../scripts/pack/binary-arch.mjs';

const require = createRequire(import.meta.url);
function ffprobeStaticDir(): string | null {
  try {
    return path.dirname(require.resolve('ffprobe-static/package.json'));
  } catch {
    return null;
  }
}
const dir = ffprobeStaticDir();

describe('binary header detection', () => {
  it.skipIf(!dir)('reads the platform and CPU of every ffprobe-static build', async () => {
    const seen: Record<string, string> = {};
    for (const rel of ['linux/x64/ffprobe', 'linux/ia32/ffprobe', 'win32/x64/ffprobe.exe', 'win32/ia32/ffprobe.exe', 'darwin/x64/ffprobe', 'darwin/arm64/ffprobe']) {
      const file = path.join(dir!, 'bin', rel);
      if (!existsSync(file)) continue;
      const kind = await detectBinaryFile(file);
      seen[rel] = `${kind?.platform}-${kind?.arch}`;
    }
    expect(seen['linux/x64/ffprobe']).toBe('linux-x64');
    expect(seen['linux/ia32/ffprobe']).toBe('linux-ia32');
    expect(seen['win32/x64/ffprobe.exe']).toBe('win32-x64');
    expect(seen['win32/ia32/ffprobe.exe']).toBe('win32-ia32');
    expect(seen['darwin/x64/ffprobe']).toBe('darwin-x64');
    // A real finding: ffprobe-static 3.1.0's "darwin/arm64" build is an x86-64 binary (Rosetta 2
    // runs it). Packaging treats that as an explicit, documented exception, not as a native build.
    expect(seen['darwin/arm64/ffprobe']).toBe('darwin-x64');
  });

  it("recognises this machine's ffmpeg and node", async () => {
    const arch = process.arch === 'x64' || process.arch === 'arm64' || process.arch === 'ia32' ? process.arch : null;
    const node = await detectBinaryFile(process.execPath);
    expect(node?.platform).toBe(process.platform);
    if (arch) expect(node?.arch).toBe(arch);
    if (existsSync('/usr/bin/ffmpeg')) expect(matchesTarget(await detectBinaryFile('/usr/bin/ffmpeg'), process.platform, process.arch)).toBe(true);
  });

  it('decodes synthetic headers of each format and CPU', () => {
    const elf = (machine: number) => {
      const b = Buffer.alloc(64);
      b.write('\x7fELF', 'latin1');
      b[4] = 2;
      b[5] = 1;
      b.writeUInt16LE(machine, 18);
      return b;
    };
    expect(detectBinary(elf(183))).toEqual({ platform: 'linux', arch: 'arm64' });
    expect(detectBinary(elf(40))).toEqual({ platform: 'linux', arch: 'arm' });
    const macho = (cpu: number) => {
      const b = Buffer.alloc(32);
      b.writeUInt32LE(0xfeedfacf, 0);
      b.writeUInt32LE(cpu, 4);
      return b;
    };
    expect(detectBinary(macho(0x0100000c))).toEqual({ platform: 'darwin', arch: 'arm64' });
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    const universal = detectBinary(fat);
    expect(universal).toEqual({ platform: 'darwin', arch: 'universal', arches: ['x64', 'arm64'] });
    expect(matchesTarget(universal, 'darwin', 'arm64')).toBe(true);
    expect(matchesTarget(universal, 'linux', 'arm64')).toBe(false);
    const pe = Buffer.alloc(256);
    pe.write('MZ', 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(0xaa64, 0x84);
    expect(detectBinary(pe)).toEqual({ platform: 'win32', arch: 'arm64' });
    expect(detectBinary(Buffer.from('#!/bin/sh\necho hi\n'))).toBeNull();
    expect(matchesTarget(null, 'linux', 'x64')).toBe(false);
  });
});
