import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TurnGrant } from '@giaoban/signaling/protocol/ice';
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
});
