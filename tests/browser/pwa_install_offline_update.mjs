// The installable PWA (tests/tests/browser_pwa.rs runs this): Chromium finds no installability
// error in the manifest; the shell comes from the service worker and the data from IndexedDB when
// the network is gone; touch targets are at least 44 px; a new build is announced with
// "Có phiên bản mới — tải lại" and taken on the user's click.
//
// Env: BASE (server URL), USERNAME, PASSWORD, PROFILE (profile dir), STATIC_DIR (the served
// copy of client/dist, whose sw.js this scenario rewrites to publish a "new build").

import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { emit, env, indicator, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

scenario(async () => {
  const base = env('BASE');
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'tablet');
  await login(p, base, env('USERNAME'), env('PASSWORD'));
  await serviceWorkerReady(p);
  const synced = await waitIndicator(p, /Đã đồng bộ lúc \d\d:\d\d/);

  // Installability, as Chromium's own check reports it.
  const cdp = await context.newCDPSession(p);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  const manifest = await cdp.send('Page.getAppManifest');
  const parsed = JSON.parse(manifest.data || '{}');
  emit('installability', {
    errors: installabilityErrors.map((e) => e.errorId),
    manifestUrl: manifest.url,
    manifestErrors: manifest.errors.map((e) => e.message),
    name: parsed.name,
    shortName: parsed.short_name,
    display: parsed.display,
    icons: (parsed.icons || []).map((i) => `${i.sizes} ${i.purpose || 'any'}`),
    synced,
  });

  // Touch targets on the task list and in the task form.
  const small = async () =>
    p.evaluate(() =>
      [...document.querySelectorAll('#app button, #app input, #app select, #app textarea, #app a[href]')]
        .filter((el) => el.offsetParent !== null && el.type !== 'hidden')
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ el, r }) => r.height < 44 || (el.type !== 'checkbox' && r.width < 44))
        .map(({ el, r }) => `${el.tagName.toLowerCase()}[${el.dataset.testid || el.name || el.textContent.trim()}] ${Math.round(r.width)}x${Math.round(r.height)}`),
    );
  const smallOnList = await small();
  await p.click('[data-testid^=task-row-]');
  await p.waitForSelector('[data-testid=task-detail]');
  const smallOnForm = await small();
  emit('touch-targets', { small: [...smallOnList, ...smallOnForm] });
  await p.click('[data-testid=back]');

  // No network at all: reload, and the app opens from the service worker and IndexedDB.
  await context.setOffline(true);
  await p.reload();
  await p.waitForSelector('[data-testid^=task-row-]');
  const rowsOffline = await p.locator('[data-testid^=task-row-]').count();
  emit('offline-reload', { rows: rowsOffline, indicator: await waitIndicator(p, /Ngoại tuyến/) });
  await context.setOffline(false);
  await waitIndicator(p, /Đã đồng bộ lúc/);

  // A new build on the server: the next visit installs it and tells the user.
  const sw = path.join(env('STATIC_DIR'), 'sw.js');
  const before = fs.readFileSync(sw, 'utf8');
  const version = before.match(/const VERSION = '([^']+)'/)[1];
  const next = before.replace(`const VERSION = '${version}'`, `const VERSION = '${version}-next'`);
  fs.writeFileSync(sw, next);
  // As a build does: the pre-compressed forms beside it are the new ones too.
  fs.writeFileSync(`${sw}.br`, zlib.brotliCompressSync(next));
  fs.writeFileSync(`${sw}.gz`, zlib.gzipSync(next));
  // The new build shares the wasm with the old one: it must come from the old build's cache, not
  // be downloaded again — so it is taken off the server (a download would fail the install).
  const dir = env('STATIC_DIR');
  const wasmFiles = fs.readdirSync(dir).filter((f) => /_bg\.wasm(\.br|\.gz)?$/.test(f));
  for (const f of wasmFiles) fs.unlinkSync(path.join(dir, f));
  // Nor may the browser's HTTP cache stand in for the old build's cache (browsers evict it).
  await (await context.newCDPSession(p)).send('Network.clearBrowserCache');
  const bannerHiddenBefore = await p.isHidden('[data-testid=update-banner]');
  await p.reload();
  await p.waitForSelector('[data-testid=update-banner]', { state: 'visible' });
  const banner = (await p.textContent('[data-testid=update-banner]')).replace(/\s+/g, ' ').trim();
  const reloaded = p.waitForEvent('load');
  await p.click('[data-testid=update-reload]');
  await reloaded;
  await p.waitForSelector('[data-testid^=task-row-]');
  const caches = await p.evaluate(() => caches.keys());
  emit('update', {
    bannerHiddenBefore,
    banner,
    caches,
    expected: `tiendo-shell-${version}-next`,
    wasmRemoved: wasmFiles.length,
    bannerAfter: await p.isVisible('[data-testid=update-banner]'),
    indicator: await indicator(p),
  });
  await context.close();
});
