// The PAR-index year on real screens (tests/tests/browser_par_index.rs runs this against the real
// `tiendo serve`): the office assigns four sub-criteria to two units; the first unit, offline on
// its tablet, scores two of them with evidence from its tasks and syncs when the link comes
// back; the second scores one with a new PDF and one with a giải trình; the office sees the four
// scored, the head approves and sends; the province comments on one, adjusts one with its reason
// and asks more evidence on one; the office adds it and the head sends again; the province, in
// round 2, enters the survey, records the council and the ranking shows the agency first.
//
// Env: BASE, OFFICE, OFFICE_PASSWORD, HEAD, HEAD_PASSWORD, APPRAISER, APPRAISER_PASSWORD,
// UNIT_A, UNIT_A_USER, UNIT_A_PASSWORD, UNIT_B, UNIT_B_USER, UNIT_B_PASSWORD, TASK_FILE (the
// sha256 of the file on the first unit's task), NEW_PDF, ADDED_PDF, PROFILE.

import { emit, env, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

const SYNCED = /Đã đồng bộ lúc/;
const row = (code) => `tr[data-code="${code}"]`;

/** Signs in someone with no task list of their own (office build roles) and opens the PAR tab. */
async function officeLogin(p, user, password) {
  await p.goto(env('BASE'));
  await p.fill('[data-testid=login-username]', user);
  await p.fill('[data-testid=login-password]', password);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('#par-tab', { timeout: 60_000 });
  await p.click('#par-tab');
}

async function reopen(p) {
  await p.reload();
  await p.waitForSelector('#par-tab', { timeout: 60_000 });
  await p.click('#par-tab');
}

async function waitState(p, want) {
  await p.waitForFunction((w) => document.querySelector('#par-state')?.dataset.state === w, want, { timeout: 20_000 });
}

async function text(p, selector) {
  return ((await p.textContent(selector)) || '').replace(/\s+/g, ' ').trim();
}

/** Clicks `button` and waits for the PUT to `path` it sends; fails unless the server took it. */
async function put(p, button, path) {
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.url().includes(path) && r.request().method() === 'PUT'),
    p.click(button),
  ]);
  if (response.status() !== 200) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
}

async function browser(name) {
  const context = await launch(`${env('PROFILE')}-${name}`);
  const p = await page(context, name);
  p.on('dialog', (d) => d.accept());
  await p.setViewportSize({ width: 1280, height: 900 });
  return { context, p };
}

/** A unit scores `code`: the score typed, committed by leaving the field. */
async function score(p, code, value) {
  await p.fill(`${row(code)} input.par-score`, value);
  await p.press(`${row(code)} input.par-score`, 'Tab');
}

scenario(async () => {
  // The office assigns: two sub-criteria to each unit.
  const office = await browser('office');
  const o = office.p;
  await officeLogin(o, env('OFFICE'), env('OFFICE_PASSWORD'));
  await o.waitForSelector('#par-office');
  for (const [code, unit] of [['1.1.1', 'UNIT_A'], ['1.3.1', 'UNIT_A'], ['1.1.2', 'UNIT_B'], ['1.2.1', 'UNIT_B']]) {
    await o.selectOption(`${row(code)} select.par-unit`, env(unit));
    await o.waitForFunction(([c, u]) => document.querySelector(`tr[data-code="${c}"] select.par-unit`)?.value === u, [code, env(unit)]);
  }
  await o.waitForFunction(() => !document.querySelector('#par-error')?.textContent, null, { timeout: 5_000 }).catch(() => {});
  emit('assigned', { progress: await text(o, '#par-progress') });

  // The first unit, its tablet offline: two sub-criteria with the file already on its task.
  const unitA = await browser('unit-a');
  const a = unitA.p;
  await login(a, env('BASE'), env('UNIT_A_USER'), env('UNIT_A_PASSWORD'));
  await serviceWorkerReady(a);
  await waitIndicator(a, SYNCED);
  await a.click('#par-tab');
  await a.waitForSelector(`${row('1.3.1')} input.par-score`, { timeout: 30_000 });
  await unitA.context.setOffline(true);
  await a.reload();
  await a.waitForSelector('#par-tab', { timeout: 60_000 });
  await a.click('#par-tab');
  await a.waitForSelector(`${row('1.1.1')} input.par-score`, { timeout: 30_000 });
  const offlineRows = await a.$$eval('#par-unit tr[data-code]', (rs) => rs.map((r) => r.dataset.code));
  await score(a, '1.1.1', '1');
  await a.selectOption(`${row('1.1.1')} select.par-evidence-pick`, env('TASK_FILE'));
  await a.waitForSelector(`${row('1.1.1')} .par-evidence li[data-sha256="${env('TASK_FILE')}"]`);
  await score(a, '1.3.1', '1');
  await a.selectOption(`${row('1.3.1')} select.par-evidence-pick`, env('TASK_FILE'));
  await a.waitForSelector(`${row('1.3.1')} .par-evidence li[data-sha256="${env('TASK_FILE')}"]`);
  const offline = { rows: offlineRows, progress: await text(a, '#par-progress'), indicator: await text(a, '[data-testid=sync-indicator]') };
  await unitA.context.setOffline(false);
  await waitIndicator(a, SYNCED);
  emit('unit-a', { offline });

  // The second unit: a new PDF on one, a giải trình on the other.
  const unitB = await browser('unit-b');
  const b = unitB.p;
  await login(b, env('BASE'), env('UNIT_B_USER'), env('UNIT_B_PASSWORD'));
  await waitIndicator(b, SYNCED);
  await b.click('#par-tab');
  await b.waitForSelector(`${row('1.1.2')} input.par-score`, { timeout: 30_000 });
  await score(b, '1.1.2', '2,5');
  await b.setInputFiles(`${row('1.1.2')} input.par-evidence-upload`, env('NEW_PDF'));
  await b.waitForFunction((r) => document.querySelector(`${r} .par-evidence li`)?.dataset.state === 'stored', row('1.1.2'), { timeout: 60_000 });
  await score(b, '1.2.1', '1');
  await b.fill(`${row('1.2.1')} textarea.par-explanation`, 'Gửi 3/4 báo cáo đúng hạn, báo cáo quý III gửi muộn 2 ngày');
  await b.press(`${row('1.2.1')} textarea.par-explanation`, 'Tab');
  await waitIndicator(b, SYNCED);
  emit('unit-b', { progress: await text(b, '#par-progress') });

  // The office consolidates: the four scored, with their evidence.
  let consolidated = '';
  for (let i = 0; i < 20; i++) {
    await reopen(o);
    await o.waitForSelector('#par-office');
    consolidated = await text(o, '#par-progress');
    if (/Đã chấm 4\b/.test(consolidated)) break;
    await o.waitForTimeout(1000);
  }
  const officeRows = {};
  for (const code of ['1.1.1', '1.3.1', '1.1.2', '1.2.1']) {
    officeRows[code] = {
      unit: await text(o, `${row(code)} .par-unit-score`),
      evidence: await o.locator(`${row(code)} ul.par-evidence li`).count(),
    };
  }
  emit('consolidated', { progress: consolidated, rows: officeRows });

  // The head approves and sends.
  const head = await browser('head');
  const h = head.p;
  await officeLogin(h, env('HEAD'), env('HEAD_PASSWORD'));
  await h.waitForSelector('#par-approve');
  await h.click('#par-approve');
  await waitState(h, 'approved');
  await h.click('#par-send');
  await waitState(h, 'sent');
  emit('sent', { steps: await h.$$eval('#par-steps li', (ls) => ls.map((l) => l.dataset.action)) });

  // The province: a comment, an adjusted score with its reason, a request for more evidence.
  const province = await browser('province');
  const t = province.p;
  await officeLogin(t, env('APPRAISER'), env('APPRAISER_PASSWORD'));
  await t.click('#par-criteria-sets tr[data-criteria] button.par-ranking-open');
  await t.waitForSelector('#par-ranking tr[data-agency]');
  await t.click('#par-ranking tr[data-agency] button.par-appraisal-open');
  await t.waitForSelector('#par-appraisal');
  await t.fill(`${row('1.1.1')} textarea.par-review-comment`, 'Kế hoạch ban hành đúng hạn');
  await put(t, `${row('1.1.1')} button.par-review-save`, '/review');
  await t.fill(`${row('1.1.2')} input.par-review-score`, '2');
  await t.fill(`${row('1.1.2')} input.par-review-reason`, 'Hai nhiệm vụ chưa có sản phẩm');
  await put(t, `${row('1.1.2')} button.par-review-save`, '/review');
  await t.fill(`${row('1.3.1')} textarea.par-review-comment`, 'Chưa có kế hoạch kiểm tra được ký');
  await t.fill(`${row('1.3.1')} input.par-review-what`, 'Kế hoạch kiểm tra CCHC đã ký');
  await t.fill(`${row('1.3.1')} input.par-review-by`, '15/01/2026');
  await put(t, `${row('1.3.1')} button.par-review-save`, '/review');
  emit('reviewed', { round: await text(t, '#par-round') });

  // The agency adds what was asked, and the head sends again.
  await reopen(o);
  await waitState(o, 'reopened');
  const reopened = await text(o, `${row('1.3.1')} .par-reopened`);
  await o.setInputFiles(`${row('1.3.1')} input.par-add-file`, env('ADDED_PDF'));
  await o.fill(`${row('1.3.1')} textarea.par-add-explanation`, 'Bổ sung Kế hoạch kiểm tra số 7/KH-SKHCN');
  await o.click(`${row('1.3.1')} button.par-add-save`);
  await o.waitForFunction((r) => document.querySelectorAll(`${r} ul.par-evidence li`).length === 2, row('1.3.1'), { timeout: 60_000 });
  await reopen(h);
  await h.waitForSelector('#par-approve');
  await h.click('#par-approve');
  await waitState(h, 'approved');
  await h.click('#par-send');
  await waitState(h, 'sent');
  emit('resent', { reopened });

  // Round 2: the survey, the council; the ranking shows.
  await reopen(t);
  await t.click('#par-criteria-sets tr[data-criteria] button.par-ranking-open');
  await t.click('#par-ranking tr[data-agency] button.par-appraisal-open');
  await t.waitForSelector('#par-appraisal');
  const round = await text(t, '#par-round');
  const survey = await t.$$eval('#par-appraisal tr.survey', (rs) => rs.map((r) => r.dataset.code));
  for (const code of survey) await t.fill(`${row(code)} input.par-survey-score`, '8');
  await put(t, '#par-survey-save', '/survey');
  await t.waitForFunction(() => /\d/.test(document.querySelector('#par-appraised')?.textContent || ''));
  await t.fill('#par-council-on', '20/01/2026');
  await t.fill('#par-council-members', '9');
  await t.fill('#par-council-present', '7');
  await t.fill('#par-council-votes', '6');
  await t.fill('#par-council-note', 'Hội đồng thống nhất kết quả');
  await put(t, '#par-council-save', '/council');
  await waitState(t, 'final');
  await t.click('#par-back');
  await t.waitForSelector('#par-ranking tr[data-agency]');
  const ranking = await t.$$eval('#par-ranking tr[data-agency]', (rs) =>
    rs.map((r) => ({ agency: r.dataset.agency, rank: r.querySelector('.par-rank')?.textContent.trim(), state: r.querySelector('.par-row-state')?.textContent.trim(), index: r.querySelector('.par-rank-index')?.textContent.trim() })),
  );
  emit('ranked', { round, survey, ranking });
  for (const b of [office, unitA, unitB, head, province]) await b.context.close();
});
