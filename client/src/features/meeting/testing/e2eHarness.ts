/**
 * Bundled by e2e/meeting.test.ts (esbuild) and injected into a page served by
 * the test server, so the browser test drives the real client meeting store and
 * media engine without depending on the app shell's screens.
 */
import { useMeeting } from '../meetingStore';

(globalThis as { gb?: unknown }).gb = { useMeeting };
