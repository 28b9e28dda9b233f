import { useUnits } from '../units/unitsStore';
import { useNotifications } from '../notifications/notificationsStore';
import { alertOf } from '@giaoban/scheduler/api/emergency';
import { getEmergency, listEmergencies } from './emergencyApi';

/**
 * An alert pushed while this browser was offline (a weak link dropped, the
 * laptop was asleep) must still reach the unit: on every (re)connection, ask
 * for running emergencies our unit has not acknowledged and raise them.
 */
export async function recoverMissedAlerts(unitId: string): Promise<number> {
  const running = (await listEmergencies()).filter((e) => !e.endedAt && e.unitIds.includes(unitId));
  let raised = 0;
  for (const e of running) {
    const { rollCall } = await getEmergency(e.id);
    const mine = rollCall.units.find((u) => u.unitId === unitId);
    if (!mine || mine.acknowledgedAt) continue;
    const convener = useUnits.getState().index?.byId.get(e.convenerUnitId);
    useNotifications
      .getState()
      .receive('emergency:alert', alertOf(e, convener?.name ?? e.convenedBy));
    raised++;
  }
  return raised;
}
