/** Reading a GIF job's result. No Node imports: the renderer's GIF view uses it. */
import type { JobRecord } from '../jobs/types';
import type { GifResult } from './gif-types';

/** The GIF's own result (size, frames, chosen settings, budget) of a finished GIF job, else null. */
export function gifDetails(job: Pick<JobRecord, 'kind' | 'result'>): GifResult | null {
  if (job.kind !== 'gif' || !job.result?.details) return null;
  return job.result.details as GifResult;
}
