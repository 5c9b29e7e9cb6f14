// Which platform and CPU an executable is built for, read from its header (ELF, Mach-O, PE).
// Packaging uses it to prove that each installer carries ffmpeg/ffprobe for its own target.
import { open } from 'node:fs/promises';

const ELF_MACHINES = { 3: 'ia32', 62: 'x64', 40: 'arm', 183: 'arm64' };
const MACHO_CPUS = { 7: 'ia32', 0x01000007: 'x64', 12: 'arm', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x14c: 'ia32', 0x8664: 'x64', 0x1c4: 'arm', 0xaa64: 'arm64' };

/**
 * @param {Buffer} buf the first bytes of the file (4 KiB is plenty)
 * @returns {{ platform: string, arch: string, arches?: string[] } | null}
 */
export function detectBinary(buf) {
  if (buf.length >= 20 && buf[0] === 0x7f && buf.toString('latin1', 1, 4) === 'ELF') {
    const le = buf[5] !== 2;
    const machine = le ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
    const osabi = buf[7];
    return { platform: osabi === 9 ? 'freebsd' : 'linux', arch: ELF_MACHINES[machine] ?? `elf-machine-${machine}` };
  }
  if (buf.length >= 8) {
    const magicLE = buf.readUInt32LE(0);
    if (magicLE === 0xfeedface || magicLE === 0xfeedfacf) {
      const cpu = buf.readInt32LE(4) >>> 0;
      return { platform: 'darwin', arch: MACHO_CPUS[cpu] ?? `macho-cpu-${cpu}` };
    }
    if (buf.readUInt32BE(0) === 0xcafebabe && buf.readUInt32BE(4) < 20) {
      // Universal (fat) Mach-O: a list of slices. (Java class files share the magic but have a big version number.)
      const n = buf.readUInt32BE(4);
      const arches = [];
      for (let i = 0; i < n && 8 + i * 20 + 4 <= buf.length; i++) {
        const cpu = buf.readUInt32BE(8 + i * 20);
        arches.push(MACHO_CPUS[cpu] ?? `macho-cpu-${cpu}`);
      }
      return { platform: 'darwin', arch: 'universal', arches };
    }
  }
  if (buf.length >= 0x40 && buf.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = buf.readUInt32LE(0x3c);
    if (peOffset + 6 <= buf.length && buf.toString('latin1', peOffset, peOffset + 4) === 'PE\0\0') {
      const machine = buf.readUInt16LE(peOffset + 4);
      return { platform: 'win32', arch: PE_MACHINES[machine] ?? `pe-machine-${machine}` };
    }
  }
  return null;
}

/** @param {string} file */
export async function detectBinaryFile(file) {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return detectBinary(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Does the binary run natively on `platform`/`arch` (Node's names: darwin|linux|win32, x64|arm64|ia32|arm)?
 * @param {{ platform: string, arch: string, arches?: string[] } | null} found
 */
export function matchesTarget(found, platform, arch) {
  if (!found || found.platform !== platform) return false;
  if (found.arch === 'universal') return (found.arches ?? []).includes(arch);
  return found.arch === arch;
}
