import { z } from 'zod';
import {
  conveneResponseSchema,
  emergenciesResponseSchema,
  emergencySchema,
  realertResponseSchema,
  type ConveneRequest,
  type RealertResponse,
  type Emergency,
} from '@giaoban/scheduler/api/emergency';
import { rollCallSchema, type RollCall } from '@giaoban/scheduler/api/notifications';
import { api } from '../../app/api';

/** The scheduler's emergency endpoints (contract: scheduler/src/api/emergency.ts). */
const enc = encodeURIComponent;

export function conveneEmergency(body: ConveneRequest) {
  return api('/api/emergencies', conveneResponseSchema, { method: 'POST', body });
}

export async function listEmergencies(): Promise<Emergency[]> {
  return (await api('/api/emergencies', emergenciesResponseSchema)).emergencies;
}

const emergencyWithRollCall = z.object({ emergency: emergencySchema, rollCall: rollCallSchema });

/** An emergency and its roll call (a member sees only its own unit's line). */
export function getEmergency(id: string): Promise<{ emergency: Emergency; rollCall: RollCall }> {
  return api(`/api/emergencies/${enc(id)}`, emergencyWithRollCall);
}

export async function getRollCall(id: string): Promise<RollCall> {
  return (await getEmergency(id)).rollCall;
}

export async function endEmergency(id: string): Promise<Emergency> {
  return (
    await api(`/api/emergencies/${enc(id)}/end`, z.object({ emergency: emergencySchema }), {
      method: 'POST',
    })
  ).emergency;
}

/** Alerts again the units that neither acknowledged nor joined. */
export function realertEmergency(id: string): Promise<RealertResponse> {
  return api(`/api/emergencies/${enc(id)}/realert`, realertResponseSchema, { method: 'POST' });
}

/** 'delivered' is sent by the browser on receipt; 'acknowledged' when a person confirms. */
export async function acknowledgeEmergency(
  id: string,
  stage: 'delivered' | 'acknowledged' = 'acknowledged',
): Promise<void> {
  await api(`/api/emergencies/${enc(id)}/ack`, z.unknown(), { method: 'POST', body: { stage } });
}
