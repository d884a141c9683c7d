// The offline cold start, measured for `bench bundle` (tests/src/bin/bench/bundle.rs): a unit
// signs in once online and syncs a year of progress into IndexedDB; the server goes away; then,
// RUNS times, a new Chromium process opens the app with no network: the shell from the service
// worker's cache, the data from IndexedDB. "Interactive" is the moment the unit's task list
// shows the task TASK at PERCENT% (its last reported figure), timed in the page from navigation
// start by a MutationObserver installed before any script runs; beside it, DOMContentLoaded
// (the shell's HTML parsed from the cache: the floor any offline page pays) in the same runs.
// The RUNS runs are repeated with the CPU throttled 4× (`Emulation.setCPUThrottlingRate`).
//
// Env: BASE, USER, PASSWORD, TASK, PERCENT, RUNS, PROFILE.

import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

scenario(async () => {
  const base = env('BASE');
  const profile = env('PROFILE');
  const task = env('TASK');
  const percent = `${env('PERCENT')}%`;
  const runs = Number(env('RUNS'));

  const online = await launch(profile);
  const p = await page(online, 'online');
  await login(p, base, env('USER'), env('PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /^Đã đồng bộ lúc/);
  await p.waitForFunction(
    ([t, want]) => document.querySelector(`[data-testid=task-row-${t}] .percent`)?.textContent === want,
    [task, percent],
  );
  await online.close();
  await handOver('synced');

  // RUNS runs at the machine's speed, then RUNS with the CPU throttled 4× (an old tablet).
  for (let run = 0; run < 2 * runs; run++) {
    const throttle = run < runs ? 1 : 4;
    const started = Date.now();
    const context = await launch(profile);
    await context.addInitScript(
      ([t, want]) => {
        const look = () => {
          const el = document.querySelector(`[data-testid=task-row-${t}] .percent`);
          if (el && el.textContent === want && !window.__interactive) {
            window.__interactive = performance.now();
            return true;
          }
          return false;
        };
        const watch = new MutationObserver(() => look() && watch.disconnect());
        watch.observe(document, { subtree: true, childList: true, characterData: true });
      },
      [task, percent],
    );
    const launched = Date.now() - started;
    const q = await page(context, `run-${run}`);
    if (throttle > 1) {
      await (await context.newCDPSession(q)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
    }
    await q.goto(base, { waitUntil: 'commit' });
    await q.waitForFunction(() => window.__interactive, null, { polling: 50 });
    const figures = await q.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        interactive: window.__interactive,
        dom_content_loaded: nav.domContentLoadedEventEnd,
        controlled: !!navigator.serviceWorker.controller,
        online: navigator.onLine,
      };
    });
    emit('run', { run, throttle, launched_ms: launched, wall_ms: Date.now() - started, ...figures });
    await context.close();
  }
});
