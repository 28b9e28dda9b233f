import { describe, expect, it } from 'vitest';
import type { Transport } from 'mediasoup-client/types';
import { PROBATOR_MID, ProbatorSwitch } from './probator';

/**
 * happy-dom has no WebRTC: a fake with the internal shape of a mediasoup-client
 * 3.24 receive transport (its handler and serial operation queue) records what
 * the switch asks of the handler. The real browser path runs in bench:links
 * (the PLIs of a GPRS commune in audio-only) and e2e/weakLinks.test.ts.
 */
function fakeTransport() {
  const calls: string[] = [];
  let queued = 0;
  let tail = Promise.resolve();
  const t = {
    _probatorConsumerCreated: false,
    _handler: {
      pauseReceiving: async (ids: string[]) => void calls.push(`pause ${ids.join()}`),
      resumeReceiving: async (ids: string[]) => void calls.push(`resume ${ids.join()}`),
    },
    _awaitQueue: {
      push<T>(task: () => Promise<T>): Promise<T> {
        queued++;
        const run = tail.then(task);
        tail = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      },
    },
  };
  return { t, calls, transport: t as unknown as Transport, queued: () => queued };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('ProbatorSwitch', () => {
  it('waits for the probator, then keeps it off while audio-only and on with video', async () => {
    const { t, calls, transport } = fakeTransport();
    const sw = new ProbatorSwitch(transport);
    sw.set(false); // audio-only before any video consumer: nothing to switch yet
    await settle();
    expect(calls).toEqual([]);
    t._probatorConsumerCreated = true; // the first video consumer brought it
    sw.sync();
    await settle();
    expect(calls).toEqual([`pause ${PROBATOR_MID}`]);
    sw.set(false);
    await settle();
    expect(calls).toHaveLength(1);
    sw.set(true);
    await settle();
    expect(calls).toEqual([`pause ${PROBATOR_MID}`, `resume ${PROBATOR_MID}`]);
  });

  it('is off from the start: the probator is paused as soon as it exists, without a notice', async () => {
    const { t, calls, transport } = fakeTransport();
    const sw = new ProbatorSwitch(transport);
    t._probatorConsumerCreated = true;
    sw.sync();
    await settle();
    expect(calls).toEqual([`pause ${PROBATOR_MID}`]);
  });

  it('queues nothing for further consumers once the probator is as wanted', async () => {
    const { t, transport, queued } = fakeTransport();
    const sw = new ProbatorSwitch(transport);
    t._probatorConsumerCreated = true;
    sw.sync();
    await settle();
    const after = queued();
    for (let i = 0; i < 150; i++) sw.sync();
    await settle();
    expect(queued()).toBe(after);
  });

  it('ends on the last wish when notices arrive during a switch', async () => {
    const { t, calls, transport } = fakeTransport();
    t._probatorConsumerCreated = true;
    const sw = new ProbatorSwitch(transport);
    sw.set(false);
    sw.set(true);
    sw.set(false);
    await settle();
    expect(calls.at(-1)).toBe(`pause ${PROBATOR_MID}`);
  });
});
