// A new tablet on a link too weak for a first sync (tests/tests/browser_bundles.rs runs this):
// it signs in (the session needs the server), but neither `/api/bootstrap` nor the sync socket
// gets through, so the plan cannot open. The user loads the starter bundle the office made
// ("Gói dữ liệu" → "Nạp gói khởi tạo"): the app reopens with the unit's tasks from the file,
// still with no sync. When the link comes, sync brings what changed after the bundle was made.
//
// Env: BASE, USER, PASSWORD, STARTER (a file), TASK (a task the unit leads), PROFILE.

import { emit, env, handOver, launch, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

scenario(async () => {
  const base = env('BASE');
  const task = env('TASK');
  const context = await launch(env('PROFILE'));
  // The weak link: the bootstrap never answers, the sync socket is closed at once.
  let blocked = true;
  await context.route('**/api/bootstrap**', (r) => r.abort());
  await context.routeWebSocket(/\/sync(\?.*)?$/, (ws) => {
    if (blocked) ws.close();
    else ws.connectToServer();
  });
  const p = await page(context, 'new-tablet');
  await p.goto(base);
  await p.fill('[data-testid=login-username]', env('USER'));
  await p.fill('[data-testid=login-password]', env('PASSWORD'));
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=loading]');
  await serviceWorkerReady(p);
  // A while later: no document came (still loading, or saying the device has no data yet).
  await p.waitForTimeout(1500);
  const before = {
    rows: await p.locator('[data-testid^=task-row-]').count(),
    said: (await p.textContent('.app')).slice(0, 300),
  };

  await p.click('[data-testid=bundle-toggle]');
  await Promise.all([
    p.waitForEvent('load'),
    p.setInputFiles('[data-testid=bundle-starter]', env('STARTER')),
  ]);
  await p.waitForSelector('[data-testid^=task-row-]', { timeout: 30_000 });
  const row = () => p.textContent(`[data-testid=task-row-${task}] .percent`);
  const loaded = {
    before,
    rows: await p.locator('[data-testid^=task-row-]').count(),
    percent: await row(),
    indicator: await waitIndicator(p, /Ngoại tuyến|Đang kết nối|Mất kết nối/),
  };
  emit('loaded', loaded);

  // The link comes: only what changed since the bundle.
  blocked = false;
  await context.setOffline(true);
  await context.setOffline(false);
  await p.waitForFunction((t) => document.querySelector(`[data-testid=task-row-${t}] .percent`)?.textContent === '60%', task, { timeout: 60_000 });
  await handOver('synced', { percent: await row(), indicator: await waitIndicator(p, /Đã đồng bộ lúc/) });
  await context.close();
});
