#!/usr/bin/env node
// `mwb` from an installed checkout: the built CLI when present, else the TypeScript source via tsx.
// The CLI runs in this process (a second Node would double the start-up time). Signals reach it
// directly: verbs that run jobs (transcode, gif, serve) handle SIGINT/SIGTERM/SIGHUP themselves and
// exit 130 after a clean cancel; any other verb ends as Node does on a signal, which the shell
// reports as 128 + the signal number, as it did when this wrapper passed signals to a child.
import { existsSync } from 'node:fs';

const built = new URL('../dist/electron/cli.mjs', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli.ts', import.meta.url).href);
}
