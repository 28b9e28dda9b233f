import type { EndpointView } from '@giaoban/signaling/protocol/meeting';

/**
 * The host's roll call: every invited unit with where it stands, plus anyone
 * present who was not invited (a host from above). Pure, from presence.
 */
export type RollCallStatus = 'notJoined' | 'joined' | 'audioOnly' | 'reconnecting' | 'left';
export const rollCallStatuses: RollCallStatus[] = [
  'joined',
  'audioOnly',
  'reconnecting',
  'left',
  'notJoined',
];

export interface RollCallRow {
  unitId: string;
  unitName: string;
  invited: boolean;
  status: RollCallStatus;
  /** The unit's endpoint the host acts on (the first connected one). */
  endpoint: EndpointView | null;
  endpointCount: number;
  handRaised: boolean;
  hasFloor: boolean;
}

/** Audio-only: present without a live camera (by choice or by link fallback). */
export function isAudioOnly(e: EndpointView): boolean {
  return !e.producers.some((p) => p.source === 'camera' && !p.paused);
}

export function buildRollCall(input: {
  invitedUnitIds: readonly string[];
  endpoints: readonly EndpointView[];
  /** Units that had an endpoint in this meeting at some point (to tell "left" from "not joined"). */
  seenUnitIds: ReadonlySet<string>;
  floorEndpointId: string | null;
  unitName(unitId: string): string | undefined;
  /** The host's own endpoint is not on its roll call. */
  selfEndpointId?: string;
}): RollCallRow[] {
  const byUnit = new Map<string, EndpointView[]>();
  for (const e of input.endpoints) {
    if (e.id === input.selfEndpointId) continue;
    byUnit.set(e.unitId, [...(byUnit.get(e.unitId) ?? []), e]);
  }
  const row = (unitId: string, invited: boolean): RollCallRow => {
    const eps = byUnit.get(unitId) ?? [];
    const live = eps.find((e) => e.connected) ?? eps[0] ?? null;
    let status: RollCallStatus;
    if (!live) status = input.seenUnitIds.has(unitId) ? 'left' : 'notJoined';
    else if (!live.connected) status = 'reconnecting';
    else status = isAudioOnly(live) ? 'audioOnly' : 'joined';
    return {
      unitId,
      unitName: live?.unitName ?? input.unitName(unitId) ?? unitId,
      invited,
      status,
      endpoint: live,
      endpointCount: eps.length,
      handRaised: eps.some((e) => e.handRaised),
      hasFloor: eps.some((e) => e.id === input.floorEndpointId),
    };
  };
  const invited = new Set(input.invitedUnitIds);
  const rows = input.invitedUnitIds.map((u) => row(u, true));
  for (const unitId of byUnit.keys()) if (!invited.has(unitId)) rows.push(row(unitId, false));
  return rows;
}

export function countByStatus(rows: readonly RollCallRow[]): Record<RollCallStatus, number> {
  const out: Record<RollCallStatus, number> = {
    notJoined: 0,
    joined: 0,
    audioOnly: 0,
    reconnecting: 0,
    left: 0,
  };
  for (const r of rows) out[r.status]++;
  return out;
}
