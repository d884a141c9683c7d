// A cut link in the middle of an evidence file's upload (tests/tests/browser_evidence_upload_resumes.rs
// runs this). A unit attaches a 6 MB PDF on a slow uplink; when the form shows it a third
// uploaded, the test kills the server and starts it again; the tablet resumes the upload by
// itself from the offset the server confirms. Every PATCH the page sent is reported (offset and
// length), so the test counts the bytes sent twice.
//
// Env: BASE, USER, PASSWORD, PDF, PROFILE.

import fs from 'node:fs';
import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

scenario(async () => {
  const base = env('BASE');
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'tablet');
  const patches = [];
  context.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/files/uploads/')) {
      patches.push({ offset: Number(r.headers()['upload-offset']), length: (r.postDataBuffer() || Buffer.alloc(0)).length });
    }
  });
  await login(p, base, env('USER'), env('PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  // A slow uplink (1 MB/s), so the upload is under way when the server goes.
  const cdp = await context.newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1_000_000,
  });

  await p.click('[data-testid^=task-row-]');
  await p.waitForSelector('[data-testid=task-detail]');
  await p.fill('[data-testid=evidence-number]', '30/BC-SKHCN');
  await p.fill('[data-testid=evidence-summary]', 'Báo cáo quý I (bản ký, 6 MB)');
  await p.click('[data-testid=evidence-add]');
  const attach = p.locator('input[data-testid^=evidence-attach-]').first();
  await attach.waitFor({ state: 'attached' });
  await attach.setInputFiles([{ name: 'bao-cao-quy-1.pdf', mimeType: 'application/pdf', buffer: fs.readFileSync(env('PDF')) }]);
  await p.waitForFunction(() => {
    const m = /đang tải lên (\d+)%/.exec(document.querySelector('[data-testid=evidence] li.file .state')?.textContent || '');
    return m && Number(m[1]) >= 30;
  }, null, { polling: 50, timeout: 60_000 });
  const before = patches.length;
  await handOver('cut', { patches: before });

  await p.waitForFunction(
    () => document.querySelector('[data-testid=evidence] li.file')?.dataset.state === 'stored',
    null,
    { timeout: 90_000 },
  );
  emit('stored', {
    sha256: await p.getAttribute('[data-testid=evidence] li.file', 'data-testid'),
    patches,
    before,
  });
  await context.close();
});
