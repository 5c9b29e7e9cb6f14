/**
 * A file path must never be built from `URL.pathname`: the pathname keeps percent-escapes (`sp%20ace`,
 * `%C3%A9`) and gives `/C:/…` on Windows, so `npm start` failed from any folder with a space or a
 * non-ASCII letter (issue 12). `fileURLToPath` is the conversion. This check reads every script
 * under scripts/ and bin/ (and the other places Node code runs from) with TypeScript's parser and
 * fails on a `.pathname` of a file URL, or of any URL that flows into a path or fs call.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Calls whose arguments are file paths. Not `path.posix.*`: it is the way to work on URL paths
 * (a redirect's Location, a route), which is what a pathname is.
 */
const PATH_CALLEES = /^(path(\.win32)?\.\w+|join|resolve|dirname|basename|relative|normalize|(fs|fsp|promises)\.\w+|\w+Sync|readFile|writeFile|readdir|stat|lstat|access|mkdir|rm|rename|copyFile|cp|open|createReadStream|createWriteStream|spawn|execFile|fork|existsSync|pathToFileURL|require|createRequire)$/;

interface Finding {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** True for `import.meta.url`, a `file:` string, or `new URL(…)` built from either. */
function isFileUrlExpression(node: ts.Node, fileUrlNames: Set<string>): boolean {
  if (ts.isParenthesizedExpression(node)) return isFileUrlExpression(node.expression, fileUrlNames);
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'url' && ts.isMetaProperty(node.expression)) return true;
  if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^file:/i.test(node.text)) return true;
  if (ts.isTemplateExpression(node) && /^file:/i.test(node.head.text)) return true;
  if (ts.isIdentifier(node)) return fileUrlNames.has(node.text);
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
    return (node.arguments ?? []).some((a) => isFileUrlExpression(a, fileUrlNames));
  }
  return false;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  return call.expression.getText().replace(/\s+/g, '');
}

export function findPathnamePaths(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, /\.m?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const findings: Finding[] = [];
  const fileUrlNames = new Set<string>();
  const report = (node: ts.Node, why: string) =>
    findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText(), why });

  // Names bound to file URLs (`const here = new URL('.', import.meta.url)`), so `here.pathname` is caught too.
  const collect = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isFileUrlExpression(node.initializer, fileUrlNames)) {
      fileUrlNames.add(node.name.text);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);

  const visit = (node: ts.Node, insidePathCall: string | null) => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'pathname') {
      if (isFileUrlExpression(node.expression, fileUrlNames)) report(node, 'the pathname of a file: URL is not a file path');
      else if (insidePathCall) report(node, `a URL pathname passed to ${insidePathCall}()`);
    }
    let inside = insidePathCall;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && PATH_CALLEES.test(calleeName(node))) inside = calleeName(node);
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(sf, null);
  return findings;
}

function scriptsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === '.cache' || name.startsWith('.')) continue;
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(mjs|cjs|js|ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('file paths are never built from URL.pathname', () => {
  it('catches the pattern and its variants, and accepts fileURLToPath', () => {
    const bad = [
      "const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');",
      "const here = new URL('.', import.meta.url); const p = here.pathname;",
      "const u = new URL(import.meta.url); readFileSync(u.pathname + '/x');",
      "const f = new URL('file:///C:/x/y.txt').pathname;",
      'const f = new URL(`file://${p}`).pathname;',
      'existsSync(new URL(someUrl).pathname)',
      "path.join(url.pathname, 'index.html')",
    ];
    for (const src of bad) expect(findPathnamePaths('bad.mjs', src), src).toHaveLength(1);
    const good = [
      "const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');",
      "const u = new URL(req.url, 'http://x'); if (u.pathname === '/api') route(u.pathname.slice(5));",
      "const link = `${origin}${new URL(href).pathname}`;",
      'res.setHeader("Location", `${path.posix.basename(url.pathname)}?hop=2`);',
    ];
    for (const src of good) expect(findPathnamePaths('good.mjs', src), src).toEqual([]);
  });

  it('in every script under scripts/ and bin/, and every other source file', () => {
    const files = ['scripts', 'bin', 'electron', 'test', 'renderer'].flatMap((d) => scriptsUnder(path.join(ROOT, d)));
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['scripts/start.mjs', 'bin/mwb.mjs']));
    const findings = files.flatMap((f) => findPathnamePaths(path.relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.text}: ${f.why}`)).toEqual([]);
  });
});
