import { io, type Socket } from 'socket.io-client';
import { acceptNotification, useNotifications } from './notificationsStore';

/**
 * The app-wide push connection: one socket.io connection to signaling while
 * logged in, so an emergency alert reaches a unit sitting on its home screen.
 * Notifications are server → client only; the meeting room has its own session.
 */
let socket: Socket | null = null;

export function startPush(token: string, onConnect?: () => void) {
  stopPush();
  const s = io({
    path: '/socket.io',
    auth: { token },
    // Long-polling first would cost several round trips on a slow link before the upgrade.
    transports: ['websocket', 'polling'],
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });
  const setPush = useNotifications.getState().setPush;
  setPush('connecting');
  s.on('connect', () => {
    setPush('connected');
    onConnect?.();
  });
  s.on('disconnect', () => setPush('reconnecting'));
  s.io.on('reconnect_attempt', () => setPush('reconnecting'));
  s.onAny((event: string, payload: unknown) => {
    acceptNotification(event, payload);
  });
  socket = s;
}

export function stopPush() {
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
  useNotifications.getState().setPush('off');
}
