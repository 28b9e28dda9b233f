import { afterEach, describe, expect, it } from 'vitest';
import { dropEarlySocket, openMeetingSocketEarly, takeEarlySocket } from './meetingSocket';
import { SignalingClient } from './signalingClient';

// Nothing listens there: the sockets only try to connect (what is checked is which socket is used).
const url = 'http://127.0.0.1:9';

describe('the meeting socket opened with the pre-join screen (GPRS: its handshake overlaps the engine download)', () => {
  const clients: SignalingClient[] = [];
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    dropEarlySocket();
  });

  it("is the socket the engine's signaling then uses, not a second one", () => {
    const early = openMeetingSocketEarly({ token: 't1', url, query: { meetingId: 'm1' } });
    expect(openMeetingSocketEarly({ token: 't1', url, query: { meetingId: 'm1' } })).toBe(early);
    const c = new SignalingClient({ token: 't1', url, query: { meetingId: 'm1' } });
    clients.push(c);
    expect(c.socket).toBe(early);
    // Adopted: nobody else gets it.
    expect(takeEarlySocket({ token: 't1', url, query: { meetingId: 'm1' } })).toBeUndefined();
  });

  it('another meeting (or user) opens its own; the early one is closed when replaced', () => {
    const early = openMeetingSocketEarly({ token: 't1', url, query: { meetingId: 'm1' } });
    const c = new SignalingClient({ token: 't1', url, query: { meetingId: 'm2' } });
    clients.push(c);
    expect(c.socket).not.toBe(early);
    openMeetingSocketEarly({ token: 't1', url, query: { meetingId: 'm3' } });
    expect(early.disconnected).toBe(true);
  });
});
