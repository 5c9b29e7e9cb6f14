import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearBinaryCache, resolveBinary } from '../../../electron/core/binaries';
import { machoHeader } from '../ship/fake-electron';
import { parseCodecList, parseFilterList, parseFormatList, parseHwaccels, parseVersion } from '../../../electron/core/media/caps-parse';
import { getCapabilities } from '../../../electron/core/media/caps';

const ffmpeg = resolveBinary('ffmpeg').path;
const listing = (flag: string) => spawnSync(ffmpeg, ['-hide_banner', flag], { encoding: 'utf8' }).stdout;

describe('parsing the real ffmpeg listings', () => {
  it('encoders: names, kinds and descriptions', () => {
    const encoders = parseCodecList(listing('-encoders'));
    expect(encoders.length).toBeGreaterThan(50);
    const x264 = encoders.find((e) => e.name === 'libx264');
    expect(x264).toMatchObject({ kind: 'video' });
    expect(x264?.description).toMatch(/H\.264/);
    expect(encoders.find((e) => e.name === 'aac')?.kind).toBe('audio');
    // The legend lines ("V..... = Video") are not entries.
    expect(encoders.some((e) => e.name === '=')).toBe(false);
  });

  it('muxers and demuxers carry their direction', () => {
    const muxers = parseFormatList(listing('-muxers'));
    const mp4 = muxers.find((m) => m.name === 'mp4');
    expect(mp4).toMatchObject({ mux: true, demux: false });
    const demuxers = parseFormatList(listing('-demuxers'));
    expect(demuxers.find((m) => m.name === 'mov,mp4,m4a,3gp,3g2,mj2')).toMatchObject({ demux: true });
  });

  it('filters and hwaccels', () => {
    const filters = parseFilterList(listing('-filters'));
    expect(filters.find((f) => f.name === 'scale')?.io).toBe('V->V');
    expect(filters.find((f) => f.name === 'palettegen')).toBeTruthy();
    expect(parseHwaccels('Hardware acceleration methods:\nvdpau\ncuda\n\n')).toEqual(['vdpau', 'cuda']);
  });

  it('version line', () => {
    expect(parseVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c)\nconfiguration: --enable-gpl --x\n')).toEqual({
      version: '5.1.9-0+deb12u1',
      configuration: '--enable-gpl --x',
    });
    expect(parseVersion('ffmpeg version N-112233-gabc Copyright').version).toBe('N-112233-gabc');
  });
});

describe('getCapabilities', () => {
  it('reports the resolved binaries and non-empty lists', async () => {
    const caps = await getCapabilities({ refresh: true });
    expect(caps.ffmpeg.path).toBe(ffmpeg);
    expect(caps.ffmpeg.version).toMatch(/\d/);
    expect(caps.encoders.length).toBeGreaterThan(0);
    expect(caps.muxers.some((m) => m.name === 'mp4' && m.mux)).toBe(true);
    expect(caps.ffprobe?.version).toMatch(/\d/);
  });
});

describe('caps says which binaries were passed over, and why (issue 12)', () => {
  it('an FFPROBE_PATH built for another machine: caps and "mwb caps" name it with the reason, and use the next one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-caps-'));
    const foreign = path.join(dir, 'ffprobe');
    await writeFile(foreign, Buffer.concat([machoHeader('x64'), Buffer.alloc(256)]));
    await chmod(foreign, 0o755);
    const reason = `FFPROBE_PATH=${foreign} (built for darwin-x64, does not run on this ${process.platform}-${process.arch} machine)`;
    const saved = process.env.FFPROBE_PATH;
    try {
      process.env.FFPROBE_PATH = foreign;
      clearBinaryCache();
      const caps = await getCapabilities({ refresh: true });
      expect(caps.ffprobe?.path).not.toBe(foreign);
      expect(caps.ffprobe?.version).toMatch(/\d/);
      expect(caps.ffprobe?.passedOver).toEqual([reason]);
      expect(caps.ffmpeg.passedOver).toEqual([]);

      const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../../electron/cli.ts'), 'caps'], {
        encoding: 'utf8',
        env: { ...process.env, FFPROBE_PATH: foreign },
      });
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout).toContain(`not used: ${reason}`);
    } finally {
      if (saved === undefined) delete process.env.FFPROBE_PATH;
      else process.env.FFPROBE_PATH = saved;
      clearBinaryCache();
      await getCapabilities({ refresh: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
