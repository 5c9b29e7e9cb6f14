/**
 * The job kinds the app's queue runs, by name: their jobs can be queued (`queue.enqueue(kind, …)`)
 * and retried from the history after a restart. Adding a kind is one entry here plus its
 * implementation (a `JobKind`, see `types.ts`); the Jobs view, the history, cancel and retry need
 * nothing else.
 */
import { gifJob } from '../gif/job';
import { recordJob } from './record';
import { transcodeJob } from './transcode';
import type { JobKind } from './types';

export const JOB_KINDS: readonly JobKind<unknown>[] = [transcodeJob, gifJob, recordJob];
