import { cameraOnByDefault } from '../meeting/link/audioFirst';
import { getMeetingEngine, useMeeting } from '../meeting/meetingStore';

/**
 * Publishes the microphone and camera the user picked in the pre-join check
 * (the engine alone would open the system defaults). Same rules as the
 * store's own join: a failure to open a device never undoes the join, and an
 * emergency meeting keeps everyone but the commander audio-first.
 */
export async function startChosenDevices(o: {
  micId?: string;
  cameraId?: string;
  camera: boolean;
}): Promise<void> {
  const engine = getMeetingEngine();
  if (!engine) return;
  const s = useMeeting.getState();
  const open = async (kind: 'audio' | 'video', deviceId: string | undefined) => {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'audio'
        ? {
            audio: {
              deviceId: deviceId ? { exact: deviceId } : undefined,
              echoCancellation: true,
              noiseSuppression: true,
              autoGainControl: true,
            },
          }
        : {
            video: {
              deviceId: deviceId ? { exact: deviceId } : undefined,
              width: { ideal: 1280 },
              height: { ideal: 720 },
              frameRate: { ideal: 24 },
            },
          },
    );
    return (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
  };
  try {
    const mic = await open('audio', o.micId);
    if (mic) await engine.start('mic', mic);
  } catch {
    useMeeting.setState({ error: 'MEDIA_DEVICE' });
  }
  if (!cameraOnByDefault(s.meeting, s.self?.unitId, o.camera)) return;
  try {
    const cam = await open('video', o.cameraId);
    if (cam) await engine.start('camera', cam);
  } catch {
    useMeeting.setState({ error: 'MEDIA_DEVICE' });
  }
}
