// Tiến độ service worker: precaches the app shell of one build (a versioned cache, reusing the
// unchanged files of the build before), answers from it first so the app opens offline, and
// lets a new build take over when the user agrees.
const VERSION = '{{VERSION}}';
const CACHE = `tiendo-shell-${VERSION}`;
const SHELL = {{ASSETS}};

// Content-hashed files (wasm, js, css) never change under their name: a new build takes the ones
// it shares with the build before from that build's cache and downloads only what changed.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(wasm|js|css)$/;

async function precache() {
  const cache = await caches.open(CACHE);
  const older = (await caches.keys()).filter((k) => k.startsWith('tiendo-shell-') && k !== CACHE);
  const download = [];
  for (const asset of SHELL) {
    let kept = null;
    if (HASHED.test(asset)) {
      for (const key of older) {
        kept = await (await caches.open(key)).match(asset);
        if (kept) break;
      }
    }
    if (kept) await cache.put(asset, kept);
    else download.push(asset);
  }
  await cache.addAll(download);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
  // The first install takes over at once; later ones wait for "tải lại".
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('tiendo-shell-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
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
      return await fetch(event.request);
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
