/**
 * The CLI conventions every verb shares (electron/cli/common.ts): exit codes, JSON errors, help,
 * option typos and values with units; and the wrong answers issue #17 found on the command line.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capsVerb } from '../../../electron/cli/caps';
import { didYouMean, normalizeArgv, parseVerbArgs, UsageError, verbHelp, type Verb } from '../../../electron/cli/common';
import { diffVerb } from '../../../electron/cli/diff';
import { gifVerb } from '../../../electron/cli/gif';
import { inspectVerb } from '../../../electron/cli/inspect';
import { lintVerb } from '../../../electron/cli/lint';
import { presetsVerb } from '../../../electron/cli/presets';
import { recordVerb } from '../../../electron/cli/record';
import { probeVerb } from '../../../electron/cli/probe';
import { serveVerb } from '../../../electron/cli/serve';
import { transcodeVerb } from '../../../electron/cli/transcode';
import { inspectFile } from '../../../electron/core/boxes/file-source';
import { clip } from '../../fixtures/generate';
import { mwbWithEnv } from '../../fixtures/mwb-cli';

const VERBS: Verb[] = [capsVerb, inspectVerb, diffVerb, lintVerb, probeVerb, gifVerb, serveVerb, transcodeVerb, presetsVerb, recordVerb];

function mwb(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return mwbWithEnv({ MWB_DATA_DIR: dataDir }, ...args);
}

let dir: string;
let dataDir: string;
let media: string;
let text: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-conventions-'));
  dataDir = path.join(dir, 'data');
  media = await clip({ duration: 1 });
  text = path.join(dir, 'notes.mp4');
  await writeFile(text, 'Definitely a shopping list, not a movie.\n');
});

describe('help', () => {
  it('every verb documents every option with a sentence, plus two examples and the exit codes', () => {
    for (const verb of VERBS) {
      const help = verbHelp(verb);
      expect(verb.examples.length, verb.name).toBeGreaterThanOrEqual(2);
      for (const [name, spec] of Object.entries(verb.options)) {
        if (spec.hidden) continue;
        expect(help, `${verb.name} --${name}`).toContain(`--${name}`);
        expect(spec.help.length, `${verb.name} --${name}`).toBeGreaterThan(20);
        // Wrapping may split the sentence; its first words are on the option's line.
        expect(help.replace(/\s+/g, ' '), `${verb.name} --${name}`).toContain(spec.help.replace(/\s+/g, ' '));
      }
      expect(help).toMatch(/Examples:\n {2}mwb /);
      expect(help).toMatch(/Exit codes:\n {2}0 {2}/);
      expect(help).toMatch(/\n {2}2 +usage error, or an input that cannot be read/);
    }
    // Defaults, units and accepted values are spelled out where they exist.
    const gif = verbHelp(gifVerb);
    expect(gif).toMatch(/--fps N\s+Frames per second, 1–50 .*Default: 15\./);
    expect(gif).toContain('--dither none|bayer|diffusion');
    expect(verbHelp(transcodeVerb)).toContain('--args "-c:v libx264 -crf 18"');
  });

  it('`mwb <verb> --help` and `mwb help <verb>` print the same page; bare `mwb` prints the aligned main help', async () => {
    const [a, b, bare] = await Promise.all([mwb('lint', '--help'), mwb('help', 'lint'), mwb()]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toBe(verbHelp(lintVerb));
    expect(bare.code).toBe(0);
    const verbLines = bare.stdout.split('\n').filter((l) => VERBS.some((v) => l.startsWith(`  ${v.name} `)));
    expect(verbLines).toHaveLength(VERBS.length);
    // Aligned: every summary starts in the same column.
    const columns = new Set(verbLines.map((l) => /^ {2}\S+ +/.exec(l)![0].length));
    expect(columns.size).toBe(1);
    expect(bare.stdout).toContain('Exit codes (every verb):');
  });
});

describe('option parsing', () => {
  it('suggests the closest option in one line, never the raw parser text', async () => {
    expect(didYouMean('jsn', ['json', 'samples', 'depth'])).toBe('json');
    expect(didYouMean('sample', ['json', 'samples', 'depth'])).toBe('samples');
    expect(didYouMean('zzzzzz', ['json'])).toBeUndefined();
    const r = await mwb('lint', media, '--jsno');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['mwb lint: unknown option --jsno; did you mean --json? ("mwb lint --help" explains them)']);
  });

  it('takes a value that starts with a dash after a space (--args "-c:v libx264 -crf 18")', () => {
    const { values } = parseVerbArgs('transcode', ['in.mp4', 'out.mp4', '--preset', 'custom', '--args', '-c:v libx264 -crf 18'], transcodeVerb.options);
    expect(values.args).toBe('-c:v libx264 -crf 18');
    // A switch right after a string option is not swallowed as its value.
    expect(() => parseVerbArgs('transcode', ['--preset', '--json'], transcodeVerb.options)).toThrow(/--preset needs a value/);
  });

  it('joins a size unit written after a space, and refuses words that are not units', () => {
    expect(normalizeArgv(['a.mp4', '--max-size', '10', 'MB'], gifVerb.options)).toEqual(['a.mp4', '--max-size=10MB']);
    expect(normalizeArgv(['a.mp4', '--max-size', '1.5', 'MiB', 'out.gif'], gifVerb.options)).toEqual(['a.mp4', '--max-size=1.5MiB', 'out.gif']);
    expect(() => normalizeArgv(['a.mp4', '--max-size', '10', 'megs'], gifVerb.options)).toThrow(UsageError);
    expect(() => normalizeArgv(['a.mp4', '--max-size', '10', 'megs'], gifVerb.options)).toThrow(/write the size as 10MB/);
  });

  it('--max-size 10 MB works from the command line; "10 megs" exits 2 saying how to write it', async () => {
    const out = path.join(dir, 'sized.gif');
    const ok = await mwb('gif', media, out, '--max-size', '10', 'MB', '--duration', '0.4', '--width', '64', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).budget.maxBytes).toBe(10 * 1024 * 1024);
    const bad = await mwb('gif', media, out, '--max-size', '10', 'megs');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('write the size as 10MB');
  });
});

describe('exit codes and JSON errors', () => {
  it('a missing input exits 2 for every verb that reads one, with { error: { code, message } } on stdout under --json', async () => {
    const missing = path.join(dir, 'missing.mp4');
    const runs = await Promise.all([
      mwb('inspect', missing, '--json'),
      mwb('lint', missing, '--json'),
      mwb('probe', missing, '--json'),
      mwb('diff', media, missing, '--json'),
      mwb('gif', missing, '--json'),
      mwb('transcode', missing, path.join(dir, 'o.mp4'), '--preset', 'web-mp4', '--json'),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${missing} does not exist`);
      const json = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('ENOENT');
      expect(json.error.message).toContain(`${missing} does not exist`);
    }
  });

  it('usage errors with --json are JSON too (code EUSAGE)', async () => {
    const r = await mwb('lint', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('EUSAGE');
  });

  it('a text file is "not media" for inspect, probe and transcode (exit 2), not a damaged MP4', async () => {
    const [inspect, probe, transcode] = await Promise.all([
      mwb('inspect', text),
      mwb('probe', text),
      mwb('transcode', text, path.join(dir, 'o.mp4'), '--preset', 'web-mp4'),
    ]);
    expect(inspect.code).toBe(2);
    for (const r of [probe, transcode]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${text} is a text file, not audio or video (it starts with "Definitely a shopping list, not a movie.")`);
      expect(r.stderr).not.toMatch(/moov atom|index is missing/);
    }
  });
});

describe('transcode and probe answers', () => {
  it('--args "-c:v libx264 -crf 18" (the documented form) works from the command line', async () => {
    const r = await mwb('transcode', media, path.join(dir, 'custom.mp4'), '--preset', 'custom', '--args', '-c:v libx264 -crf 18', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ -c:v libx264 -crf 18 file:.*custom\.mp4\n$/);
  });

  it('a folder output names the folder and how to fix it; a dry run with output = input is refused like a real run', async () => {
    const folder = path.join(dir, 'outdir');
    await mkdir(folder, { recursive: true });
    const [slash, bare, same] = await Promise.all([
      mwb('transcode', media, folder + '/', '--preset', 'web-mp4'),
      mwb('transcode', media, folder, '--preset', 'web-mp4', '--dry-run'),
      mwb('transcode', media, media, '--preset', 'web-mp4', '--dry-run'),
    ]);
    for (const r of [slash, bare]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${folder} is a folder; the web-mp4 preset writes one file: give a file name, e.g. ${path.join(folder, 'output.mp4')}`);
      expect(r.stderr).not.toContain('no extension');
    }
    expect(same.code).toBe(2);
    expect(same.stdout).toBe('');
    expect(same.stderr).toContain('is the input file itself');
  });

  it("probe strips ffprobe's [mov,mp4,… @ 0x…] prefixes", async () => {
    // Binary, not text, not a box: ffprobe's complaint goes through, without its context prefix.
    const junk = path.join(dir, 'junk.mp4');
    await writeFile(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const r = await mwb('probe', junk);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a media file ff(mpeg|probe) can read/);
    expect(r.stderr).not.toMatch(/\[[a-z0-9_,]+ @ 0x[0-9a-f]+\]/);
    expect(r.stderr).not.toContain('file:');
  });
});

describe('inspect of a file whose first box is unexpected', () => {
  it('shows the tree with a warning instead of refusing it', async () => {
    const result = await inspectFile(media);
    const trak = result.boxes.find((b) => b.type === 'moov')!.children!.find((b) => b.type === 'trak')!;
    const bytes = (await readFile(media)).subarray(trak.offset, trak.offset + trak.size);
    const file = path.join(dir, 'trak-first.mp4');
    await writeFile(file, bytes);
    const r = await mwb('inspect', file, '--depth', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning:');
    expect(r.stderr).toContain('starts with a "trak" box');
    expect(r.stdout).toMatch(/^\[trak\]/m);
    expect(r.stdout).toMatch(/^ {2}\[tkhd\]/m);
    const json = JSON.parse((await mwb('inspect', file, '--json')).stdout) as { unexpectedFirstBox: string; boxes: { type: string }[] };
    expect(json.unexpectedFirstBox).toBe('trak');
    expect(json.boxes[0]!.type).toBe('trak');
  });
});
