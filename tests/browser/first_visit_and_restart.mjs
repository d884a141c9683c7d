// A unit's first visit and its next start (tests/tests/browser_first_visit_and_restart.rs runs
// this). First visit on a new profile with the sync socket refused: the task list still shows the
// unit's last figure, from the documents the page fetched at sign-in (`/api/bootstrap`). Next
// start with no network: the page paints the start screen kept from the last run (inert, no
// test ids) before the app has loaded, and the live screen then replaces it. Logging out
// forgets the kept screen. The task's title has no place to break: the page stays as wide as
// the window.
//
// Env: BASE, USER, PASSWORD, TASK, PERCENT, PROFILE.

import { emit, env, indicator, launch, login, page, scenario, serviceWorkerReady } from './harness.mjs';

scenario(async () => {
  const base = env('BASE');
  const task = env('TASK');
  const percent = `${env('PERCENT')}%`;
  const context = await launch(env('PROFILE'));
  let sockets = 0;
  await context.routeWebSocket(/\/sync(\?.*)?$/, (ws) => {
    sockets += 1;
    ws.close();
  });
  const requested = [];
  context.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const p = await page(context, 'tablet');
  await login(p, base, env('USER'), env('PASSWORD'));
  await p.waitForFunction(
    ([t, want]) => document.querySelector(`[data-testid=task-row-${t}] .percent`)?.textContent === want,
    [task, percent],
  );
  emit('first-visit', {
    bootstrap: requested.includes('/api/bootstrap'),
    // The task's title is 20,000 characters without a space: it must wrap.
    width: await p.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    })),
    sockets,
    indicator: await indicator(p),
  });

  // The next start, offline: what the page paints first, and when the live screen comes.
  await serviceWorkerReady(p);
  await p.waitForFunction(() => localStorage.getItem('tiendo.view'));
  await context.addInitScript(
    ([t, want]) => {
      window.__seen = { painted: null, live: null };
      const look = () => {
        const el = document.querySelector(`#saved-view [data-saved=task-row-${t}] .percent`);
        if (el && !window.__seen.painted) {
          const view = document.getElementById('saved-view');
          window.__seen.painted = {
            at: performance.now(),
            text: el.textContent,
            visible: !view.hidden,
            inert: view.inert,
            test_ids: view.querySelectorAll('[data-testid]').length,
            app_loaded: !!document.querySelector('#app [data-testid]'),
          };
        }
        const live = document.querySelector(`[data-testid=task-row-${t}] .percent`);
        if (live && live.textContent === want && !window.__seen.live) {
          window.__seen.live = { at: performance.now(), painted_left: !!document.getElementById('saved-view') };
        }
      };
      new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
    },
    [task, percent],
  );
  await context.setOffline(true);
  await p.reload();
  await p.waitForFunction(() => window.__seen && window.__seen.live);
  emit('restart', await p.evaluate(() => window.__seen));

  await p.click('[data-testid=logout]');
  await p.waitForSelector('[data-testid=login-form]', { state: 'visible' });
  emit('logout', {
    kept: await p.evaluate(() => localStorage.getItem('tiendo.view')),
    painted: await p.evaluate(() => document.getElementById('saved-view').innerHTML.length),
  });
  await context.close();
});
