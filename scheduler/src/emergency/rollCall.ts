import type { Emergency } from '../api/emergency';
import type { RollCall, RollCallUnit } from '../api/notifications';
import { accrue, audioOnlyNow, presentNow, type UnitPresence } from '../attendance/unitPresence';
import type { OrgTree } from '../orgTree/orgTree';

/** What the scheduler knows of one convened unit besides its presence. */
export interface UnitStatus {
  notifiedAt: string | null;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  joinedAt: string | null;
  /** Escalation steps (absent in statuses stored before they existed). */
  smsSentAt?: string | null;
  smsDeliveredAt?: string | null;
  calledAt?: string | null;
  phoneJoinedAt?: string | null;
}

/** The escalation steps the phone bridge records, each set once (the first time counts). */
export type EscalationStep = 'smsSentAt' | 'smsDeliveredAt' | 'calledAt' | 'phoneJoinedAt';

/** The roll call: per unit alert states plus live presence from attendance, and totals. */
export function buildRollCall(
  tree: OrgTree,
  e: Emergency,
  statuses: Map<string, UnitStatus>,
  presence: Map<string, UnitPresence>,
  now: number,
): RollCall {
  const units: RollCallUnit[] = e.unitIds.map((unitId) => {
    const s = statuses.get(unitId);
    const p: UnitPresence | undefined = presence.get(unitId);
    const live = p ? accrue(p, now) : undefined;
    return {
      unitId,
      unitName: tree.get(unitId)?.name ?? unitId,
      notifiedAt: s?.notifiedAt ?? null,
      deliveredAt: s?.deliveredAt ?? null,
      acknowledgedAt: s?.acknowledgedAt ?? null,
      joinedAt: s?.joinedAt ?? (p?.firstJoin ? new Date(p.firstJoin).toISOString() : null),
      smsSentAt: s?.smsSentAt ?? null,
      smsDeliveredAt: s?.smsDeliveredAt ?? null,
      calledAt: s?.calledAt ?? null,
      phoneJoinedAt: s?.phoneJoinedAt ?? null,
      present: live ? presentNow(live) : false,
      audioOnly: live ? audioOnlyNow(live) : false,
    };
  });
  const count = (f: (u: RollCallUnit) => boolean) => units.filter(f).length;
  return {
    emergencyId: e.id,
    meetingId: e.meetingId,
    occurrenceId: e.occurrenceId,
    title: e.title,
    startedAt: e.startedAt,
    endedAt: e.endedAt,
    units,
    totals: {
      invited: units.length,
      delivered: count((u) => u.deliveredAt !== null),
      acknowledged: count((u) => u.acknowledgedAt !== null),
      joined: count((u) => u.joinedAt !== null),
      present: count((u) => u.present),
      audioOnly: count((u) => u.audioOnly),
    },
  };
}
