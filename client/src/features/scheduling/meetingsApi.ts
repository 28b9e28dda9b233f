import { z } from 'zod';
import {
  meetingResponseSchema,
  meetingSchema,
  occurrenceResponseSchema,
  occurrenceSchema,
  occurrencesResponseSchema,
  startNowResponseSchema,
  type CreateMeetingRequest,
  type EditOccurrenceRequest,
  type StartNowRequest,
  type Occurrence,
  type UpdateMeetingRequest,
} from '@giaoban/scheduler/api/meetings';
import { api } from '../../app/api';

/** The scheduler's meeting endpoints, in one place (contract: scheduler/src/api/meetings.ts). */
const enc = encodeURIComponent;

export async function listOccurrences(q: {
  from: Date;
  to: Date;
  unitId?: string;
  signal?: AbortSignal;
}): Promise<Occurrence[]> {
  const params = new URLSearchParams({ from: q.from.toISOString(), to: q.to.toISOString() });
  if (q.unitId) params.set('unitId', q.unitId);
  const res = await api(`/api/occurrences?${params}`, occurrencesResponseSchema, {
    signal: q.signal,
  });
  return res.occurrences;
}

export async function getOccurrence(id: string): Promise<Occurrence> {
  const res = await api(`/api/occurrences/${enc(id)}`, z.object({ occurrence: occurrenceSchema }));
  return res.occurrence;
}

export async function getMeeting(id: string) {
  const res = await api(`/api/meetings/${enc(id)}`, z.object({ meeting: meetingSchema }));
  return res.meeting;
}

export function createMeeting(body: CreateMeetingRequest) {
  return api('/api/meetings', meetingResponseSchema, { method: 'POST', body });
}

export function updateMeeting(id: string, body: UpdateMeetingRequest) {
  return api(`/api/meetings/${enc(id)}`, meetingResponseSchema, { method: 'PATCH', body });
}

export function cancelMeeting(id: string) {
  return api(`/api/meetings/${enc(id)}`, z.object({ meeting: meetingSchema }), {
    method: 'DELETE',
  });
}

export function cancelOccurrence(id: string) {
  return api(`/api/occurrences/${enc(id)}/cancel`, occurrenceResponseSchema, { method: 'POST' });
}

export function startMeetingNow(body: StartNowRequest) {
  return api('/api/meetings/start-now', startNowResponseSchema, { method: 'POST', body });
}

/** Changes one occurrence only (time, length, title or invitations). */
export function editOccurrence(id: string, body: EditOccurrenceRequest) {
  return api(`/api/occurrences/${enc(id)}`, occurrenceResponseSchema, { method: 'PATCH', body });
}
