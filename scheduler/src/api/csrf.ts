/**
 * The header every state-changing API call of the browser app carries. A page
 * of another origin (another port of the same host included) cannot send it:
 * a no-cors request may not carry it and a cors one needs a preflight the API
 * never grants. So a request that rides on the session cookie without it is a
 * forgery. Kept apart from api/auth.ts so the login screen imports no zod.
 */
export const CSRF_HEADER = 'X-GiaoBan-CSRF';
export const CSRF_HEADER_VALUE = '1';
