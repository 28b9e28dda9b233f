import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One structured logger per process. Secrets never reach the log: any field
 * named like a password, token, cookie or authorization header is censored.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        'newPassword',
        'oldPassword',
        'token',
        'accessToken',
        'secret',
        '*.password',
        '*.newPassword',
        '*.token',
        '*.secret',
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        'auth.token',
      ],
      censor: '[redacted]',
    },
  });
}
