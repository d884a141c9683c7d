// Tiến độ service worker: precaches the shell every build shares and the build this device's
// user needs (the unit's or the office's, as the page tells it), answers from the cache first so
// the app opens offline, and lets a new release take over when the user agrees, downloading
// only the files whose hashes changed.
const VERSION = '{{VERSION}}';
const CACHE = `tiendo-shell-${VERSION}`;
const SHELL = {{SHELL}};
const BUILDS = {{BUILDS}};
// Which builds this device keeps, recorded in the cache itself so that a new release precaches
// the same ones.
const KEPT = '/__tiendo/kept-builds';

// Content-hashed files (wasm, js, css) never change under their name: a new release takes the
// ones it shares with the release before from that release's cache.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(wasm|js|css)$/;
const BUILD_FILES = new Set(Object.values(BUILDS).flat());

const older = async () =>
  (await caches.keys()).filter((k) => k.startsWith('tiendo-shell-') && k !== CACHE);

// Puts `assets` into `cache`: kept if already there, copied from an older release's cache when
// content-hashed, downloaded otherwise.
async function store(cache, assets) {
  const download = [];
  const before = await older();
  for (const asset of assets) {
    if (await cache.match(asset)) continue;
    let kept = null;
    if (HASHED.test(asset)) {
      for (const key of before) {
        kept = await (await caches.open(key)).match(asset);
        if (kept) break;
      }
    }
    if (kept) await cache.put(asset, kept);
    else download.push(asset);
  }
  await cache.addAll(download);
}

// The builds the release before kept (none on a first install: the page names one).
async function keptBefore() {
  for (const key of await older()) {
    const hit = await (await caches.open(key)).match(KEPT);
    if (hit) return (await hit.json()).filter((b) => BUILDS[b]);
  }
  return [];
}

async function setKept(cache, builds) {
  await cache.put(KEPT, new Response(JSON.stringify(builds), {
    headers: { 'Content-Type': 'application/json' },
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const kept = await keptBefore();
    await store(cache, SHELL.concat(...kept.map((b) => BUILDS[b])));
    await setKept(cache, kept);
  })());
  // The first install takes over at once; later ones wait for "tải lại".
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await older()) await caches.delete(key);
    await self.clients.claim();
  })());
});

// The page says which build the signed-in user runs (at every start): that one is kept, the
// other dropped; nothing to do when that is already so.
async function keep(build) {
  const cache = await caches.open(CACHE);
  const now = await cache.match(KEPT);
  if (now && JSON.stringify(await now.json()) === JSON.stringify([build])) return;
  await store(cache, BUILDS[build]);
  for (const [other, files] of Object.entries(BUILDS)) {
    if (other !== build) for (const f of files) await cache.delete(f);
  }
  await setKept(cache, [build]);
}

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  else if (event.data && BUILDS[event.data.keep]) event.waitUntil(keep(event.data.keep));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  // Data goes to the network (and to IndexedDB through sync), never through this cache.
  if (url.pathname.startsWith('/api/') || url.pathname === '/sync') return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(event.request);
    if (hit) return hit;
    try {
      const answer = await fetch(event.request);
      // A build's file fetched through the worker stays for offline use.
      if (answer.ok && BUILD_FILES.has(url.pathname)) await cache.put(url.pathname, answer.clone());
      return answer;
    } catch (e) {
      // Offline and not a shell file: client routes get the app shell.
      if (event.request.mode === 'navigate') {
        const shell = await cache.match('/index.html');
        if (shell) return shell;
      }
      throw e;
    }
  })());
});
