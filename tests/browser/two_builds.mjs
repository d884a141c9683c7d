// The two builds of the client (tests/tests/browser_two_builds.rs runs this): a unit's first
// visit on a new profile downloads only the unit build, and its service worker keeps only that
// one; the central office signing in on the same tablet then gets the office build, whose
// dashboard opens with no network at all.
//
// Env: BASE, UNIT_USER, UNIT_PASSWORD, OFFICE_USER, OFFICE_PASSWORD, PROFILE.

import { emit, env, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

/** The paths in the app's service-worker caches. */
async function cached(p) {
  return p.evaluate(async () => {
    const out = [];
    for (const key of await caches.keys()) {
      if (!key.startsWith('tiendo-shell-')) continue;
      for (const r of await (await caches.open(key)).keys()) out.push(new URL(r.url).pathname);
    }
    return out;
  });
}

/** Waits until the caches hold every path of `files`. */
async function cachedAll(p, files) {
  for (let i = 0; i < 300; i++) {
    const now = await cached(p);
    if (files.every((f) => now.includes(f))) return now;
    await p.waitForTimeout(100);
  }
  throw new Error(`never cached: ${files} (cached: ${await cached(p)})`);
}

scenario(async () => {
  const base = env('BASE');
  const builds = await (await fetch(new URL('/builds.json', base))).json();
  const context = await launch(env('PROFILE'));
  // Every request of the page and of its service worker (playwright reports both).
  let requested = [];
  context.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const p = await page(context, 'tablet');

  await login(p, base, env('UNIT_USER'), env('UNIT_PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  emit('unit', { requested, cached: await cachedAll(p, builds.builds.unit), builds: builds.builds });

  // The central office signs in on the same tablet.
  await p.click('[data-testid=logout]');
  await p.waitForSelector('[data-testid=login-form]', { state: 'visible' });
  requested = [];
  await p.fill('[data-testid=login-username]', env('OFFICE_USER'));
  await p.fill('[data-testid=login-password]', env('OFFICE_PASSWORD'));
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=tab-summary]');
  await waitIndicator(p, /Đã đồng bộ lúc/);
  const officeCached = await cachedAll(p, builds.builds.office);
  // The unit build leaves the cache once the office's is kept.
  for (let i = 0; i < 100 && builds.builds.unit.some((f) => officeCached.includes(f)); i++) {
    await p.waitForTimeout(100);
    officeCached.splice(0, officeCached.length, ...(await cached(p)));
  }
  emit('office', { requested, cached: officeCached });

  // No network: the office build and the merged dashboard open from the device alone.
  await context.setOffline(true);
  await p.reload();
  await p.click('[data-testid=tab-summary]');
  await p.waitForSelector('[data-testid=chart-areas]');
  emit('office-offline', {
    indicator: await waitIndicator(p, /Ngoại tuyến/),
    bars: await p.locator('[data-testid^=bar-area-]').count(),
  });
  await context.close();
});
