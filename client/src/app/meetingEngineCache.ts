/**
 * The meeting engine on the device before the click. A commune PC opens the
 * app daily, often over GPRS: the pre-join screen, the room and the meeting
 * engine (mediasoup-client) are ~50 KB on the wire, 8 s at 50 kbit/s — a user
 * clicking "Tham gia" as soon as the pre-join screen allowed it waited for them
 * (13.2–13.7 s click → first audio, 6.2 s when the click came 30 s later).
 *
 * Right after login they are fetched in the background, one after the other,
 * and a service worker (`/sw.js`, client/public/sw.js) keeps every hashed
 * asset across visits, answering from its cache first: the click costs the
 * same whenever it happens, on the first visit and the later ones.
 */
const meetingModules = [
  () => import('../features/prejoin/PreJoinPage'),
  () => import('../features/room/RoomScreen'),
  () => import('../features/meeting/meetingStore'),
];

/** Same-origin /assets/ files this page has loaded (Resource Timing). */
function loadedAssets(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => {
      const url = new URL(u, window.location.href);
      return url.origin === window.location.origin && url.pathname.startsWith('/assets/');
    });
}

/** Registers the asset keeper; resolves to its active worker (undefined where unsupported). */
async function assetKeeper(): Promise<ServiceWorker | undefined> {
  // Service workers need a secure context (HTTPS, localhost, or a dev origin allowed as such).
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return undefined;
  await navigator.serviceWorker.register('/sw.js');
  const reg = await navigator.serviceWorker.ready;
  return reg.active ?? undefined;
}

let started: Promise<void> | undefined;

/** Once per page, after login: fetch the meeting engine and keep the app's assets. */
export function keepMeetingEngine(): Promise<void> {
  started ??= (async () => {
    const keeper = assetKeeper().catch(() => undefined);
    for (const load of meetingModules) await load().catch(() => undefined);
    // What loaded before the worker controlled this page (a first visit) is kept too.
    (await keeper)?.postMessage({ type: 'keep', urls: loadedAssets() });
  })();
  return started;
}
