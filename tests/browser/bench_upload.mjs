// An evidence upload on a weak link, measured for `bench files` (tests/src/bin/bench/files.rs):
// on Chromium DevTools' "Fast 3G" preset (84,375 B/s up, 562.5 ms latency), a unit attaches a
// PDF of SIZE bytes and the tablet uploads it by itself (tus, 256 KiB pieces), timed from the
// attach to "đã lưu trên máy chủ"; beside it the floor, the same bytes in one request (a tus
// creation and a single PATCH of the whole file, sent from the page); then another PDF whose
// upload is cut when half is through (the bench kills the server and starts it again), with
// every PATCH's length, so the bench counts the bytes sent twice.
//
// Env: BASE, USER, PASSWORD, PDF, PDF2, DOC, PROFILE.

import fs from 'node:fs';
import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375 };

/** Adds an evidence item and attaches `file` to it: the index of its file row. */
async function attach(p, file, name) {
  const inputs = p.locator('input[data-testid^=evidence-attach-]');
  const before = await inputs.count();
  await p.fill('[data-testid=evidence-number]', name);
  await p.click('[data-testid=evidence-add]');
  await p.waitForFunction(
    (n) => document.querySelectorAll('input[data-testid^=evidence-attach-]').length === n,
    before + 1,
  );
  await inputs.nth(before).setInputFiles([{ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: fs.readFileSync(file) }]);
  return before;
}

async function stored(p, i) {
  await p.waitForFunction(
    (k) => document.querySelectorAll('[data-testid=evidence] li.file')[k]?.dataset.state === 'stored',
    i,
    { timeout: 600_000, polling: 100 },
  );
}

scenario(async () => {
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'tablet');
  let patches = [];
  context.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/files/uploads/')) {
      patches.push((r.postDataBuffer() || Buffer.alloc(0)).length);
    }
  });
  await login(p, env('BASE'), env('USER'), env('PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  const cdp = await context.newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  await p.click('[data-testid^=task-row-]');
  await p.waitForSelector('[data-testid=task-detail]');

  // The floor: as many bytes in one request, from the page.
  const bytes = fs.readFileSync(env('PDF'));
  const floor = await p.evaluate(async ([size, doc]) => {
    // Other bytes of the same size (the same bytes would be stored already).
    const body = new Uint8Array(size);
    body.set(new TextEncoder().encode('%PDF-1.7\n'));
    for (let i = 9, x = 7; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; body[i] = x >>> 24; }
    const digest = await crypto.subtle.digest('SHA-256', body);
    const sha = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const b64 = (s) => btoa(unescape(encodeURIComponent(s)));
    const t0 = performance.now();
    const created = await fetch('/api/files/uploads', {
      method: 'POST',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(body.length),
        'Upload-Metadata': `sha256 ${b64(sha)},name ${b64('floor.pdf')},type ${b64('application/pdf')},doc ${b64(doc)}`,
      },
    });
    const sent = await fetch(created.headers.get('location'), {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body,
    });
    return { ms: performance.now() - t0, status: sent.status };
  }, [fs.statSync(env('PDF')).size, env('DOC')]);

  emit('floor', floor);

  // The app's own upload of a file the same size.
  patches = [];
  let t0 = Date.now();
  const first = await attach(p, env('PDF'), 'BC-1');
  await stored(p, first);
  const app = { ms: Date.now() - t0, patches: patches.length, sent: patches.reduce((a, b) => a + b, 0) };
  emit('app', app);

  // Cut at half.
  patches = [];
  t0 = Date.now();
  const second = await attach(p, env('PDF2'), 'BC-2');
  await p.waitForFunction((k) => {
    const s = document.querySelectorAll('[data-testid=evidence] li.file')[k]?.querySelector('.state')?.textContent || '';
    const m = /đang tải lên (\d+)%/.exec(s);
    return m && Number(m[1]) >= 50;
  }, second, { timeout: 600_000, polling: 100 });
  // The bench kills the server here and starts it again (a real cut: the piece in flight dies).
  await handOver('half', { patches: patches.length });
  await stored(p, second);
  const cut = { ms: Date.now() - t0, sent: patches.reduce((a, b) => a + b, 0) };
  emit('upload', { size: bytes.length, floor, app, cut });
  await context.close();
});
