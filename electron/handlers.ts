/**
 * Every contract method's implementation, composed from the area maps under `handlers/`.
 * `dispatch` is the one generic entry point the bindings use: it checks the method name, validates
 * the arguments against the contract and wraps the answer in an envelope.
 */
import { isMethodName, parseArgs, type Envelope, type MethodName } from './api';
import { errorCode, errorMessage } from './core/errors';
import { appHandlers } from './handlers/app';
import { gifHandlers } from './handlers/gif';
import { boxesHandlers } from './handlers/boxes';
import { compareHandlers } from './handlers/compare';
import { mseHandlers } from './handlers/mse';
import { jobsHandlers } from './handlers/jobs';
import type { Handler, HandlerContext } from './handlers/context';

export type { HandlerContext } from './handlers/context';

export const handlers: { [M in MethodName]: Handler<M> } = {
  ...appHandlers,
  ...gifHandlers,
  ...boxesHandlers,
  ...compareHandlers,
  ...mseHandlers,
  ...jobsHandlers,
};

export async function dispatch(ctx: HandlerContext, name: unknown, args: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 80) : `(a ${name === null ? 'null' : typeof name}, not a method name)`;
      return { ok: false, error: { code: 'ENOMETHOD', message: `Unknown method: ${shown}` } };
    }
    const parsed = parseArgs(name, args);
    const handler = handlers[name] as unknown as (a: unknown, c: HandlerContext) => Promise<unknown>;
    const result = await handler(parsed, ctx);
    return { ok: true, result: result === undefined ? null : result };
  } catch (err) {
    return { ok: false, error: { code: errorCode(err), message: errorMessage(err) } };
  }
}
