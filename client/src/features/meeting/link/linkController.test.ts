import { describe, expect, it } from 'vitest';
import type { Producer, Transport } from 'mediasoup-client/types';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import { fallHoldMs, LinkController } from './linkController';

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
  /** The send transport's entries; tests may add receiver reports (remote-inbound-rtp). */
  const sendEntries: object[] = [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'CP' },
    {
      id: 'CP',
      type: 'candidate-pair',
      availableOutgoingBitrate: 2_000_000,
      currentRoundTripTime: 0.02,
    },
  ];
  const ctl = new LinkController({
    sendTransport: transport(sendEntries),
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
  return { ctl, cam, micSender, camSender, calls, reports, clock, sendEntries };
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
    expect(reports).toHaveLength(1);
    expect(reports[0]).not.toHaveProperty('availableOutgoingKbps');
    // Its own timestamp, and no lateness for a first sample.
    expect(reports[0]).toMatchObject({ rttMs: 20, sentAt: expect.any(Number) });
    expect(reports[0]).not.toHaveProperty('lateMs');
    clock.now = 4_000;
    await ctl.sampleNow();
    // 4 s after the previous sample where 2 s were due: the browser's timer fired 2 s late.
    expect(reports.at(-1)).toMatchObject({
      availableOutgoingKbps: 2_000,
      rttMs: 20,
      lateMs: 2_000,
    });
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

  it('pauses the camera within one receiver report when the uplink falls, before the server knows', async () => {
    const { ctl, cam, calls, clock, sendEntries, micSender } = setup();
    await ctl.handleNotice(notice({}));
    await ctl.cameraProduced();
    expect(cam.paused).toBe(false);
    expect(micSender.current[0]?.maxBitrate).toBe(32_000);
    // The SFU's receiver reports for mic (audio) and camera (video), one a second.
    let n = 0;
    const rr = (rttMs: number, micLoss: number) => {
      n++;
      sendEntries.splice(
        2,
        2,
        ...[
          {
            id: 'RA',
            type: 'remote-inbound-rtp',
            kind: 'audio',
            roundTripTime: rttMs / 1000,
            roundTripTimeMeasurements: n,
            fractionLost: micLoss,
          },
          {
            id: 'RV',
            type: 'remote-inbound-rtp',
            kind: 'video',
            roundTripTime: rttMs / 1000,
            roundTripTimeMeasurements: n,
            fractionLost: micLoss,
          },
        ],
      );
    };
    for (let t = 0; t < 5; t++) {
      clock.now = t * 1_000;
      rr(25 + (t % 2) * 10, t % 2 ? 0.1 : 0); // random loss, no queue: nothing happens
      await ctl.checkFall();
    }
    expect(cam.paused).toBe(false);
    // good → 2G: the next report crosses a full queue and lost most of the microphone.
    clock.now = 5_300;
    rr(540, 0.6);
    await ctl.checkFall();
    expect(cam.paused).toBe(true);
    expect(calls).toContain('pause');
    expect(ctl.fallHold).toBe(true);
    // The voice goes lean at once too.
    await new Promise((r) => setTimeout(r, 0));
    expect(micSender.current[0]?.maxBitrate).toBe(12_000);
    // The server has not seen it yet and still allows video: the camera stays held, Opus lean.
    await ctl.handleNotice(notice({}));
    expect(cam.paused).toBe(true);
    expect(micSender.current[0]?.maxBitrate).toBe(12_000);
    // It never confirms: after the hold, video again and the server's Opus rate.
    clock.now = 5_300 + fallHoldMs;
    await ctl.sampleNow();
    await new Promise((r) => setTimeout(r, 0));
    expect(ctl.fallHold).toBe(false);
    expect(cam.paused).toBe(false);
    expect(micSender.current[0]?.maxBitrate).toBe(32_000);
  });

  it('a starved browser (late reports, nothing lost) is not a fall', async () => {
    const { ctl, cam, clock, sendEntries } = setup();
    await ctl.handleNotice(notice({}));
    await ctl.cameraProduced();
    const rr = (n: number, rttMs: number) =>
      sendEntries.splice(2, 1, {
        id: 'RV',
        type: 'remote-inbound-rtp',
        kind: 'video',
        roundTripTime: rttMs / 1000,
        roundTripTimeMeasurements: n,
        fractionLost: 0,
      });
    const rtts = [20, 22, 400, 21, 380, 20, 25];
    for (const [i, rtt] of rtts.entries()) {
      clock.now = i * 1_000;
      rr(i + 1, rtt);
      await ctl.checkFall();
    }
    expect(cam.paused).toBe(false);
  });

  it('the SFU saw the uplink fall (a notice with `fall`): the camera pauses at once and stays held', async () => {
    const { ctl, cam, calls, clock, micSender } = setup();
    await ctl.handleNotice(notice({}));
    await ctl.cameraProduced();
    expect(cam.paused).toBe(false);
    clock.now = 1_000;
    await ctl.handleNotice(notice({ fall: true }));
    expect(cam.paused).toBe(true);
    // The notice's own state still says 32 kbit/s: the fall's lean voice wins.
    expect(micSender.current[0]?.maxBitrate).toBe(12_000);
    expect(calls).toContain('pause');
    expect(ctl.fallHold).toBe(true);
    // The same state again (no fall flag): still held until the server confirms or the hold ends.
    await ctl.handleNotice(notice({}));
    expect(cam.paused).toBe(true);
    // The server confirms: audio-only, then its own way back brings the camera.
    await ctl.handleNotice(poor);
    expect(ctl.fallHold).toBe(false);
    await ctl.handleNotice(notice({}));
    expect(cam.paused).toBe(false);
    // A fall notice while the camera is already paused changes nothing.
    await ctl.handleNotice(poor);
    await ctl.handleNotice({ ...poor, fall: true });
    expect(ctl.fallHold).toBe(false);
  });
});
