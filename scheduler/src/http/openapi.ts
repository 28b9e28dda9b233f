import express, { type Router } from 'express';
import * as phone from '../api/phone';
import { z } from 'zod';
import { errorBodySchema } from '@giaoban/common/errors';
import * as auth from '../api/auth';
import * as attendance from '../api/attendance';
import * as audit from '../api/audit';
import * as emergency from '../api/emergency';
import * as meetings from '../api/meetings';
import * as units from '../api/units';

type Op = [
  method: string,
  path: string,
  summary: string,
  request?: z.ZodType,
  response?: z.ZodType,
];

/** Every route with the zod schemas the client imports; the document is generated from them. */
const operations: Op[] = [
  [
    'post',
    '/auth/login',
    'Log in (sets the httpOnly cookie)',
    auth.loginRequestSchema,
    auth.loginResponseSchema,
  ],
  ['post', '/auth/logout', 'Log out (revokes the token)'],
  ['get', '/auth/me', 'The current account and token', undefined, auth.meResponseSchema],
  [
    'get',
    '/auth/session',
    'Whether a session is live (200 either way; the app probes it on load)',
    undefined,
    auth.sessionResponseSchema,
  ],
  [
    'post',
    '/auth/password',
    'Change password',
    auth.changePasswordRequestSchema,
    auth.loginResponseSchema,
  ],
  ['get', '/accounts', 'List accounts (admin)', undefined, auth.accountsResponseSchema],
  [
    'post',
    '/accounts/{id}/password',
    'Reset the password of another account (admin); its sessions end',
    auth.resetPasswordRequestSchema,
    auth.accountResponseSchema,
  ],
  [
    'post',
    '/accounts',
    'Create an account (admin)',
    auth.createAccountRequestSchema,
    z.object({ account: auth.accountSchema }),
  ],
  [
    'get',
    '/meetings/{id}/access',
    'May my unit enter this room now (before the pre-join check opens a device)',
    undefined,
    meetings.meetingAccessResponseSchema,
  ],
  ['get', '/units', 'The org tree (signed in)', undefined, units.unitsResponseSchema],
  [
    'patch',
    '/units/{id}',
    'Edit a unit (admin)',
    units.updateUnitRequestSchema,
    z.object({ unit: units.unitSchema }),
  ],
  [
    'get',
    '/units/{id}/phones',
    "A unit's phone numbers and alert-SMS delay (admin)",
    undefined,
    phone.unitPhonesSchema,
  ],
  [
    'put',
    '/units/{id}/phones',
    "Set a unit's phone numbers (≤ 5) and alert-SMS delay in minutes (admin)",
    phone.updateUnitPhonesRequestSchema,
    phone.unitPhonesSchema,
  ],
  [
    'get',
    '/units/{id}/calendar',
    'Secret iCal URL of a unit',
    undefined,
    units.calendarLinkResponseSchema,
  ],
  [
    'post',
    '/units/{id}/calendar/rotate',
    'New secret iCal URL',
    undefined,
    units.calendarLinkResponseSchema,
  ],
  ['get', '/calendar/{token}.ics', 'iCal feed (text/calendar)'],
  [
    'post',
    '/meetings',
    'Create a meeting',
    meetings.createMeetingRequestSchema,
    meetings.meetingResponseSchema,
  ],
  [
    'post',
    '/meetings/start-now',
    'Start a meeting now',
    meetings.startNowRequestSchema,
    meetings.startNowResponseSchema,
  ],
  ['get', '/meetings/{id}', 'A meeting', undefined, z.object({ meeting: meetings.meetingSchema })],
  [
    'patch',
    '/meetings/{id}',
    'Update a meeting',
    meetings.updateMeetingRequestSchema,
    meetings.meetingResponseSchema,
  ],
  [
    'delete',
    '/meetings/{id}',
    'Cancel a meeting',
    undefined,
    z.object({ meeting: meetings.meetingSchema }),
  ],
  [
    'get',
    '/occurrences',
    'Occurrences in a window (query: from, to, unitId?)',
    undefined,
    meetings.occurrencesResponseSchema,
  ],
  [
    'get',
    '/occurrences/{id}',
    'An occurrence',
    undefined,
    z.object({ occurrence: meetings.occurrenceSchema }),
  ],
  [
    'patch',
    '/occurrences/{id}',
    'Edit one occurrence',
    meetings.editOccurrenceRequestSchema,
    meetings.occurrenceResponseSchema,
  ],
  [
    'post',
    '/occurrences/{id}/cancel',
    'Cancel one occurrence',
    undefined,
    meetings.occurrenceResponseSchema,
  ],
  [
    'post',
    '/occurrences/{id}/end',
    'End an open occurrence now',
    undefined,
    meetings.occurrenceResponseSchema,
  ],
  [
    'post',
    '/emergencies',
    'Emergency convene',
    emergency.conveneRequestSchema,
    emergency.conveneResponseSchema,
  ],
  ['get', '/emergencies', 'Recent emergencies', undefined, emergency.emergenciesResponseSchema],
  [
    'get',
    '/emergencies/{id}',
    'Emergency and roll call',
    undefined,
    emergency.conveneResponseSchema,
  ],
  ['post', '/emergencies/{id}/ack', 'Delivered / acknowledged', emergency.ackRequestSchema],
  [
    'post',
    '/emergencies/{id}/realert',
    'Alert again the units that neither acknowledged nor joined (audited)',
    undefined,
    emergency.realertResponseSchema,
  ],
  [
    'post',
    '/emergencies/{id}/end',
    'End the emergency',
    undefined,
    z.object({ emergency: emergency.emergencySchema }),
  ],
  [
    'get',
    '/attendance/{id}',
    'Attendance of an occurrence',
    undefined,
    attendance.attendanceResponseSchema,
  ],
  ['get', '/attendance/{id}/csv', 'Attendance as CSV (text/csv)'],
  ['get', '/audit', 'Audit log (admin, commander)', undefined, audit.auditResponseSchema],
  [
    'get',
    '/meetings/{id}/phone',
    'Dial-in number and PINs (host: every invited unit; a unit: its own)',
    undefined,
    phone.meetingPhoneSchema,
  ],
  [
    'post',
    '/phone/session',
    "The phone role (Bearer: the phone key) turns a caller's PIN into a session of its unit",
    phone.phoneSessionRequestSchema,
    phone.phoneSessionResponseSchema,
  ],
  [
    'post',
    '/meetings/{id}/phone/calls',
    'Dial-out: the host calls an invited unit at its numbers (202; its progress in GET /meetings/{id}/phone)',
    phone.dialRequestSchema,
    phone.dialCallSchema,
  ],
  [
    'post',
    '/phone/unit-session',
    'Dial-out (phone key): a session of the called unit for the meeting, while its call goes on',
    phone.unitSessionRequestSchema,
    phone.phoneSessionResponseSchema,
  ],
  [
    'post',
    '/phone/dial/{callId}/plan',
    'Dial-out (phone key): a queued call taken up — the numbers and what the callee hears',
    undefined,
    phone.dialPlanSchema,
  ],
  [
    'post',
    '/phone/dial/{callId}/state',
    "Dial-out (phone key): the call's progress; the answer says whether to go on",
    phone.dialReportSchema,
    phone.dialReportResponseSchema,
  ],
];

const json = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, request, response] of operations) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    (paths[path] ??= {})[method] = {
      summary,
      ...(params.length ? { parameters: params } : {}),
      ...(request
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: json(request, 'input') } },
            },
          }
        : {}),
      responses: {
        '2XX': response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: json(response, 'output') } },
            }
          : { description: 'OK' },
        default: {
          description: 'Error',
          content: {
            'application/json': { schema: json(z.object({ error: errorBodySchema }), 'output') },
          },
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'GiaoBan scheduler API',
      version: '0.1.0',
      description: 'See docs/scheduler.md. Auth: gb_session cookie or Bearer token.',
    },
    servers: [{ url: '/api' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: auth.SESSION_COOKIE },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}

/** GET /openapi.json: generated once from the REST contracts. */
export function openApiRoutes(): Router {
  const router = express.Router();
  let doc: Record<string, unknown> | undefined;
  router.get('/openapi.json', (_req, res) => {
    doc ??= openApiDocument();
    res.json(doc);
  });
  return router;
}
