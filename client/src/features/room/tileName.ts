import type { EndpointView, MeetingView } from '@giaoban/signaling/protocol/meeting';

/**
 * In an emergency meeting the convening unit (its `videoUnitIds`) is the
 * emergency command: its tile shows the account's name ("Ban Chỉ huy Tỉnh
 * Quảng Bình") and an "emergency command" badge, not the bare unit name
 * ("Tỉnh Quảng Bình") that every other account of the province shares.
 */
export function isEmergencyCommand(
  meeting: Pick<MeetingView, 'kind' | 'videoUnitIds'> | null,
  e: Pick<EndpointView, 'unitId'>,
): boolean {
  return meeting?.kind === 'emergency' && meeting.videoUnitIds.includes(e.unitId);
}

/** The name a tile shows. */
export function tileName(
  meeting: Pick<MeetingView, 'kind' | 'videoUnitIds'> | null,
  e: Pick<EndpointView, 'unitId' | 'unitName' | 'displayName'>,
): string {
  return isEmergencyCommand(meeting, e) && e.displayName ? e.displayName : e.unitName;
}
