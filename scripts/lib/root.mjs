import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root, from the `import.meta.url` of a script `levelsUp` folders below it.
 * fileURLToPath, never `URL.pathname`: a pathname keeps `%20` and `%C3%A9` and gives `/C:/…` on
 * Windows (test/unit/ship/file-url-paths.test.ts fails on that pattern under scripts/ and bin/).
 */
export function projectRoot(moduleUrl, levelsUp = 1, pathApi = path) {
  // pathApi: the platform's path module; tests pass path.win32 to play Windows.
  const file = fileURLToPath(moduleUrl, { windows: pathApi === path.win32 });
  return pathApi.resolve(pathApi.dirname(file), ...Array(levelsUp).fill('..'));
}
