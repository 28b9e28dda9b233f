import { create } from 'zustand';

/**
 * The meeting engine on the device before the click. A commune PC opens the
 * app daily, often over GPRS: the pre-join screen, the room and the meeting
 * engine (mediasoup-client) are ~50 KB on the wire, 8 s at 50 kbit/s — a user
 * clicking "Tham gia" as soon as the pre-join screen allowed it waited for them
 * (11.1–15.6 s click → first audio on a first visit).
 *
 * Behind the login form and right after login they are fetched in the
 * background, one file after the other, counting the bytes (the build lists the
 * engine's files and sizes in the page: client/scripts/engineManifest.ts), so
 * the pre-join screen shows the download and allows the click once the engine
 * is on the device. A service worker (`/sw.js`, client/public/sw.js) keeps every
 * hashed asset across visits, answering from its cache first: later visits
 * have the engine at once.
 */
const meetingModules = [
  () => import('../features/prejoin/PreJoinPage'),
  () => import('../features/room/RoomScreen'),
  () => import('../features/meeting/meetingStore'),
];

export interface EngineFile {
  url: string;
  bytes: number;
}

export interface EngineProgress {
  /** Bytes of the engine's files received so far (decoded), and their total. */
  loaded: number;
  total: number;
  /** Every module of the engine is loaded: a click joins without downloading. */
  ready: boolean;
  /**
   * The last load ended with a module missing (the link dropped): the click is
   * allowed anyway (the room loads what it needs, or says it could not), and the
   * next keepMeetingEngine() tries again.
   */
  failed: boolean;
}

export const useEngine = create<EngineProgress>(() => ({
  loaded: 0,
  total: 0,
  ready: false,
  failed: false,
}));

/** 0–100, what the pre-join screen shows. */
export function enginePercent(p: EngineProgress): number {
  if (p.ready) return 100;
  if (p.total <= 0) return 0;
  return Math.min(99, Math.floor((p.loaded * 100) / p.total));
}

/** The engine's files as the build wrote them into the page (none in dev and tests). */
export function engineFilesInPage(doc: Document = document): EngineFile[] {
  const text = doc.getElementById('gb-engine')?.textContent;
  if (!text) return [];
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list)
      ? list.filter(
          (f): f is EngineFile =>
            typeof f === 'object' &&
            f !== null &&
            typeof (f as EngineFile).url === 'string' &&
            typeof (f as EngineFile).bytes === 'number',
        )
      : [];
  } catch {
    return [];
  }
}

/** Reads a file's body to the end, counting its bytes into the progress. */
async function fetchCounting(file: EngineFile, fetcher: typeof fetch): Promise<void> {
  let got = 0;
  const add = (n: number) => {
    got += n;
    useEngine.setState((s) => ({ loaded: s.loaded + n }));
  };
  try {
    const res = await fetcher(file.url);
    const reader = res.body?.getReader();
    if (!res.ok || !reader) return;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      add(next.value.byteLength);
    }
  } catch {
    // The import below fetches it again, or fails visibly; the bar still ends.
  } finally {
    if (got < file.bytes) add(file.bytes - got);
  }
}

/**
 * Downloads the engine (into the HTTP cache and the service worker's), then
 * loads its modules, which now come from the cache; `ready` once they all did.
 */
export async function loadEngine(
  files: EngineFile[] = engineFilesInPage(),
  modules: (() => Promise<unknown>)[] = meetingModules,
  fetcher: typeof fetch = (...args) => fetch(...args),
): Promise<void> {
  useEngine.setState({
    loaded: 0,
    total: files.reduce((n, f) => n + f.bytes, 0),
    ready: false,
    failed: false,
  });
  // One at a time: parallel downloads only fight over a GPRS link.
  for (const f of files) await fetchCounting(f, fetcher);
  let ok = true;
  for (const load of modules) await load().catch(() => (ok = false));
  useEngine.setState(ok ? { ready: true } : { failed: true });
}

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

/** Once per page, from the login form on: fetch the meeting engine and keep the app's assets. */
export function keepMeetingEngine(): Promise<void> {
  started ??= (async () => {
    const keeper = assetKeeper().catch(() => undefined);
    // A failed load may be retried (the next call, e.g. the pre-join screen's).
    await loadEngine().catch(() => undefined);
    if (!useEngine.getState().ready) started = undefined;
    // What loaded before the worker controlled this page (a first visit) is kept too.
    (await keeper)?.postMessage({ type: 'keep', urls: loadedAssets() });
  })();
  return started;
}
