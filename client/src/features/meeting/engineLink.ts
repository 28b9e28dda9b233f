import type { Consumer, Producer, Transport } from 'mediasoup-client/types';
import type { MediaSource } from './engineEvents';
import { LinkController } from './link/linkController';
import { ProbatorSwitch } from './link/probator';
import type { SignalingClient } from './signalingClient';

/**
 * Link adaptation on a joined engine's transports: getStats reports go up
 * (`link:report`), the server's send plan comes down and holds or releases
 * the camera (paused locally and on the SFU, so no RTP leaves at all), and
 * an audio-only downlink switches off the RTP-probation receiver (ProbatorSwitch).
 */
export function startLinkController(o: {
  signaling: SignalingClient;
  send: Transport;
  recv: Transport;
  producers: ReadonlyMap<MediaSource, Producer>;
  /** The local media state changed (camera held or released). */
  changed: () => void;
  /** The plan started or stopped allowing video (a waiting camera may go out). */
  videoAllowed: (allowed: boolean) => void;
}): LinkController {
  const probator = new ProbatorSwitch(o.recv);
  const audio = new Set<Consumer>();
  // The probator comes with the first video consumer: the wanted state is applied then.
  o.recv.observer.on('newconsumer', (c: Consumer) => {
    probator.sync();
    if (c.kind !== 'audio') return;
    audio.add(c);
    c.observer.once('close', () => audio.delete(c));
  });
  const link = new LinkController({
    sendTransport: o.send,
    recvTransport: o.recv,
    report: (r) => o.signaling.request('link:report', r),
    mic: () => o.producers.get('mic'),
    camera: () => o.producers.get('camera'),
    audioReceivers: () =>
      [...audio]
        .filter((c) => !c.closed && c.rtpParameters.encodings?.[0]?.ssrc !== undefined)
        .map((c) => ({
          ssrc: c.rtpParameters.encodings![0]!.ssrc!,
          receiver: c.rtpReceiver as RTCRtpReceiver,
          nack: c.rtpParameters.codecs.some((k) => k.rtcpFeedback?.some((f) => f.type === 'nack')),
          endpointId: (c.appData as { endpointId?: string }).endpointId,
        })),
    setCameraPaused: async (paused) => {
      const p = o.producers.get('camera');
      if (!p) return;
      if (paused) p.pause();
      await o.signaling.request(paused ? 'media:pauseProducer' : 'media:resumeProducer', {
        producerId: p.id,
      });
      if (!paused) p.resume();
      o.changed();
    },
    onVideoAllowed: o.videoAllowed,
    onNotice: (n) => probator.set(!n.audioOnly),
  });
  link.start();
  return link;
}
