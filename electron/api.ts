/**
 * The one contract between the UI and the Node side.
 *
 * Every method is an entry: a runtime schema for its arguments (checked on the Node side for every
 * call, whatever the transport) and a result type. Electron's main/preload, web mode and the
 * renderer's client are all derived from `contract` by iterating it, so adding a capability means
 * one entry in an area file under `contract/`, spread in here, plus its handler under `handlers/`.
 *
 * Keep this file (and `contract/`) free of Node and Electron imports: the renderer and the preload
 * import it too.
 */
import type { z } from 'zod';
import { appContract, type AppEvents } from './contract/app';
import { gifContract } from './contract/gif';
import { boxesContract, type BoxesEvents } from './contract/boxes';
import { compareContract } from './contract/compare';
import { mseContract } from './contract/mse';
import { jobsContract, type JobsEvents } from './contract/jobs';

export type { AppInfo } from './contract/app';
export type { CompareView } from './contract/compare';
export type { MethodSpec } from './contract/method';
export type { HwEncoderInfo, JobProgress, JobRecord, JobResult, JobState, PresetInfo, QueueState, RecordPreview, TranscodePreview } from './contract/jobs';

export const contract = {
  ...appContract,
  ...gifContract,
  ...boxesContract,
  ...compareContract,
  ...mseContract,
  ...jobsContract,
} as const;

/** Events pushed from the Node side to every connected UI. */
export interface EventMap extends AppEvents, JobsEvents, BoxesEvents {}
export type EventName = keyof EventMap;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ArgsOf<M extends MethodName> = z.input<Contract[M]['args']>;
export type ParsedArgsOf<M extends MethodName> = z.output<Contract[M]['args']>;
export type ResultOf<M extends MethodName> = NonNullable<Contract[M]['result']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** How an answer crosses any boundary: never `undefined`, errors keep their message and code. */
export type Envelope<R> = { ok: true; result: R } | { ok: false; error: WireError };
export interface WireError {
  message: string;
  code: string;
}

/** Validate arguments against the contract; the message names the method and the bad field. */
export function parseArgs<M extends MethodName>(name: M, args: unknown): ParsedArgsOf<M> {
  const schema = contract[name].args as z.ZodType;
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` (${issue.path.join('.')})` : '';
    const err = new Error(`Invalid arguments for ${String(name)}${where}: ${issue?.message ?? 'rejected'}`);
    (err as Error & { code: string }).code = 'EINVALIDARGS';
    throw err;
  }
  return parsed.data as ParsedArgsOf<M>;
}
