import { z } from 'zod';
import { rollCallSchema, type RollCall } from '@giaoban/scheduler/api/notifications';
import type { Selector } from '@giaoban/scheduler/api/meetings';
import { api } from '../../app/api';

/** PENDING the scheduler's emergency contract (scheduler/src/api/emergency.ts). */
export interface ActiveEmergency {
  emergencyId: string;
  meetingId: string;
  occurrenceId: string;
  rollCall?: RollCall;
  ended?: boolean;
}

const enc = encodeURIComponent;

export async function conveneEmergency(body: {
  title: string;
  message: string;
  selectors: Selector[];
}): Promise<ActiveEmergency> {
  const res = await api(
    '/api/emergencies',
    z.object({
      emergencyId: z.string(),
      meetingId: z.string(),
      occurrenceId: z.string(),
      rollCall: rollCallSchema.optional(),
    }),
    { method: 'POST', body },
  );
  return res;
}

export function getRollCall(emergencyId: string): Promise<RollCall> {
  return api(`/api/emergencies/${enc(emergencyId)}/rollcall`, rollCallSchema);
}

export async function endEmergency(emergencyId: string): Promise<void> {
  await api(`/api/emergencies/${enc(emergencyId)}/end`, z.unknown(), { method: 'POST' });
}

export async function acknowledgeEmergency(emergencyId: string): Promise<void> {
  await api(`/api/emergencies/${enc(emergencyId)}/ack`, z.unknown(), { method: 'POST' });
}
