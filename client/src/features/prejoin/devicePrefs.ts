import { z } from 'zod';

/**
 * The pre-join choice, remembered per device (localStorage): a commune on a
 * weak link chooses audio-only once and is not asked to again.
 */
export const joinModeSchema = z.enum(['video', 'audioOnly']);
export type JoinMode = z.infer<typeof joinModeSchema>;

const prefsSchema = z.object({
  mode: joinModeSchema,
  micId: z.string().optional(),
  cameraId: z.string().optional(),
  /** The user decided (not only the link test suggested). */
  chosen: z.boolean().default(false),
});
export type DevicePrefs = z.infer<typeof prefsSchema>;

const key = 'giaoban.devicePrefs';

export function loadDevicePrefs(): DevicePrefs | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const parsed = prefsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveDevicePrefs(prefs: DevicePrefs) {
  try {
    localStorage.setItem(key, JSON.stringify(prefs));
  } catch {
    // Private mode: remembered for this page only.
  }
}
