import { markJoin } from './joinTrace';
import { dropEarlySocket, openMeetingSocketEarly } from './meetingSocket';

/**
 * Warms a join up before the click: the room screen's code and the meeting's
 * socket, Device and capabilities load in the background (pre-join screen,
 * emergency alert), so the click costs one round trip plus ICE/DTLS. Dynamic
 * imports keep mediasoup-client out of the main bundle.
 */
export function warmJoin(meetingId: string, token: string): void {
  markJoin('warmJoin');
  // The socket first: its handshake overlaps the engine's download on a first visit.
  void openMeetingSocketEarly({ token, query: { meetingId } });
  void import('../room/RoomScreen').catch(() => undefined);
  void import('./meetingStore')
    .then(({ useMeeting }) => useMeeting.getState().prepare({ meetingId, token }))
    .catch(() => undefined);
}

/** The user went elsewhere: the warmed-up socket is closed. */
export function coolJoin(): void {
  dropEarlySocket();
  void import('./meetingStore')
    .then(({ useMeeting }) => useMeeting.getState().discardPrepared())
    .catch(() => undefined);
}
