import { AppError, type ErrorCode } from './errors';

/**
 * What a redis-server message says about its data folder: full disk or a
 * read-only (or unwritable) file system. Redis's own words are kept next to
 * the code, so the operator reads the cause and not a guess.
 */
export function storageCode(text: string): 'STORAGE_FULL' | 'STORAGE_READONLY' | undefined {
  if (/No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i.test(text))
    return 'STORAGE_FULL';
  if (/Read-only file system|EROFS|Permission denied|EACCES/i.test(text)) return 'STORAGE_READONLY';
  return undefined;
}

/**
 * An ioredis failure as the error a client should see: the store cannot be
 * reached (UNAVAILABLE) or refuses writes because its disk is full or
 * read-only (STORAGE_FULL / STORAGE_READONLY, with Redis's message as
 * details). undefined: not a storage failure.
 */
export function storageFailure(err: unknown): AppError | undefined {
  if (!(err instanceof Error)) return undefined;
  const text = err.message;
  if (err.name === 'ReplyError') {
    // "MISCONF Errors writing to the AOF file: No space left on device"
    if (/^(MISCONF|READONLY|LOADING)|AOF|append only/i.test(text)) {
      const code: ErrorCode = storageCode(text) ?? 'UNAVAILABLE';
      return new AppError(code, { redis: text.slice(0, 300) });
    }
    return undefined;
  }
  if (
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Redis is unavailable/.test(
      text,
    )
  ) {
    return new AppError('UNAVAILABLE', { reason: 'storage unreachable' });
  }
  return undefined;
}
