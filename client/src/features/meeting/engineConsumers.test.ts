import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from 'mediasoup-client';
import type { Transport } from 'mediasoup-client/types';
import { RemoteConsumers } from './engineConsumers';
import type { SignalingClient } from './signalingClient';

/**
 * The retry of producers the server could not consume. The signaling client is
 * a stand-in answering `media:consume` with a failure (the real server's answer
 * shape): what is tested is when the engine asks again, not the server.
 */
describe('RemoteConsumers: producers the server could not consume', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = () => {
    const requests: string[][] = [];
    const signaling = {
      request: (_name: string, payload: { producerIds: string[] }) => {
        requests.push(payload.producerIds);
        return Promise.resolve({
          consumers: [],
          failed: payload.producerIds.map((producerId) => ({ producerId, code: 'NOT_FOUND' })),
        });
      },
    } as unknown as SignalingClient;
    const retried: string[][] = [];
    const remote = new RemoteConsumers(
      signaling,
      () => undefined,
      (ids) => retried.push(ids),
    );
    const recv = {} as Transport;
    const device = { recvRtpCapabilities: {} } as Device;
    return {
      remote,
      retried,
      requests,
      consume: (ids: string[]) => remote.consume(recv, device, ids),
    };
  };

  it('asks again 0.5, 1.5 and 3 s after each failure, then gives up', async () => {
    const { retried, consume } = setup();
    await consume(['p1']);
    await vi.advanceTimersByTimeAsync(499);
    expect(retried).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(retried).toEqual([['p1']]);
    await consume(['p1']);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(retried).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(retried).toHaveLength(2);
    await consume(['p1']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(retried).toHaveLength(3);
    await consume(['p1']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(retried).toHaveLength(3);
  });

  it('a new join starts afresh and drops pending retries', async () => {
    const { remote, retried, consume } = setup();
    await consume(['p1']);
    remote.closeAll();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(retried).toEqual([]);
    for (let i = 0; i < 4; i++) await consume(['p1']);
    remote.closeAll();
    await consume(['p1']);
    await vi.advanceTimersByTimeAsync(500);
    expect(retried).toEqual([['p1']]);
  });
});
