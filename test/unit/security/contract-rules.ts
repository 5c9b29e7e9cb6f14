/**
 * The rule every contract method must pass (see contract-surface.test.ts for why). It walks a
 * method's zod argument schema down to its leaves and reports any leaf through which a caller
 * could hand the Node side a command, an argument vector, an ffmpeg option or a path to read.
 *
 * A string-accepting leaf is allowed only if it is one of:
 *   - `fileId` (contract/method.ts): names a file the user already opened;
 *   - `outputPath`: a file the user chose to write (handlers use `outputArg()`);
 *   - `inputUrl`: an http(s) URL the user chose as an input (handlers use `inputArgs(url, { allowUrl: true })`);
 *   - `text(max)`: bounded free text used only as a label, never as a path/URL/argument;
 *   - `localPath` in a method listed in READ_PATH_ALLOWED, with the reason;
 *   - any other string schema (enum, literal, regex-constrained token…) that rejects every probe
 *     below: absolute and relative paths, `~`, UNC and file: paths, shell syntax, ffmpeg protocols
 *     (`concat:`, `subfile,`, `pipe:`), filter sources (`movie=`) and URLs. A lone token such as an
 *     id or encoder name may start with `-` (as an option *value* ffmpeg never reads it as an
 *     option), but strings inside arrays must also refuse option-like tokens (`-i`, `--help`):
 *     an array of such tokens is an argument vector.
 * Leaves whose values cannot be checked (any, unknown, custom, transforms, lazy, functions…) are
 * refused outright, as are method names that announce a generic runner or reader.
 */
import { z } from 'zod';
import { fileId, localPath } from '../../../electron/contract/method';

/** Methods that may take a path to *read*, and why that is acceptable. */
export const READ_PATH_ALLOWED: Record<string, string> = {
  'openPath.path':
    "Opening is the user's own act: a path typed or pasted into the Open box, a dropped file, a file chosen in the native dialog or " +
    'passed on the command line. FileRegistry resolves it, checks it is a readable regular file and returns an unguessable id; ' +
    'every read afterwards goes by that id. In web mode only a holder of the per-run token can call it.',
};

export const PATH_PROBES = ['/etc/passwd', '../../../etc/passwd', 'secret/../../x', 'C:\\Windows\\win.ini', 'C:/Windows/win.ini', '\\\\server\\share\\x', '~/.ssh/id_rsa', 'file:///etc/passwd'];
/** Option-like tokens: refused inside arrays (an array of them is an argv). */
export const OPTION_PROBES = ['-i', '--help', '-filter_complex', '-y'];
export const COMMAND_PROBES = [
  'sh -c id',
  'rm -rf ~',
  '$(id)',
  '`id`',
  'a;b',
  'a|b',
  'concat:a.mp4|b.mp4',
  'subfile,,start,0,end,1,,:x.mp4',
  'movie=/etc/passwd',
  'http://127.0.0.1/x',
  'pipe:0',
];
const PROBES = [...PATH_PROBES, ...COMMAND_PROBES];
const ARRAY_PROBES = [...PROBES, ...OPTION_PROBES];
const NAME_RULE = /exec|spawn|shell|eval|command|cmd|argv|script|readpath|readfile|readany|rawpath/i;

export interface Violation {
  method: string;
  at: string;
  problem: string;
}

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

function roleOf(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { mwbRole?: string } | undefined;
  return meta?.mwbRole;
}

function acceptedProbes(schema: z.ZodType, inArray = false): string[] {
  return (inArray ? ARRAY_PROBES : PROBES).filter((p) => schema.safeParse(p).success);
}

export function checkMethod(method: string, args: z.ZodType): Violation[] {
  const out: Violation[] = [];
  if (NAME_RULE.test(method)) out.push({ method, at: '(name)', problem: 'the name announces a generic runner or reader' });
  walk(args as AnySchema, method, method, out, 0, false);
  return out;
}

function walk(schema: AnySchema, method: string, at: string, out: Violation[], depth: number, inArray: boolean): void {
  const fail = (problem: string) => out.push({ method, at, problem });
  if (depth > 40) return void fail('the schema nests too deep (recursive?) to be checked');
  const w = (s: AnySchema, where: string, arr = inArray) => walk(s, method, where, out, depth + 1, arr);
  if (schema === (fileId as unknown)) return;
  if (schema === (localPath as unknown)) {
    const key = at.replace(/\[\]|\?/g, '');
    if (!(key in READ_PATH_ALLOWED)) fail('takes a raw localPath: to read a file take a fileId of a file the user opened (openPath); for a file the user chose to write use outputPath');
    return;
  }
  const role = roleOf(schema);
  if (role === 'output-path') return;
  if (role === 'text') {
    if (schema.safeParse('x'.repeat(10_001)).success) fail('text() must be bounded');
    return;
  }
  if (role === 'input-url') {
    const accepted = acceptedProbes(schema, true).filter((p) => !/^(https?|rtsps?):\/\//.test(p));
    if (accepted.length) fail(`an input URL must be http(s)/rtsp(s) only, but accepts ${JSON.stringify(accepted[0])}`);
    return;
  }
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return w(def.innerType as AnySchema, at);
    case 'pipe':
      return w(def.in as AnySchema, at);
    case 'object': {
      for (const [name, value] of Object.entries(def.shape as Record<string, AnySchema>)) w(value, `${at}.${name}`);
      const catchall = def.catchall as AnySchema | undefined;
      if (catchall && catchall._zod.def.type !== 'never') w(catchall, `${at}.*`);
      return;
    }
    case 'array':
    case 'set':
      return w((def.element ?? def.valueType) as AnySchema, `${at}[]`, true);
    case 'tuple':
      (def.items as AnySchema[]).forEach((item, i) => w(item, `${at}[${i}]`, true));
      if (def.rest) w(def.rest as AnySchema, `${at}[...]`, true);
      return;
    case 'union':
      (def.options as AnySchema[]).forEach((o) => w(o, at));
      return;
    case 'intersection':
      w(def.left as AnySchema, at);
      w(def.right as AnySchema, at);
      return;
    case 'record':
    case 'map':
      w(def.keyType as AnySchema, `${at}{key}`, true);
      w(def.valueType as AnySchema, `${at}{value}`, true);
      return;
    case 'string':
    case 'enum':
    case 'literal':
    case 'template_literal': {
      const accepted = acceptedProbes(schema, inArray);
      if (accepted.length) {
        fail(
          `accepts ${accepted.slice(0, 3).map((p) => JSON.stringify(p)).join(', ')}${accepted.length > 3 ? ', …' : ''}: ` +
            `a string here could carry a path, command${inArray ? ', option' : ''} or ffmpeg protocol. Use fileId, outputPath, inputUrl, text(), an enum, or a regex that only admits the tokens you need`,
        );
      }
      return;
    }
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'date':
    case 'null':
    case 'undefined':
    case 'void':
    case 'nan':
    case 'never':
      return;
    default:
      fail(`a ${def.type} schema cannot be checked (it may accept anything); describe the value with plain zod types`);
  }
}
