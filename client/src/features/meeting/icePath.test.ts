import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TurnGrant } from '@giaoban/signaling/protocol/ice';
import type { Transport } from 'mediasoup-client/types';
import { ICE_PATH_KEY, IcePathController, rememberedPath } from './icePath';

const grant = (ttlMs: number): TurnGrant => ({
  iceServers: [{ urls: ['turn:edge.test:3478?transport=udp'], username: 'u', credential: 'c' }],
  expiresAt: Date.now() + ttlMs,
});

const controller = (fetchTurn: () => Promise<TurnGrant | undefined>) =>
  new IcePathController({ fetchTurn, restartIce: async () => undefined, onPath: () => undefined });

/**
 * The schedule only, in fake time (a 10-minute lifetime cannot be waited for): `fetchTurn`
 * stands in for signaling's `media:iceServers`, which infra/src/turn/turn.test.ts runs for
 * real against a coturn; the switch to relay runs in Chromium (e2e/turnRelay.test.ts).
 */
describe('ICE path: where a transport starts, and fresh TURN credentials', () => {
  beforeEach(() => localStorage.removeItem(ICE_PATH_KEY));
  afterEach(() => vi.useRealTimers());

  it('starts with direct and relay candidates together (the TURN servers, policy all) unless this device last connected through the relay', () => {
    const c = controller(async () => undefined);
    c.setTurn(grant(60_000));
    expect(rememberedPath()).toBe('direct');
    expect(c.transportOptions()).toEqual({
      iceServers: grant(60_000).iceServers,
      iceTransportPolicy: 'all',
    });

    localStorage.setItem(ICE_PATH_KEY, 'relay');
    const relay = controller(async () => undefined);
    relay.setTurn(grant(60_000));
    expect(relay.transportOptions()).toEqual({
      iceServers: grant(60_000).iceServers,
      iceTransportPolicy: 'relay',
    });
    // Remembered relay but no TURN in this deployment: direct only.
    expect(controller(async () => undefined).transportOptions()).toEqual({
      iceServers: [],
      iceTransportPolicy: 'all',
    });
    c.stop();
    relay.stop();
  });

  it('asks for new credentials before the old ones expire, and keeps asking on failure', async () => {
    vi.useFakeTimers();
    const fetchTurn = vi.fn(async () => grant(600_000));
    const c = controller(fetchTurn);
    c.setTurn(grant(600_000));
    await vi.advanceTimersByTimeAsync(470_000);
    expect(fetchTurn).not.toHaveBeenCalled();
    // 80 % of 10 min = 8 min.
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fetchTurn).toHaveBeenCalledTimes(1);
    expect(c.turn!.expiresAt).toBeGreaterThan(Date.now() + 590_000);

    fetchTurn.mockRejectedValueOnce(new Error('socket down'));
    await vi.advanceTimersByTimeAsync(480_000);
    expect(fetchTurn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetchTurn).toHaveBeenCalledTimes(3);
    c.stop();
  });

  /** A transport as the controller sees it: its connection state events (no RTCPeerConnection). */
  const fakeTransport = () => {
    let onState: ((s: string) => void) | undefined;
    const servers: RTCIceServer[][] = [];
    const t = {
      closed: false,
      connectionState: 'new',
      handler: {},
      on: (_e: string, cb: (s: string) => void) => (onState = cb),
      getStats: async () => new Map(),
      updateIceServers: async ({ iceServers }: { iceServers: RTCIceServer[] }) =>
        void servers.push(iceServers),
    };
    return {
      transport: t as unknown as Transport,
      servers,
      state: (s: string) => {
        t.connectionState = s;
        onState?.(s);
      },
    };
  };

  it('restarts only as a fallback: not at 2 s or 5 s (the relay is being gathered beside direct), at 15 s', async () => {
    vi.useFakeTimers();
    const restarts: number[] = [];
    const c = new IcePathController({
      fetchTurn: async () => undefined,
      restartIce: async () => void restarts.push(Date.now()),
      onPath: () => undefined,
    });
    c.setTurn(grant(600_000));
    const t = fakeTransport();
    c.watch(t.transport);
    const t0 = Date.now();
    t.state('connecting');
    await vi.advanceTimersByTimeAsync(14_000);
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(restarts.map((at) => at - t0)).toEqual([15_000]);
    // The restart brought fresh TURN servers (no RTCPeerConnection here: updateIceServers).
    expect(t.servers).toEqual([grant(600_000).iceServers]);
    c.stop();

    // Connected in time: no restart at all.
    const quiet: number[] = [];
    const d = new IcePathController({
      fetchTurn: async () => undefined,
      restartIce: async () => void quiet.push(Date.now()),
      onPath: () => undefined,
    });
    d.setTurn(grant(600_000));
    const u = fakeTransport();
    d.watch(u.transport);
    u.state('connecting');
    await vi.advanceTimersByTimeAsync(8_000);
    u.state('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(quiet).toEqual([]);
    d.stop();
  });

  it('gives fresh credentials to every transport, not only relay-only ones', async () => {
    vi.useFakeTimers();
    const c = new IcePathController({
      fetchTurn: async () => grant(600_000),
      restartIce: async () => undefined,
      onPath: () => undefined,
    });
    c.setTurn(grant(60_000));
    const t = fakeTransport();
    c.watch(t.transport);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(t.servers).toEqual([grant(600_000).iceServers]);
    c.stop();
  });
});
