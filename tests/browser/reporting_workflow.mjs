// The reporting workflow as agencies live it (tests/tests/browser_reporting_workflow.rs runs
// this against the real `tiendo serve`): a unit editor, offline, records a result and sends the
// Q1 report; the unit's head approves it on another tablet once both have synced; the central
// office returns it with a note; the editor sees the note, corrects the result and sends again;
// the head approves; the office accepts. The dashboard's table shows each step, the first
// sending time and on time or late; the reminder stands until the report is sent. After
// acceptance the editor edits again: the office's task view shows the sent value beside the
// draft (the test checks the DOCX made from the accepted report keeps the accepted text).
//
// Env: BASE, EDITOR, EDITOR_PASSWORD, HEAD, HEAD_PASSWORD, OFFICE, OFFICE_PASSWORD, UNIT,
// NOTE, R1, R2, R3, PROFILE.

import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, setResult as writeResult, waitIndicator } from './harness.mjs';

const SYNCED = /Đã đồng bộ lúc/;

async function phase(p) {
  return p.getAttribute('[data-testid=report-phase]', 'data-phase');
}

async function waitPhase(p, want) {
  await p.waitForFunction((w) => document.querySelector('[data-testid=report-phase]')?.dataset.phase === w, want, { timeout: 60_000 });
}

async function waitRow(p, unit, want) {
  await p.waitForFunction(
    ([u, w]) => document.querySelector(`[data-testid=workflow-phase-${u}]`)?.dataset.phase === w,
    [unit, want],
    { timeout: 60_000 },
  );
}

async function setResult(p, task, text) {
  await writeResult(p, task, text);
  await p.waitForSelector('[data-testid=period-report]');
}

async function unitTablet(name, user, password) {
  const context = await launch(`${env('PROFILE')}-${name}`);
  // The user allowed notifications (the reminder then also comes as a system notification).
  await context.grantPermissions(['notifications'], { origin: new URL(env('BASE')).origin });
  const p = await page(context, name);
  p.on('dialog', (d) => d.accept());
  await login(p, env('BASE'), user, password);
  await serviceWorkerReady(p);
  await p.selectOption('[data-testid=task-period]', 'q1');
  await p.waitForSelector('[data-testid=period-report]');
  return { context, p };
}

scenario(async () => {
  const unit = env('UNIT');
  const editor = await unitTablet('editor', env('EDITOR'), env('EDITOR_PASSWORD'));
  const e = editor.p;
  await waitIndicator(e, SYNCED);
  const task = await e.evaluate(() => {
    const row = document.querySelector('[data-testid^=task-row-] .part.lead').closest('[data-testid^=task-row-]');
    return row.dataset.testid.slice('task-row-'.length);
  });
  // The overdue reminder as a notification through the service worker, shown once today.
  const notified = await e.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    for (let i = 0; i < 100; i++) {
      const shown = await reg.getNotifications();
      if (shown.length) return shown.map((n) => ({ title: n.title, body: n.body }));
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  });
  const before = {
    notified,
    phase: await phase(e),
    reminder: await e.textContent('[data-testid=report-reminder]'),
    actions: await e.locator('[data-testid=period-report] .actions button').allTextContents(),
  };

  // Offline: the result, then the report sent.
  // (An open socket outlives Chromium's offline switch: the app is reloaded offline, as a
  // tablet starts in a dead zone.)
  await editor.context.setOffline(true);
  await e.reload();
  await e.waitForSelector('[data-testid^=task-row-]');
  await waitIndicator(e, /Ngoại tuyến/);
  await e.selectOption('[data-testid=task-period]', 'q1');
  await e.waitForSelector('[data-testid=period-report]');
  await setResult(e, task, env('R1'));
  await e.click('[data-testid=report-submit]');
  await waitPhase(e, 'submitted');
  const offline = {
    phase: await phase(e),
    indicator: await waitIndicator(e, /chưa xác nhận/),
    reminder: await e.locator('[data-testid=report-reminder]').count(),
  };
  await editor.context.setOffline(false);
  await waitIndicator(e, SYNCED);
  emit('sent', { task, before, offline });

  // The head, on another tablet, approves.
  const head = await unitTablet('head', env('HEAD'), env('HEAD_PASSWORD'));
  const h = head.p;
  await waitPhase(h, 'submitted');
  const headActions = await h.locator('[data-testid=period-report] .actions button').allTextContents();
  await h.click('[data-testid=report-approve]');
  await waitPhase(h, 'approved');
  await waitIndicator(h, SYNCED);
  await waitPhase(e, 'approved');
  emit('approved', { headActions, editor: await phase(e) });

  // The office returns it with a note.
  const officeContext = await launch(`${env('PROFILE')}-office`);
  const o = await page(officeContext, 'office');
  o.on('dialog', (d) => d.accept());
  await login(o, env('BASE'), env('OFFICE'), env('OFFICE_PASSWORD'));
  await o.click('[data-testid=tab-summary]');
  await o.selectOption('[data-testid=dashboard-period]', 'q1');
  await waitRow(o, unit, 'approved');
  const approvedRow = await o.textContent(`[data-testid=workflow-row-${unit}]`);
  await o.fill(`[data-testid=workflow-note-${unit}]`, env('NOTE'));
  await o.click(`[data-testid=workflow-return-${unit}]`);
  await waitRow(o, unit, 'returned');
  await waitIndicator(o, SYNCED);

  // The editor sees the note, corrects and sends again; the head approves again.
  await waitPhase(e, 'returned');
  const note = await e.textContent('[data-testid=report-return-note]');
  await setResult(e, task, env('R2'));
  await e.click('[data-testid=report-submit]');
  await waitPhase(e, 'submitted');
  await waitIndicator(e, SYNCED);
  await waitPhase(h, 'submitted');
  await h.click('[data-testid=report-approve]');
  await waitIndicator(h, SYNCED);

  // The office accepts.
  await waitRow(o, unit, 'approved');
  await o.click(`[data-testid=workflow-accept-${unit}]`);
  await waitRow(o, unit, 'accepted');
  await waitIndicator(o, SYNCED);
  await waitPhase(e, 'accepted');
  const row = {
    text: await o.textContent(`[data-testid=workflow-row-${unit}]`),
    onTime: await o.textContent(`[data-testid=workflow-ontime-${unit}]`),
    summary: await o.textContent('[data-testid=workflow-on-time]'),
    calendar: await o.textContent('[data-testid=calendar-sent-q1]'),
    score: await o.textContent('[data-testid=score-reporting]'),
  };
  await handOver('accepted', { approvedRow, note, row, editor: await phase(e) });

  // A later edit: the office's task view shows what was sent beside it.
  await setResult(e, task, env('R3'));
  await waitIndicator(e, SYNCED);
  await o.click('[data-testid=tab-plan]');
  await o.click(`[data-testid=plan-task-${task}]`);
  await o.selectOption('[data-testid=task-view-period]', 'q1');
  await o.waitForSelector(`[data-testid=unit-submitted-${unit}]`, { timeout: 60_000 });
  const view = {
    live: await o.textContent(`[data-testid=unit-report-${unit}]`),
    sent: await o.textContent(`[data-testid=unit-submitted-${unit}]`),
    history: await o.locator('[data-testid=timeline-event]').allTextContents(),
  };
  emit('later', { view, editor: await phase(e) });
  for (const c of [editor.context, head.context, officeContext]) await c.close();
});
