import { spawn } from 'node:child_process';
import { WorkbenchError } from './errors';

export interface CaptureResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A bounded text buffer: keeps the tail, so a chatty process cannot grow memory without limit. */
export class TailBuffer {
  private chunks: string[] = [];
  private length = 0;
  constructor(private readonly limit: number) {}
  push(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    while (this.length > this.limit && this.chunks.length > 1) {
      this.length -= this.chunks.shift()!.length;
    }
    if (this.length > this.limit && this.chunks.length === 1) {
      this.chunks[0] = this.chunks[0]!.slice(this.length - this.limit);
      this.length = this.limit;
    }
  }
  toString(): string {
    return this.chunks.join('');
  }
}

/**
 * Run a short-lived tool with an argv array (never a shell), drain both pipes, and return what it
 * printed. Output is capped (`maxBytes` per stream); the process is killed after `timeoutMs`.
 */
export function runCapture(
  bin: string,
  args: readonly string[],
  options: { timeoutMs?: number; maxBytes?: number; input?: string } = {},
): Promise<CaptureResult> {
  const { timeoutMs = 30_000, maxBytes = 16 * 1024 * 1024 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, shell: false });
    const out = new TailBuffer(maxBytes);
    const err = new TailBuffer(maxBytes);
    child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
    child.stdin.on('error', () => {});
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new WorkbenchError('ESPAWN', `Could not start ${bin}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && code === null) {
        reject(new WorkbenchError('ETIMEDOUT', `${bin} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`));
        return;
      }
      resolve({ code, signal, stdout: out.toString(), stderr: err.toString() });
    });
  });
}
