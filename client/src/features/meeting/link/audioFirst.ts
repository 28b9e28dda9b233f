/**
 * Emergency meetings are audio-first: only the units named in the meeting's
 * videoUnitIds (the commander) start their camera; everyone else joins with
 * audio and may turn the camera on by hand. Regular meetings follow the
 * user's pre-join choice.
 */
export function cameraOnByDefault(
  meeting: { audioFirst: boolean; videoUnitIds: string[] } | null,
  unitId: string | undefined,
  wanted: boolean,
): boolean {
  if (!wanted) return false;
  if (!meeting?.audioFirst) return true;
  return unitId !== undefined && meeting.videoUnitIds.includes(unitId);
}
