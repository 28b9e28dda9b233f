import type { Producer, Transport } from 'mediasoup-client/types';
import type { MediaSource } from './engineEvents';
import { cameraCodecOptions, cameraEncodings, micCodecOptions } from './link/senderOptions';

/**
 * Capturing and publishing this endpoint's own media: microphone, camera
 * (three VP8 simulcast layers) and screen share (a producer of its own).
 */
export async function captureTrack(source: MediaSource): Promise<MediaStreamTrack> {
  if (source === 'screen') {
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: 10 },
      audio: false,
    });
    return stream.getVideoTracks()[0]!;
  }
  const stream = await navigator.mediaDevices.getUserMedia(
    source === 'mic'
      ? { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } }
      : { video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } } },
  );
  return (source === 'mic' ? stream.getAudioTracks() : stream.getVideoTracks())[0]!;
}

export function publish(
  transport: Transport,
  source: MediaSource,
  track: MediaStreamTrack,
): Promise<Producer> {
  switch (source) {
    case 'mic':
      return transport.produce({
        track,
        codecOptions: micCodecOptions,
        stopTracks: false,
        appData: { source },
      });
    case 'camera':
      return transport.produce({
        track,
        encodings: cameraEncodings(),
        codecOptions: cameraCodecOptions,
        // Paused by a weak link: send nothing at all, not black frames. The track stays
        // enabled: disabling it (mediasoup-client's default) makes the encoder send black
        // frames until the sender's track is removed, and the last of them stays frozen on
        // the receivers' stage for as long as the camera is paused.
        zeroRtpOnPause: true,
        disableTrackOnPause: false,
        stopTracks: false,
        appData: { source },
      });
    case 'screen':
      // Text on slides needs resolution more than frame rate.
      return transport.produce({
        track,
        encodings: [{ maxBitrate: 1_200_000 }],
        zeroRtpOnPause: true,
        disableTrackOnPause: false,
        stopTracks: false,
        appData: { source },
      });
  }
}
