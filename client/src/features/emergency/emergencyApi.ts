import { z } from 'zod';
import { api } from '../../app/api';

/** PENDING the scheduler's emergency contract (scheduler/src/api/emergency.ts). */
export async function acknowledgeEmergency(emergencyId: string): Promise<void> {
  await api(`/api/emergencies/${encodeURIComponent(emergencyId)}/ack`, z.unknown(), {
    method: 'POST',
  });
}
