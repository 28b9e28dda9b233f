/**
 * GiaoBan's asset keeper (registered after login, client/src/app/assetCache.ts).
 *
 * A commune PC opens the app daily over a link that may be GPRS: the meeting
 * engine (mediasoup-client, the room and pre-join screens: ~50 KB on the wire,
 * 8 s at 50 kbit/s) must already be on the device when the user clicks "Tham
 * gia". The page fetches it right after login; this worker keeps every hashed
 * file under /assets/ in Cache Storage and answers from there first — a
 * hashed name never changes content, so a kept copy is always right. Pages and
 * the API are never touched (the network decides what is current).
 *
 * The page also posts the /assets/ URLs it loaded before this worker controlled
 * it (a first visit), so those are kept too (from the HTTP cache, no download).
 */
const CACHE = 'giaoban-assets-v1';
/** Old builds' files leave once the cache holds more than this many. */
const MAX_ENTRIES = 300;

// A hashed file never carries a query: a URL with one (the link test's `?probe=` download)
// goes to the network untouched, never into the cache.
const isAsset = (url) =>
  url.origin === self.location.origin && url.pathname.startsWith('/assets/') && url.search === '';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function trim(cache) {
  const keys = await cache.keys();
  for (const req of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) await cache.delete(req);
}

async function keep(urls) {
  const cache = await caches.open(CACHE);
  for (const u of urls) {
    const url = new URL(u, self.location.origin);
    if (!isAsset(url) || (await cache.match(url.href))) continue;
    // One at a time: parallel downloads only fight over a GPRS link.
    const res = await fetch(url.href).catch(() => undefined);
    if (res && res.ok) await cache.put(url.href, res);
  }
  await trim(cache);
}

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data && data.type === 'keep' && Array.isArray(data.urls)) event.waitUntil(keep(data.urls));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (!isAsset(url)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(req.url);
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok) await cache.put(req.url, res.clone());
      return res;
    }),
  );
});
