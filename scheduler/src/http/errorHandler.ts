import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import { storageFailure } from '@giaoban/common/storageErrors';

/** Every REST error leaves as `{ error: { code, message, messageEn, details? } }`. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let appError: AppError;
    let storage: AppError | undefined;
    if (err instanceof AppError) appError = err;
    else if (err instanceof SyntaxError && 'body' in err) appError = new AppError('BAD_REQUEST');
    else if (typeof err === 'object' && err && 'type' in err && err.type === 'entity.too.large')
      appError = new AppError('BAD_REQUEST', { reason: 'body too large' });
    else if ((storage = storageFailure(err))) {
      // Redis down or its disk full/read-only: a clear code, Redis's own words in the log.
      log.warn(
        { err: (err as Error).message, method: req.method, path: req.path },
        'storage failure',
      );
      appError = storage;
    } else {
      log.error({ err, method: req.method, path: req.path }, 'unhandled REST error');
      appError = new AppError('INTERNAL');
    }
    res.status(appError.status).json({ error: appError.toBody() });
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) =>
  next(new AppError('NOT_FOUND'));
