/**
 * Stand-ins for what packaging tests cannot download here: an "Electron" executable (a real ELF /
 * PE / Mach-O header followed by Electron's fuse wire, which is all @electron/fuses and the
 * header reader look at) and executables of other CPUs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's shipped defaults, fuse 0..7: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, asar integrity off, only-asar off, V8 snapshot off, file:// privileges on. */
export const ELECTRON_DEFAULT_WIRE = '10110001';

export type Cpu = 'x64' | 'arm64' | 'ia32';

export function elfHeader(cpu: Cpu): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 'latin1');
  b[4] = cpu === 'ia32' ? 1 : 2;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE({ x64: 62, arm64: 183, ia32: 3 }[cpu], 18);
  return b;
}

export function peHeader(cpu: Cpu): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE({ x64: 0x8664, arm64: 0xaa64, ia32: 0x14c }[cpu], 0x84);
  return b;
}

export function machoHeader(cpu: Cpu): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE({ x64: 0x01000007, arm64: 0x0100000c, ia32: 7 }[cpu], 4);
  return b;
}

export function headerFor(platform: 'linux' | 'win32' | 'darwin', cpu: Cpu): Buffer {
  return platform === 'linux' ? elfHeader(cpu) : platform === 'win32' ? peHeader(cpu) : machoHeader(cpu);
}

/** An executable-looking file whose bytes contain Electron's fuse wire. */
export function fakeElectronBytes(header: Buffer, wire = ELECTRON_DEFAULT_WIRE): Buffer {
  return Buffer.concat([header, Buffer.from('padding'), Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, wire.length]), Buffer.from(wire, 'latin1'), Buffer.from('tail')]);
}

/** An unpacked "Electron for Linux" folder electron-builder accepts as `electronDist`. */
export async function fakeLinuxElectronDist(dir: string, cpu: Cpu): Promise<string> {
  await mkdir(path.join(dir, 'locales'), { recursive: true });
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await writeFile(path.join(dir, 'electron'), fakeElectronBytes(elfHeader(cpu)), { mode: 0o755 });
  await writeFile(path.join(dir, 'locales', 'en-US.pak'), 'locale');
  await writeFile(path.join(dir, 'LICENSE'), 'MIT');
  await writeFile(path.join(dir, 'version'), '45.4.1');
  return dir;
}

/** Fuse wire states as a string of '0'/'1' (index = FuseV1Options). */
export function wireString(wire: Record<string | number, unknown>): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += String.fromCharCode(Number(wire[i]));
  return s;
}
