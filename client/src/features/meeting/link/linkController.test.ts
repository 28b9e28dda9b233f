import { describe, expect, it } from 'vitest';
import type { Producer, Transport } from 'mediasoup-client/types';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import { LinkController } from './linkController';

/**
 * happy-dom has no WebRTC: the senders and transports are minimal fakes that
 * keep what setParameters receives. The real path runs in e2e/weakLinks.test.ts.
 */
function fakeSender(encodings: RTCRtpEncodingParameters[]) {
  let params = { encodings: encodings.map((e) => ({ ...e })) } as RTCRtpSendParameters;
  return {
    getParameters: () => ({ ...params, encodings: params.encodings.map((e) => ({ ...e })) }),
    setParameters: async (p: RTCRtpSendParameters) => {
      params = p;
    },
    get current() {
      return params.encodings;
    },
  };
}

function setup(o: { answer?: () => Promise<unknown> } = {}) {
  const clock = { now: 0 };
  const micSender = fakeSender([{}]);
  const camSender = fakeSender([{ rid: 'r0' }, { rid: 'r1' }, { rid: 'r2' }]);
  const cam = { closed: false, paused: false, rtpSender: camSender };
  const mic = { closed: false, paused: false, rtpSender: micSender };
  const calls: string[] = [];
  const reports: unknown[] = [];
  const stats = (entries: object[]) => new Map(entries.map((e, i) => [String(i), e]));
  const transport = (entries: object[]) =>
    ({ getStats: async () => stats(entries) }) as unknown as Transport;
  const ctl = new LinkController({
    sendTransport: transport([
      { id: 'T', type: 'transport', selectedCandidatePairId: 'CP' },
      {
        id: 'CP',
        type: 'candidate-pair',
        availableOutgoingBitrate: 2_000_000,
        currentRoundTripTime: 0.02,
      },
    ]),
    recvTransport: transport([]),
    report: async (r) => {
      reports.push(r);
      await o.answer?.();
    },
    now: () => clock.now,
    mic: () => mic as unknown as Producer,
    camera: () => cam as unknown as Producer,
    setCameraPaused: async (p) => {
      cam.paused = p;
      calls.push(p ? 'pause' : 'resume');
    },
  });
  return { ctl, cam, micSender, camSender, calls, reports, clock };
}

const notice = (over: Partial<LinkNotice>): LinkNotice => ({
  endpointId: 'e',
  down: 'good',
  up: 'good',
  audioOnly: false,
  forced: false,
  send: { video: true, maxVideoLayer: 2, audioMaxKbps: 32 },
  ...over,
});
const poor = notice({
  down: 'poor',
  up: 'poor',
  audioOnly: true,
  send: { video: false, maxVideoLayer: 0, audioMaxKbps: 12 },
});

describe('LinkController', () => {
  it('starts the microphone at the poor-link rate before the link is known', async () => {
    const { ctl, micSender } = setup();
    expect(ctl.videoAllowed).toBe(false);
    await ctl.micProduced();
    expect(micSender.current[0]?.maxBitrate).toBe(12_000);
  });

  it('pauses the camera and lowers Opus on a poor link, restores both after', async () => {
    const { ctl, micSender, camSender, calls } = setup();
    await ctl.handleNotice(poor);
    expect(calls).toEqual(['pause']);
    expect(micSender.current[0]?.maxBitrate).toBe(12_000);
    await ctl.sampleNow();
    await ctl.handleNotice(notice({}));
    expect(calls).toEqual(['pause', 'resume']);
    expect(micSender.current[0]?.maxBitrate).toBe(32_000);
    // The estimate taken while paused is unknown: the camera restarts small…
    expect(camSender.current.map((e) => e.active)).toEqual([true, false, false]);
    expect(camSender.current[0]).toMatchObject({ maxBitrate: 60_000, maxFramerate: 10 });
    // …and is raised once Chrome measures the uplink with video (2 Mbit/s here).
    await ctl.sampleNow();
    expect(camSender.current.map((e) => e.active)).toEqual([true, true, true]);
    expect(camSender.current[0]).toMatchObject({ maxBitrate: 120_000 });
    expect(camSender.current[0]!.maxFramerate).toBeUndefined();
  });

  it('holds a camera produced before video is allowed, and never resumes one the user paused', async () => {
    const { ctl, cam, calls } = setup();
    await ctl.cameraProduced();
    expect(calls).toEqual(['pause']);
    await ctl.handleNotice(notice({}));
    expect(calls).toEqual(['pause', 'resume']);
    // The user turns the camera off; a fall and a recovery must leave it off.
    cam.paused = true;
    ctl.userCamera();
    await ctl.handleNotice(poor);
    await ctl.handleNotice(notice({}));
    expect(calls).toEqual(['pause', 'resume']);
  });

  it("reports what getStats shows, Chrome's estimate once the camera has run 4 s", async () => {
    const { ctl, reports, clock } = setup();
    await ctl.handleNotice(notice({}));
    await ctl.sampleNow();
    // The estimate right after the camera starts is Chrome's start value, not the link.
    expect(reports).toEqual([{ rttMs: 20 }]);
    clock.now = 4_000;
    await ctl.sampleNow();
    expect(reports.at(-1)).toMatchObject({ availableOutgoingKbps: 2_000, rttMs: 20 });
  });

  it('holds the camera when its reports go unanswered for 6 s, until they are answered', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { ctl, cam, calls, clock } = setup({ answer: () => gate });
    await ctl.handleNotice(notice({}));
    for (clock.now = 0; clock.now <= 6_000; clock.now += 2_000) await ctl.sampleNow();
    expect(calls).toEqual([]);
    clock.now = 8_000;
    await ctl.sampleNow();
    expect(calls).toEqual(['pause']);
    expect(cam.paused).toBe(true);
    // A notice still allowing video (the downlink works) does not resume it…
    await ctl.handleNotice(notice({}));
    expect(calls).toEqual(['pause']);
    // …the answer to a report does, the server allowing video.
    release();
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('takes an error answer as an answer: the camera is not held', async () => {
    const { ctl, calls, clock } = setup({ answer: () => Promise.reject(new Error('BAD_REQUEST')) });
    await ctl.handleNotice(notice({}));
    for (clock.now = 0; clock.now <= 12_000; clock.now += 2_000) {
      await ctl.sampleNow();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(calls).toEqual([]);
  });

  it('tells the engine when video becomes allowed', async () => {
    const allowed: boolean[] = [];
    const none = { getStats: async () => new Map() } as unknown as Transport;
    const c = new LinkController({
      sendTransport: none,
      recvTransport: none,
      report: async () => undefined,
      mic: () => undefined,
      camera: () => undefined,
      setCameraPaused: async () => undefined,
      onVideoAllowed: (a) => allowed.push(a),
    });
    await c.handleNotice(poor);
    await c.handleNotice(notice({}));
    expect(allowed).toEqual([true]);
    expect(c.videoAllowed).toBe(true);
  });
});
