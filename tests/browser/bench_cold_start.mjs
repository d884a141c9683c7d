// The offline cold start, measured for `bench bundle` (tests/src/bin/bench/bundle.rs): a unit
// signs in once online and syncs a year of progress into IndexedDB; the server goes away; then,
// RUNS times, a new Chromium process opens the app with no network: the shell from the service
// worker's cache, the data from IndexedDB. "Interactive" is the moment the unit's task list
// shows the task TASK at PERCENT% (its last reported figure), timed in the page from navigation
// start by a MutationObserver installed before any script runs; "painted" is the same figure on
// the start screen the page paints from the last run (`#saved-view`, inert until the live screen
// replaces it); beside them, DOMContentLoaded
// (the shell's HTML parsed from the cache: the floor any offline page pays) in the same runs.
// The RUNS runs are repeated with the CPU throttled 4× (`Emulation.setCPUThrottlingRate`).
// Each run then saves one field of the task form five times (see below), offline as it is.
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
  // The app keeps the start screen a second after the documents settle, for the page to paint.
  await p.waitForFunction(() => localStorage.getItem('tiendo.view'));
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
          const painted = document.querySelector(`#saved-view [data-saved=task-row-${t}] .percent`);
          if (painted && painted.textContent === want && !window.__painted) {
            window.__painted = performance.now();
          }
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
        painted: window.__painted || null,
        dom_content_loaded: nav.domContentLoadedEventEnd,
        controlled: !!navigator.serviceWorker.controller,
        online: navigator.onLine,
        // The start's stages as the page and the app mark them (ms from navigation start).
        ...Object.fromEntries(performance.getEntriesByType('mark')
          .filter((m) => m.name.startsWith('tiendo:'))
          .map((m) => [m.name.slice('tiendo:'.length), m.startTime])),
      };
    });
    // One saved field at a year of progress: the percent of TASK changed SAVES times, each timed
    // from the change event to the handler's return (the entry written, one Automerge change)
    // and to the second frame after it (the documents re-read and the list drawn again).
    await q.click(`[data-testid=task-row-${task}]`);
    await q.waitForSelector('[data-testid=field-percent]');
    const saves = await q.evaluate(async ([n, last]) => {
      const field = document.querySelector('[data-testid=field-percent]');
      const out = { save: [], frame: [] };
      for (let i = 0; i < n; i++) {
        field.value = String(20 + i);
        const t0 = performance.now();
        field.dispatchEvent(new Event('change', { bubbles: true }));
        out.save.push(performance.now() - t0);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        out.frame.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
      // Back to the figure the next run waits for.
      field.value = last;
      field.dispatchEvent(new Event('change', { bubbles: true }));
      return out;
    }, [5, env('PERCENT')]);
    // samod writes the change to IndexedDB in the background: let it land before the browser goes.
    await q.waitForTimeout(1000);
    // Back to the list, which the app keeps again as the start screen for the next run.
    await q.evaluate(() => localStorage.removeItem('tiendo.view'));
    await q.click('[data-testid=back]');
    await q.waitForFunction(() => localStorage.getItem('tiendo.view'));
    const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    emit('run', {
      run, throttle, launched_ms: launched, wall_ms: Date.now() - started, ...figures,
      save_ms: median(saves.save), save_frame_ms: median(saves.frame),
    });
    await context.close();
  }
});
