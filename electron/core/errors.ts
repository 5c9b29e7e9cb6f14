/**
 * Errors that reach a user. `code` is stable (tests and the UI branch on it); `message` says what
 * happened, to which file, and what to do.
 */
export class WorkbenchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkbenchError';
    this.code = code;
  }
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'EINTERNAL';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Turn a Node fs error about `file` into a sentence a user can act on. */
export function describeFsError(err: unknown, file: string): WorkbenchError {
  const code = errorCode(err);
  const what: Record<string, string> = {
    ENOENT: 'does not exist',
    EACCES: 'cannot be read (permission denied)',
    EPERM: 'cannot be accessed (operation not permitted)',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'has a path component that is not a folder',
    EBUSY: 'is locked by another program',
    EMFILE: 'cannot be opened: too many open files',
  };
  const reason = what[code] ?? `could not be opened (${errorMessage(err)})`;
  return new WorkbenchError(code === 'EINTERNAL' ? 'EIO' : code, `${file} ${reason}.`, { cause: err });
}
