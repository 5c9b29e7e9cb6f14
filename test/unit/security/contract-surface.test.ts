/**
 * The contract (electron/api.ts) is the only thing the renderer and web clients can ask of the Node
 * side. It must never offer "run any command" or "read any path": with either, a compromised
 * renderer or a page that got hold of the web-mode token could read the disk or run programs.
 *
 * The rule, checked on every method (new ones included: this test iterates `contract`):
 * - files are read only by `fileId`, an id the FileRegistry handed out when the user opened the
 *   file; the one method that takes a path to read is `openPath`, the user's act of opening
 *   (reason in READ_PATH_ALLOWED);
 * - files are written only to an `outputPath` the user chose; handlers build the ffmpeg argument
 *   with `outputArg()` (core/ffmpeg-input.ts), which refuses folders, URLs and the job's inputs;
 * - a URL is read only as an `inputUrl` (http/https) the user chose, passed with
 *   `inputArgs(url, { allowUrl: true })`;
 * - any other string must be unable to carry a path, command or protocol: an enum, a literal, a
 *   regex-constrained token (ids, codec names), or `text(max)` for labels that never reach fs or
 *   argv. Strings are probed with hostile values (see contract-rules.ts); inside arrays they must
 *   also refuse option-like tokens, so argv arrays (`z.array(z.string())`, lists of flags), free
 *   ffmpeg filter strings and raw paths all fail;
 * - values that cannot be checked (z.any, z.unknown, z.custom, transforms…) are refused.
 * If your new method fails here, reshape its arguments; don't widen the rule.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { contract, methodNames } from '../../../electron/api';
import { fileId, inputUrl, localPath, outputPath, text } from '../../../electron/contract/method';
import { checkMethod, READ_PATH_ALLOWED } from './contract-rules';

describe('the contract exposes no generic command runner or path reader', () => {
  it.each(methodNames.map((m) => [m]))('%s passes the argument rule', (name) => {
    expect(checkMethod(name, contract[name].args as z.ZodType)).toEqual([]);
  });

  it('the read-path exception is in use and limited to openPath', () => {
    expect(Object.keys(READ_PATH_ALLOWED)).toEqual(['openPath.path']);
    expect(contract.openPath.args.shape.path).toBe(localPath);
  });

  it('every method has a strict object schema (unknown keys are refused, not ignored)', () => {
    for (const name of methodNames) {
      const args = contract[name].args as z.ZodType;
      const res = args.safeParse({ __smuggled: '/etc/passwd' });
      expect(res.success, name).toBe(false);
    }
  });
});

describe('the rule itself catches what it should (so a pass above means something)', () => {
  const violations = (schema: z.ZodType, name = 'probe') => checkMethod(name, schema).map((v) => `${v.at}: ${v.problem}`);

  it('flags argv arrays, free strings and command-like names', () => {
    expect(violations(z.object({ argv: z.array(z.string()) }).strict(), 'run')).toEqual([expect.stringMatching(/^run\.argv\[\]: accepts "\/etc\/passwd"/)]);
    expect(violations(z.object({ cmd: z.string().max(100) }).strict(), 'runCommand')).toHaveLength(2);
    expect(violations(z.object({ input: fileId, vf: z.string() }).strict(), 'gif')).toEqual([expect.stringMatching(/^gif\.vf: accepts/)]);
    expect(violations(z.object({ extra: z.array(z.string().regex(/^[\w=:.-]+$/)) }).strict())).toEqual([expect.stringMatching(/extra\[\]: accepts "pipe:0"/)]);
    // Lone tokens may start with "-" (an option value is never read as an option); arrays of them are argv.
    expect(violations(z.object({ flags: z.array(z.string().regex(/^[\w-]+$/)) }).strict())).toEqual([expect.stringMatching(/flags\[\]: accepts "-i"/)]);
    expect(violations(z.object({ url: z.string().url() }).strict())).toEqual([expect.stringMatching(/url: accepts .*"file:\/\/\/etc\/passwd"/)]);
  });

  it('flags paths to read anywhere but openPath, and unverifiable schemas', () => {
    expect(violations(z.object({ path: localPath }).strict(), 'inspectPath')).toEqual([expect.stringMatching(/takes a raw localPath/)]);
    expect(violations(z.object({ files: z.array(localPath) }).strict(), 'compare')).toEqual([expect.stringMatching(/compare\.files\[\]: takes a raw localPath/)]);
    expect(violations(z.object({ opts: z.any() }).strict())).toEqual([expect.stringMatching(/any schema cannot be checked/)]);
    expect(violations(z.object({ opts: z.record(z.string(), z.unknown()) }).strict())).toHaveLength(2);
    expect(violations(z.object({ v: z.string().transform((s) => s.trim()) }).strict())).not.toEqual([]);
    expect(violations(z.object({ x: z.union([fileId, z.string()]) }).strict())).toHaveLength(1);
  });

  it('passes ids, user-chosen outputs, labels, enums and tight tokens', () => {
    const ok = z
      .object({
        input: fileId,
        inputs: z.array(fileId).max(8),
        output: outputPath,
        source: inputUrl.optional(),
        jobId: z.string().regex(/^[\w-]{1,64}$/),
        title: text(120).optional(),
        codec: z.enum(['h264', 'hevc', 'av1']),
        encoder: z.string().regex(/^[a-z0-9_]{1,32}$/),
        crf: z.number().int().min(0).max(51),
        range: z.tuple([z.number(), z.number()]).optional(),
        loop: z.boolean().default(false),
        mode: z.literal('fast'),
      })
      .strict();
    expect(violations(ok, 'transcode')).toEqual([]);
  });
});
