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

  it('starts direct (no TURN servers at all) unless this device last connected through the relay', () => {
    const c = controller(async () => undefined);
    c.setTurn(grant(60_000));
    expect(rememberedPath()).toBe('direct');
    expect(c.transportOptions()).toEqual({ iceServers: [], iceTransportPolicy: 'all' });

    localStorage.setItem(ICE_PATH_KEY, 'relay');
    const relay = controller(async () => undefined);
    relay.setTurn(grant(60_000));
    expect(relay.transportOptions()).toEqual({
      iceServers: grant(60_000).iceServers,
      iceTransportPolicy: 'relay',
    });
    // Remembered relay but no TURN in this deployment: direct.
    expect(controller(async () => undefined).transportOptions().iceTransportPolicy).toBe('all');
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

  /**
   * A transport as the controller sees it: its connection state events and its
   * candidate pairs' check counters (what Chromium's getStats reports).
   */
  const fakeTransport = (pair: { requestsSent: number; responsesReceived: number }) => {
    let onState: ((s: string) => void) | undefined;
    const t = {
      closed: false,
      connectionState: 'new',
      handler: {},
      on: (_e: string, cb: (s: string) => void) => (onState = cb),
      getStats: async () => new Map([['p', { type: 'candidate-pair', ...pair }]]),
      updateIceServers: async () => undefined,
    };
    return {
      transport: t as unknown as Transport,
      pair,
      state: (s: string) => {
        t.connectionState = s;
        onState?.(s);
      },
    };
  };

  it('switches to the relay after 2 s of unanswered direct checks, not 5 s; answered checks get the full 5 s', async () => {
    vi.useFakeTimers();
    const restarts: string[] = [];
    const c = new IcePathController({
      fetchTurn: async () => undefined,
      restartIce: async () => void restarts.push('blocked'),
      onPath: () => undefined,
    });
    c.setTurn(grant(600_000));
    // A firewall drops every check: sent, never answered.
    const blocked = fakeTransport({ requestsSent: 0, responsesReceived: 0 });
    c.watch(blocked.transport);
    blocked.state('connecting');
    await vi.advanceTimersByTimeAsync(500);
    blocked.pair.requestsSent = 4;
    await vi.advanceTimersByTimeAsync(1_500);
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(restarts).toEqual(['blocked']);
    c.stop();

    // Checks answered (a slow but open path): no early switch, the 5 s timeout stands.
    const slowRestarts: number[] = [];
    const d = new IcePathController({
      fetchTurn: async () => undefined,
      restartIce: async () => void slowRestarts.push(Date.now()),
      onPath: () => undefined,
    });
    d.setTurn(grant(600_000));
    const slow = fakeTransport({ requestsSent: 6, responsesReceived: 1 });
    d.watch(slow.transport);
    const t0 = Date.now();
    slow.state('connecting');
    await vi.advanceTimersByTimeAsync(4_500);
    expect(slowRestarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(slowRestarts.map((t) => t - t0)).toEqual([5_000]);
    d.stop();
  });
});
