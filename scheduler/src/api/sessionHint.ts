/**
 * A readable companion of the httpOnly session cookie, holding no secret: set
 * with the session, cleared with it. The browser app reads it to know whether a
 * session can exist at all, so a first visit shows the login screen without
 * waiting for the session probe (seconds on GPRS) or loading the zod contracts
 * the probe's answer is checked with. Kept apart from api/auth.ts so that
 * reading the name costs the login screen no zod.
 */
export const SESSION_HINT_COOKIE = 'gb_signed_in';
