import { describe, expect, it } from 'vitest';
import type { ProducerOptions, Transport } from 'mediasoup-client/types';
import { publish } from './localMedia';

/**
 * What `publish` asks mediasoup-client for. The transport is a stand-in that
 * records the options (a real one needs a browser's RTCPeerConnection; the
 * browser tests publish through the real one).
 */
describe('publish: a paused video sends nothing, never black frames', () => {
  const optionsFor = async (source: 'mic' | 'camera' | 'screen') => {
    let got: ProducerOptions | undefined;
    const transport = {
      produce: (o: ProducerOptions) => {
        got = o;
        return Promise.resolve({});
      },
    } as unknown as Transport;
    await publish(transport, source, {} as MediaStreamTrack);
    return got!;
  };

  it.each(['camera', 'screen'] as const)(
    '%s: the sender track is removed on pause, the capture track stays enabled',
    async (source) => {
      const o = await optionsFor(source);
      expect(o.zeroRtpOnPause).toBe(true);
      expect(o.disableTrackOnPause).toBe(false);
      expect(o.stopTracks).toBe(false);
    },
  );

  it('mic: kept for a rejoin', async () => {
    expect((await optionsFor('mic')).stopTracks).toBe(false);
  });
});
