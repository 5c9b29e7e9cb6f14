/**
 * Contract methods that do not depend on where a file lives. A binding supplies how to reach
 * files (the Node side: the file registry and `openFileSource`; the browser worker: `File`s and
 * `blobSource`) and gets the same implementation, so the views see the same results either way.
 */
import type { MethodName, ParsedArgsOf, ResultOf } from '../api';
import type { HandlerContext, HandlerMap } from './context';

/** Context-free implementations of some contract methods. */
export type Methods<K extends MethodName> = { [M in K]: (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> };

/** Node-side handlers from per-context method sets (made once per context). */
export function perContext<K extends MethodName>(area: Record<K, unknown>, make: (ctx: HandlerContext) => Methods<K>): HandlerMap<K> {
  const made = new WeakMap<HandlerContext, Methods<K>>();
  const of = (ctx: HandlerContext) => {
    let m = made.get(ctx);
    if (!m) made.set(ctx, (m = make(ctx)));
    return m;
  };
  const out = {} as Record<K, unknown>;
  for (const name of Object.keys(area) as K[]) {
    out[name] = (args: unknown, ctx: HandlerContext) => (of(ctx)[name] as (a: unknown) => Promise<unknown>)(args);
  }
  return out as HandlerMap<K>;
}

/** A random id for the contract's id patterns (`[A-Za-z0-9_-]`): 16 characters from 96 bits. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < 12; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  return out;
}
