/**
 * The engine boundary: box parsing and decoding, sample tables, codec strings, the MSE rules and
 * the compare/diff logic run in the browser too (the Web Worker binding, the static build), so
 * they must import nothing from Node, directly or through another module. Node-only pieces (the fs
 * source, ffprobe, local manifests) are named below; an engine module reaching one fails here.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/helpers';

const CORE = path.join(ROOT, 'electron/core');
const ENGINE_DIRS = ['boxes', 'compare', 'mse'].map((d) => path.join(CORE, d));

/** Files inside the engine folders that are Node-only on purpose, and why. */
const NODE_ONLY: Record<string, string> = {
  'electron/core/boxes/file-source.ts': 'local files through node:fs',
  'electron/core/compare/files.ts': 'compareFiles over local files',
  'electron/core/mse/analyze.ts': 'analyzeMse over paths and local manifests',
  'electron/core/mse/manifest.ts': 'local HLS/DASH manifests resolved with node:path',
  'electron/core/mse/probe.ts': 'ffprobe',
  'electron/core/mse/http-rules.ts': 'findings about the HTTP requests the Node side made (names through manifest.ts)',
  'electron/core/mse/live-reload.ts': 'live playlists read again on the Node side (local or remote, through manifest.ts)',
};

/** Entry points that the browser bundles (they must stay Node-free as a whole). */
const BROWSER_ENTRIES = ['electron/worker.ts', 'renderer/lib/local-files.ts', 'renderer/lib/client.ts'];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NODE_GLOBALS = /\b(Buffer\.|process\.|setImmediate\(|__dirname|__filename|require\()/;

function rel(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Value imports (not `import type`) of a module: specifiers as written. */
function imports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) if (!m[2]) out.push(m[3]!);
  const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  while ((m = dynamic.exec(code))) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Walk the relative imports from `entry`; report Node builtins, Node-only modules and Node globals, with the chain. */
function nodeReach(entry: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const here = [...chain, rel(file)];
    if (file !== entry && NODE_ONLY[rel(file)]) {
      problems.push(`${here.join(' → ')} (Node-only: ${NODE_ONLY[rel(file)]})`);
      return;
    }
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const global = NODE_GLOBALS.exec(code);
    if (global) problems.push(`${here.join(' → ')} uses the Node global ${global[1]}`);
    for (const spec of imports(file)) {
      if (builtins.has(spec)) problems.push(`${here.join(' → ')} imports ${spec}`);
      else if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        if (target) visit(target, here);
      }
    }
  };
  visit(entry, []);
  return problems;
}

describe('engine modules import nothing from Node', () => {
  const engine = ENGINE_DIRS.flatMap(tsFiles).filter((f) => !NODE_ONLY[rel(f)]);

  it('finds the engine modules and the Node-only ones', () => {
    expect(engine.map(rel)).toEqual(expect.arrayContaining(['electron/core/boxes/parse.ts', 'electron/core/compare/diff.ts', 'electron/core/mse/rules.ts', 'electron/core/mse/codec-string.ts']));
    for (const f of Object.keys(NODE_ONLY)) expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });

  it.each(ENGINE_DIRS.flatMap(tsFiles).filter((f) => !NODE_ONLY[rel(f)]).map(rel))('%s', (file) => {
    expect(nodeReach(path.join(ROOT, file))).toEqual([]);
  });

  it.each(BROWSER_ENTRIES)('browser entry %s', (file) => {
    expect(existsSync(path.join(ROOT, file))).toBe(true);
    expect(nodeReach(path.join(ROOT, file))).toEqual([]);
  });

  it('the check itself catches Node imports, Node-only modules and Node globals', () => {
    // The Node-only files really are Node: if the scanner missed their imports it would pass anything.
    expect(nodeReach(path.join(ROOT, 'electron/core/boxes/file-source.ts')).join('\n')).toMatch(/imports node:fs/);
    expect(nodeReach(path.join(ROOT, 'electron/core/mse/analyze.ts')).join('\n')).toMatch(/Node-only|imports node:/);
    expect(nodeReach(path.join(ROOT, 'electron/core/files.ts')).join('\n')).toMatch(/imports node:crypto/);
    expect(NODE_GLOBALS.test('const b = Buffer.from(x);')).toBe(true);
  });
});
