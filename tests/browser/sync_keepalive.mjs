// A link that dies silently (tests/tests/browser_sync_keepalive.rs runs this behind a proxy that
// stops forwarding without closing anything): the tablet says "Ngoại tuyến" within 5 s, and
// syncs again by itself once the link is back; the browser's own offline event drops the socket
// at once.
//
// Env: BASE (the proxy), USER, PASSWORD, PROFILE.

import { emit, env, handOver, launch, login, page, scenario, waitIndicator } from './harness.mjs';

const state = (s) => `[data-testid=sync-indicator][data-state=${s}]`;

scenario(async () => {
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'tablet');
  await login(p, env('BASE'), env('USER'), env('PASSWORD'));
  await waitIndicator(p, /Đã đồng bộ/);
  // The test cuts the link silently.
  await handOver('synced');
  const cut = Date.now();
  await p.waitForSelector(state('offline'), { timeout: 5000 });
  const noticed = Date.now() - cut;
  // The test brings it back.
  await handOver('offline', { noticed });
  await p.waitForSelector(state('synced'), { timeout: 30000 });
  await context.setOffline(true);
  await p.waitForSelector(state('offline'), { timeout: 2000 });
  await context.setOffline(false);
  await p.waitForSelector(state('synced'), { timeout: 30000 });
  emit('back');
});
