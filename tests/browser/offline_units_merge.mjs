// The product's promise, lived the way users live it (tests/tests/browser_offline_units_merge.rs
// runs this against the real `tiendo serve` process and stops it for real): two units load the
// app, the server goes down, each reloads the app offline and records its Q1 progress (status,
// percent, result, an evidence item), reloads again and still has it; the server comes back and
// both sync by themselves to zero pending edits; the central office's dashboard shows both and
// its Q1 report files contain both results. Then two tablets of one unit change the same field
// while the server is down, both see the conflict with both values after reconnecting, and the
// value kept on one shows everywhere. Chromium's installability check finds nothing wrong.
//
// Env: BASE, A_USER, A_PASSWORD (lead unit of 1.a, the central office's own unit), A2_USER,
// A2_PASSWORD (a second tablet of that unit), B_USER, B_PASSWORD (lead unit of 8.a), C_USER,
// C_PASSWORD (the central office), A_UNIT, B_UNIT, PROFILE_DIR.

import { emit, env, handOver, indicator, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

const SYNCED = /^Đã đồng bộ lúc \d\d:\d\d$/;
const REPORTS = {
  A: {
    task: 't1-a',
    status: 'in_progress',
    percent: '50',
    result: 'Đã ban hành Kế hoạch tuyên truyền CCHC năm 2025 (Kế hoạch số 12/KH-SKHCN)',
    evidence: ['12/KH-SKHCN', '15/02/2025', 'Kế hoạch tuyên truyền cải cách hành chính năm 2025'],
  },
  B: {
    task: 't8-a',
    status: 'in_progress',
    percent: '30',
    result: 'Đã xây dựng chương trình khóa đào tạo ISO 9001:2015 cho các CQHCNN',
    evidence: ['25/TB-TĐC', '20/03/2025', 'Thông báo mở lớp đào tạo ISO 9001:2015'],
  },
};

async function openTask(p, task) {
  if (await p.locator('[data-testid=task-detail]').count()) await p.click('[data-testid=back]');
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
}

async function setField(p, selector, value) {
  await p.fill(selector, value);
  await p.press(selector, 'Tab');
}

/** What the task form shows. */
async function form(p) {
  return {
    period: await p.textContent('[data-testid=task-detail] h3'),
    status: await p.inputValue('[data-testid=field-status]'),
    percent: await p.inputValue('[data-testid=field-percent]'),
    result: await p.inputValue('[data-testid=field-result]'),
    evidence: await p.locator('[data-testid=evidence] li[data-testid^=evidence-] span').allTextContents(),
  };
}

async function record(p, r) {
  await openTask(p, r.task);
  await p.selectOption('[data-testid=field-status]', r.status);
  await setField(p, '[data-testid=field-percent]', r.percent);
  await setField(p, '[data-testid=field-result]', r.result);
  await p.fill('[data-testid=evidence-number]', r.evidence[0]);
  await p.fill('[data-testid=evidence-date]', r.evidence[1]);
  await p.fill('[data-testid=evidence-summary]', r.evidence[2]);
  await p.click('[data-testid=evidence-add]');
  await p.waitForSelector('[data-testid=evidence] li[data-testid^=evidence-]');
}

/** Reloads with the server down: the shell from the service worker, the data from IndexedDB. */
async function reloadOffline(p) {
  await p.reload();
  await p.waitForSelector('[data-testid^=task-row-]');
  return waitIndicator(p, /Ngoại tuyến/);
}

async function conflict(p) {
  const box = p.locator('[data-testid=conflict-percent]');
  await box.waitFor();
  return { values: await box.locator('li .value').allTextContents(), by: await box.locator('li .by').allTextContents() };
}

scenario(async () => {
  const base = env('BASE');
  const dir = env('PROFILE_DIR');

  // 2. Both units (and a second tablet of A's unit) load the app once online.
  const a = await launch(`${dir}/a`);
  const b = await launch(`${dir}/b`);
  const a2 = await launch(`${dir}/a2`);
  const pa = await page(a, 'A');
  const pb = await page(b, 'B');
  const pa2 = await page(a2, 'A2');
  for (const [p, who] of [[pa, 'A'], [pb, 'B'], [pa2, 'A2']]) {
    await login(p, base, env(`${who}_USER`), env(`${who}_PASSWORD`));
    await serviceWorkerReady(p);
    await p.selectOption('[data-testid=task-period]', 'q1');
    await waitIndicator(p, SYNCED);
  }
  // 7. Installability, as Chromium's own check reports it.
  const cdp = await a.newCDPSession(pa);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  const manifest = await cdp.send('Page.getAppManifest');
  emit('installability', {
    errors: installabilityErrors.map((e) => e.errorId),
    manifestErrors: manifest.errors.map((e) => e.message),
    controlled: await pa.evaluate(() => !!navigator.serviceWorker.controller),
  });
  await handOver('loaded-online');

  // 3. The server is down. Each unit reloads the app, records its Q1 progress, reloads again.
  const offline = {};
  for (const [p, who] of [[pa, 'A'], [pb, 'B']]) {
    const first = await reloadOffline(p);
    const rows = await p.locator('[data-testid^=task-row-]').count();
    const period = await p.inputValue('[data-testid=task-period]');
    await record(p, REPORTS[who]);
    const pending = await waitIndicator(p, /\d+ thay đổi chưa xác nhận/);
    const second = await reloadOffline(p);
    await openTask(p, REPORTS[who].task);
    offline[who] = { first, rows, period, pending, second, form: await form(p) };
  }
  emit('offline-edits', offline);
  await handOver('edited-offline');

  // 4. The server is back: both sync with no user action, to zero pending edits.
  emit('resynced', { A: await waitIndicator(pa, SYNCED), B: await waitIndicator(pb, SYNCED) });

  // 5. The central office sees both on its dashboard, in the task views and in the Q1 reports.
  const c = await launch(`${dir}/c`);
  const pc = await page(c, 'C');
  await login(pc, base, env('C_USER'), env('C_PASSWORD'));
  await pc.click('[data-testid=tab-summary]');
  await pc.waitForSelector('[data-testid=dashboard]');
  await pc.selectOption('[data-testid=dashboard-period]', 'q1');
  await setField(pc, '[data-testid=dashboard-as-of]', '31/03/2025');
  for (const unit of [env('A_UNIT'), env('B_UNIT')]) {
    await pc.waitForFunction(
      (id) => [...document.querySelectorAll(`svg[data-testid=bar-unit-${id}] rect.seg`)].some((r) => r.dataset.class !== 'idle'),
      unit,
    );
  }
  const headline = await pc.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid^=headline-]')].map((el) => [
        el.dataset.testid.slice('headline-'.length),
        el.querySelector('.value').textContent.trim(),
      ]),
    ),
  );
  const files = {};
  for (const kind of ['docx', 'xlsx']) {
    const [download] = await Promise.all([pc.waitForEvent('download'), pc.click(`[data-testid=download-${kind}]`)]);
    files[kind] = `${dir}/q1.${kind}`;
    await download.saveAs(files[kind]);
  }
  const reports = {};
  await pc.click('[data-testid=tab-plan]');
  for (const [who, unit] of [['A', env('A_UNIT')], ['B', env('B_UNIT')]]) {
    await pc.click(`[data-testid=plan-task-${REPORTS[who].task}]`);
    await pc.selectOption('[data-testid=task-view-period]', 'q1');
    await pc.waitForSelector(`[data-testid=unit-report-${unit}]`);
    reports[who] = await pc.textContent(`[data-testid=unit-report-${unit}]`);
    await pc.click('[data-testid=back]');
  }
  emit('office', { headline, files, reports });
  await handOver('office-seen');

  // 6. Two tablets of unit A: both on 1.a and in step, then the server goes down.
  await openTask(pa2, 't1-a');
  await pa2.waitForFunction(() => document.querySelector('[data-testid=field-percent]').value === '50');
  await pc.click('[data-testid=plan-task-t1-a]');
  await pc.selectOption('[data-testid=task-view-period]', 'q1');
  await handOver('tablets-ready');
  await waitIndicator(pa, /Ngoại tuyến/);
  await waitIndicator(pa2, /Ngoại tuyến/);
  await setField(pa, '[data-testid=field-percent]', '70');
  await setField(pa2, '[data-testid=field-percent]', '80');
  await handOver('tablets-edited');
  const seenA = await conflict(pa);
  const seenA2 = await conflict(pa2);
  await pa.click(`[data-testid=conflict-pick-percent-${seenA.values.indexOf('80')}]`);
  await pa.locator('[data-testid=conflict-percent]').waitFor({ state: 'detached' });
  await pa2.locator('[data-testid=conflict-percent]').waitFor({ state: 'detached' });
  await pa2.waitForFunction(() => document.querySelector('[data-testid=field-percent]').value === '80');
  await pc.waitForFunction(
    (id) => /80%/.test(document.querySelector(`[data-testid=unit-report-${id}]`)?.textContent || ''),
    env('A_UNIT'),
  );
  emit('conflict', {
    A: seenA,
    A2: seenA2,
    after: {
      A: await pa.inputValue('[data-testid=field-percent]'),
      A2: await pa2.inputValue('[data-testid=field-percent]'),
      C: await pc.textContent(`[data-testid=unit-report-${env('A_UNIT')}]`),
    },
    indicators: { A: await waitIndicator(pa, SYNCED), A2: await waitIndicator(pa2, SYNCED), C: await indicator(pc) },
  });
  for (const ctx of [a, a2, b, c]) await ctx.close();
});
