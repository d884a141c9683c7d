// A unit's work carried by hand (tests/tests/browser_bundles.rs runs this). The unit's tablet,
// offline ever since its sign-in, records Q1 progress with a photo and exports "Xuất gói dữ
// liệu": a file downloaded with no link. The central office uploads that file in its own browser:
// the server's report says what was applied, the dashboard shows the unit's work in progress,
// and the task view the unit's result, 40 % and the photo, whose bytes hash as the tablet's. Then the tablet's link comes back: it sends
// none of what the bundle carried again (every frame on its socket kept for the test to decode,
// and the bytes of its uploads counted).
//
// Env: BASE, USER, PASSWORD, UNIT (the user's unit), OFFICE_USER, OFFICE_PASSWORD, PROFILE, OUT
// (a directory).

import path from 'node:path';
import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

const RESULT = 'Đã rà soát 14 thủ tục hành chính quý 1 (gửi bằng gói dữ liệu)';

/** Counts what the page sends: bytes on WebSockets, and the bodies of its upload requests. */
function countSent() {
  window.__wsSent = 0;
  window.__wsFrames = [];
  window.__uploaded = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__wsSent += data.byteLength ?? data.size ?? data.length ?? 0;
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      window.__wsFrames.push(btoa(String.fromCharCode(...bytes)));
    }
    return send.call(this, data);
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const method = (init && init.method) || (input && input.method) || 'GET';
    if (method.toUpperCase() === 'PATCH' && init && init.body) {
      window.__uploaded += init.body.byteLength ?? init.body.size ?? init.body.length ?? 0;
    }
    return fetch0.apply(this, arguments);
  };
}

scenario(async () => {
  const base = env('BASE');
  const context = await launch(env('PROFILE'));
  await context.addInitScript(countSent);
  const p = await page(context, 'tablet');
  await login(p, base, env('USER'), env('PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  // Signing in registered the tablet's bundle key (the link was there for the sign-in).
  await p.waitForFunction(() => !!localStorage.getItem('tiendo.device-registered'));
  const task = await p.evaluate(() => {
    const row = document.querySelector('[data-testid^=task-row-] .part.lead').closest('[data-testid^=task-row-]');
    return row.dataset.testid.slice('task-row-'.length);
  });
  const photo = Buffer.from(await p.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 1600;
    c.height = 1200;
    const g = c.getContext('2d');
    for (let i = 0; i < 30; i++) {
      g.fillStyle = `hsl(${i * 11}, 60%, ${30 + (i % 4) * 12}%)`;
      g.fillRect((i * 53) % 1600, (i * 41) % 1200, 500, 400);
    }
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    return [...new Uint8Array(await blob.arrayBuffer())];
  }));

  // From here on the tablet has no link at all.
  await context.setOffline(true);
  await p.reload();
  await p.waitForSelector('[data-testid^=task-row-]');
  await waitIndicator(p, /Ngoại tuyến/);
  // Q1's report.
  await p.selectOption('[data-testid=task-period]', 'q1');
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
  await p.selectOption('[data-testid=field-status]', 'in_progress');
  await p.fill('[data-testid=field-percent]', '40');
  await p.press('[data-testid=field-percent]', 'Tab');
  await p.fill('[data-testid=field-result]', RESULT);
  await p.press('[data-testid=field-result]', 'Tab');
  await p.fill('[data-testid=evidence-summary]', 'Ảnh buổi rà soát');
  await p.click('[data-testid=evidence-add]');
  const item = p.locator('[data-testid=evidence] li[data-testid^=evidence-]').first();
  await item.waitFor();
  await item.locator('input[data-testid^=evidence-attach-]').setInputFiles([
    { name: 'ra-soat.jpg', mimeType: 'image/jpeg', buffer: photo },
  ]);
  await p.waitForSelector('[data-testid=evidence] li.file');
  const sha256 = await p.$eval('[data-testid=evidence] li.file', (r) => r.dataset.testid.slice('file-'.length));
  const pending = await waitIndicator(p, /chưa xác nhận/);

  // "Xuất gói dữ liệu", offline: a file downloads.
  await p.click('[data-testid=bundle-toggle]');
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=bundle-export]')]);
  const file = path.join(env('OUT'), download.suggestedFilename());
  await download.saveAs(file);
  const message = await p.textContent('[data-testid=bundle-message]');
  // "Xuất toàn bộ": everything the user may write, whole.
  const [all] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid=bundle-export-all]')]);
  const allFile = path.join(env('OUT'), all.suggestedFilename());
  await all.saveAs(allFile);
  const exported = { name: download.suggestedFilename(), file, message, pending, sha256, task, all: allFile };

  // The central office imports it in its browser.
  const officeContext = await launch(`${env('PROFILE')}-office`);
  const po = await page(officeContext, 'office');
  await login(po, base, env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  await po.click('[data-testid=bundle-toggle]');
  await po.setInputFiles('[data-testid=bundle-import]', file);
  await po.waitForSelector('[data-testid=bundle-report]');
  const report = await po.$$eval('[data-testid=bundle-report] li', (rows) => rows.map((r) => ({
    id: r.dataset.testid, outcome: r.dataset.outcome, text: r.textContent,
  })));
  const said = await po.textContent('[data-testid=bundle-message]');
  // The dashboard for Q1 (as of its end): the unit's bar shows work in progress.
  await po.click('[data-testid=tab-summary]');
  await po.waitForSelector('[data-testid=dashboard]');
  await po.selectOption('[data-testid=dashboard-period]', 'q1');
  await po.fill('[data-testid=dashboard-as-of]', '31/03/2025');
  await po.press('[data-testid=dashboard-as-of]', 'Tab');
  await po.waitForFunction(
    (id) => {
      const svg = document.querySelector(`svg[data-testid=bar-unit-${id}]`);
      return svg && [...svg.querySelectorAll('rect.seg')].some((r) => r.dataset.class === 'progress');
    },
    env('UNIT'),
  );
  // The office's view of the task: the unit's result and the photo, the photo's bytes.
  await po.click('[data-testid=tab-plan]');
  await po.click(`[data-testid=plan-task-${task}]`);
  await po.waitForSelector('[data-testid=task-view]');
  await po.selectOption('[data-testid=task-view-period]', 'q1');
  await po.waitForFunction((text) => document.querySelector('[data-testid=task-view]').textContent.includes(text), RESULT);
  const state = await po.textContent('[data-testid=task-view] [data-testid=task-state]');
  await po.waitForSelector(`[data-testid=evidence-file-${sha256}]`);
  const served = await po.evaluate(async (sha) => {
    const href = document.querySelector(`[data-testid=evidence-file-${sha}]`).getAttribute('href');
    const bytes = await (await fetch(href)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return { href, size: bytes.byteLength, sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, sha256);
  // Importing the same file again: nothing new.
  await po.click('[data-testid=tab-summary]').catch(() => {});
  if (!(await po.locator('[data-testid=bundle-import]').count())) await po.click('[data-testid=bundle-toggle]');
  await po.setInputFiles('[data-testid=bundle-import]', file);
  await po.waitForFunction(() => /0 mới được ghi/.test(document.querySelector('[data-testid=bundle-message]')?.textContent || ''));
  const again = await po.textContent('[data-testid=bundle-message]');
  await officeContext.close();
  emit('imported', { ...exported, photo_bytes: photo.length, report, said, state, served, again });

  // The tablet's link comes back: what the bundle carried is not sent again.
  await p.evaluate(() => { window.__wsSent = 0; window.__wsFrames = []; window.__uploaded = 0; });
  await context.setOffline(false);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  await p.waitForFunction(() => document.querySelector('[data-testid=evidence] li.file')?.dataset.state === 'stored', null, { timeout: 60_000 });
  await p.waitForTimeout(1000);
  const reconnect = await p.evaluate(() => ({ ws_sent: window.__wsSent, frames: window.__wsFrames, uploaded: window.__uploaded }));
  await handOver('reconnected', { reconnect, indicator: await waitIndicator(p, /Đã đồng bộ lúc/) });
  await context.close();
});
