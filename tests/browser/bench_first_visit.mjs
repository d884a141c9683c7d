// A unit's first visit on a weak link, measured for `bench bundle` (tests/src/bin/bench/bundle.rs):
// a new Chromium profile (empty cache, no service worker) with Chromium DevTools' "Fast 3G"
// preset (562.5 ms latency, 180,000 B/s down, 84,375 B/s up), timed from the navigation: until
// the sign-in form is usable, and on through sign-in until the unit's task list shows; beside
// them, until the shell's HTML is parsed (DOMContentLoaded, the floor of any page on that link),
// and the bytes the page transferred. RUNS runs, each in a new profile.
//
// Env: BASE, USER, PASSWORD, RUNS, PROFILE_DIR (each run gets a new profile under it).

import fs from 'node:fs';
import path from 'node:path';
import { emit, env, launch, page, scenario } from './harness.mjs';

const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375 };

scenario(async () => {
  const base = env('BASE');
  const runs = Number(env('RUNS'));
  for (let run = 0; run < runs; run++) {
    const profile = path.join(env('PROFILE_DIR'), `first-visit-${run}`);
    fs.rmSync(profile, { recursive: true, force: true });
    const context = await launch(profile);
    const p = await page(context, `first-visit-${run}`);
    const cdp = await context.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const started = Date.now();
    await p.goto(base, { waitUntil: 'commit' });
    await p.waitForSelector('[data-testid=login-submit]:not([disabled])', { timeout: 120_000 });
    const form = Date.now() - started;
    const domContentLoaded = await p.evaluate(
      () => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    );
    const bytesToForm = bytes;
    await p.fill('[data-testid=login-username]', env('USER'));
    await p.fill('[data-testid=login-password]', env('PASSWORD'));
    await p.click('[data-testid=login-submit]');
    await p.waitForSelector('[data-testid^=task-row-]', { timeout: 120_000 });
    const tasks = Date.now() - started;
    // Where the time went, from navigation start: the app's marks, and when the wasm and the
    // documents (`/api/bootstrap`) had arrived.
    const stages = await p.evaluate(() => {
      const out = {};
      for (const m of performance.getEntriesByType('mark')) {
        if (m.name.startsWith('tiendo:')) out[m.name.slice('tiendo:'.length)] = m.startTime;
      }
      for (const r of performance.getEntriesByType('resource')) {
        if (r.name.endsWith('_bg.wasm')) out.wasm_arrived = r.responseEnd;
        if (r.name.includes('/api/bootstrap')) out.bootstrap_arrived = r.responseEnd;
        if (r.name.includes('/api/me')) out.me_arrived = r.responseEnd;
      }
      out.task_list = performance.now();
      return out;
    });
    emit('visit', { run, form_ms: form, tasks_ms: tasks, dom_content_loaded: domContentLoaded, bytes_to_form: bytesToForm, bytes_to_tasks: bytes, ...stages });
    await context.close();
  }
});
