// The central office's dashboard and plan maintenance, in two browsers against a real server
// (tests/tests/browser_dashboard.rs runs this and checks the figures against the server):
// a unit reports on its task; the office's dashboard shows the merged status for a chosen period
// and date, with SVG bars and watch lists; a list opens the task with every unit's report and
// the task's history (who changed what); the office amends the task's timeline (the unit sees it
// after sync), adds a task and retires it (the counts follow), imports another plan from a .docx
// (seeing its tasks as a table and what the importer could not place, correcting a task before
// saving) and downloads the period report
// (the reporting calendar then shows it as made). The unit has no plan-editing controls.
//
// Env: BASE, OFFICE_USER, OFFICE_PASSWORD, UNIT_USER, UNIT_PASSWORD, UNIT_ID, IMPORT_FILE,
// PROFILE, PROFILE_B.

import { stat } from 'node:fs/promises';
import { emit, env, launch, login, page, scenario, waitIndicator } from './harness.mjs';

const RESULT = 'Đã xây dựng kế hoạch tổ chức khóa đào tạo ISO 9001:2015';
const NEW_TIMELINE = 'Chậm nhất là ngày 20/06/2025';

async function text(p, selector) {
  return (await p.textContent(selector)).trim();
}

/** Every headline card's value, by its id. */
async function headline(p) {
  return p.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid^=headline-]')].map((c) => [
        c.dataset.testid.slice('headline-'.length),
        c.querySelector('.value').textContent.trim(),
      ]),
    ),
  );
}

/** The task ids of a watch list. */
async function listed(p, list) {
  return p.evaluate(
    (list) =>
      [...document.querySelectorAll(`[data-testid=${list}] button.link`)].map((b) =>
        b.dataset.testid.slice(list.length + 1),
      ),
    list,
  );
}

/** The segments of one SVG bar: class → count. */
async function bar(p, id) {
  return p.evaluate((id) => {
    const svg = document.querySelector(`svg[data-testid=${id}]`);
    if (!svg) return null;
    return Object.fromEntries(
      [...svg.querySelectorAll('rect.seg')].map((r) => [r.dataset.class, Number(r.dataset.count)]),
    );
  }, id);
}

async function setField(p, selector, value) {
  await p.fill(selector, value);
  await p.press(selector, 'Tab');
}

async function dashboard(p) {
  await p.click('[data-testid=tab-summary]');
  await p.waitForSelector('[data-testid=dashboard]');
}

scenario(async () => {
  const base = env('BASE');
  const unitId = env('UNIT_ID');

  // The unit reports on 8.a and has no way to amend the plan.
  const unit = await launch(env('PROFILE_B'));
  const pu = await page(unit, 'unit');
  await login(pu, base, env('UNIT_USER'), env('UNIT_PASSWORD'));
  await pu.selectOption('[data-testid=task-period]', 'h1');
  await pu.click('[data-testid=task-row-t8-a]');
  await pu.waitForFunction(() => /Báo cáo 6 tháng/.test(document.querySelector('[data-testid=task-detail] h3')?.textContent));
  await pu.waitForSelector('[data-testid=task-detail]');
  await pu.selectOption('[data-testid=field-status]', 'in_progress');
  await setField(pu, '[data-testid=field-percent]', '40');
  await setField(pu, '[data-testid=field-result]', RESULT);
  await waitIndicator(pu, /^Đã đồng bộ lúc \d\d:\d\d$/);
  await pu.click('[data-testid=back]');
  await pu.click('[data-testid=tab-plan]');
  await pu.waitForSelector('[data-testid=plan-overview]');
  await pu.click('[data-testid=plan-task-t8-a]');
  await pu.waitForSelector('[data-testid=task-view]');
  emit('unit-plan', {
    addButtons: await pu.locator('[data-testid^=add-task-]').count(),
    importers: await pu.locator('[data-testid=plan-import]').count(),
    editToggles: await pu.locator('[data-testid=task-edit-toggle]').count(),
    timeline: await pu.locator('[data-testid=timeline]').count(),
    lead: await pu.textContent('[data-testid=task-lead]'),
  });
  await pu.click('[data-testid=back]');
  await pu.click('[data-testid=tab-tasks]');

  // The office's dashboard for 6 tháng as of 10/06/2025: 8.a (due 30/06) is due within 30 days.
  const office = await launch(env('PROFILE'));
  const po = await page(office, 'office');
  await login(po, base, env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  await dashboard(po);
  await po.selectOption('[data-testid=dashboard-period]', 'h1');
  await setField(po, '[data-testid=dashboard-as-of]', '10/06/2025');
  await po.waitForSelector('[data-testid=list-due-soon-t8-a]', { state: 'attached' });
  // A long list shows its first rows; "Xem thêm" shows the rest.
  if (await po.locator('[data-testid=list-due-soon-more]').count()) await po.click('[data-testid=list-due-soon-more]');
  await po.waitForSelector('[data-testid=list-due-soon-t8-a]');
  // The unit's report has reached the office's device.
  await po.waitForFunction(
    (id) => {
      const svg = document.querySelector(`svg[data-testid=bar-unit-${id}]`);
      return svg && [...svg.querySelectorAll('rect.seg')].some((r) => r.dataset.class === 'progress');
    },
    unitId,
  );
  emit('dashboard', {
    headline: await headline(po),
    score: await text(po, '[data-testid=score-points]'),
    areaBars: await po.locator('[data-testid=chart-areas] svg.bar').count(),
    area8: await bar(po, 'bar-area-8'),
    unitBar: await bar(po, `bar-unit-${unitId}`),
    overdue: await listed(po, 'list-overdue'),
    dueSoon: await listed(po, 'list-due-soon'),
    notReported: await listed(po, 'list-not-reported'),
    calendar: await po.locator('[data-testid^=calendar-] td:first-child').allTextContents(),
  });

  // A list item opens the task: the unit's report and who changed what.
  const scrolledTo = await po.evaluate(() => {
    document.querySelector('[data-testid=list-due-soon-t8-a]').scrollIntoView({ block: 'center' });
    return window.scrollY;
  });
  await po.click('[data-testid=list-due-soon-t8-a]');
  await po.waitForSelector('[data-testid=task-view]');
  await po.waitForSelector(`[data-testid=unit-report-${unitId}]`);
  // The server's record confirms the unit's change (its user delivered it, just now): nothing
  // is marked on it once the record has arrived.
  await po.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=timeline-event]')].some(
      (e) => e.textContent.includes('Tỷ lệ: 40%') && !e.querySelector('[data-testid=timeline-claim]'),
    ),
  );
  emit('task-view', {
    title: await text(po, '[data-testid=task-view] h2'),
    report: await text(po, `[data-testid=unit-report-${unitId}]`),
    authors: await po.locator('[data-testid=timeline-author]').allTextContents(),
    events: await po.locator('[data-testid=timeline-event]').allTextContents(),
  });

  // The office amends the timeline; it is re-read into a milestone and the history records it.
  await po.click('[data-testid=task-edit-toggle]');
  await po.fill('[data-testid=edit-timeline]', NEW_TIMELINE);
  await po.click('[data-testid=edit-save]');
  await po.waitForSelector('[data-testid=task-editor]', { state: 'detached' });
  await po.waitForFunction(
    (t) => document.querySelector('[data-testid=task-timeline-text]').textContent.includes(t),
    NEW_TIMELINE,
  );
  await waitIndicator(po, /^Đã đồng bộ lúc \d\d:\d\d$/);
  // The unit sees the amended task after sync.
  await pu.click('[data-testid=task-row-t8-a]');
  await pu.waitForFunction(
    (t) => document.querySelector('[data-testid=task-detail]')?.textContent.includes(t),
    NEW_TIMELINE,
  );
  emit('edited', {
    office: await text(po, '[data-testid=task-timeline-text]'),
    events: await po.locator('[data-testid=timeline-event]').allTextContents(),
    unit: await text(pu, '[data-testid=task-detail] dl'),
  });

  // A refused draft says why and changes nothing.
  await po.click('[data-testid=task-edit-toggle]');
  await po.fill('[data-testid=edit-title]', '   ');
  await po.click('[data-testid=edit-save]');
  const refused = await text(po, '[data-testid=edit-message]');
  await po.click('[data-testid=task-edit-toggle]');
  await po.click('[data-testid=back]');
  // "Quay lại" comes back to where the dashboard was, the long list still shown whole.
  await po.waitForSelector('[data-testid=list-due-soon-t8-a]');
  await po.waitForTimeout(100);
  emit('back', { scrolledTo, back: await po.evaluate(() => window.scrollY) });

  // Add a task to area 9, then retire it: the plan's task count follows.
  await dashboard(po);
  const before = (await headline(po)).total;
  await po.click('[data-testid=tab-plan]');
  const rowsBefore = await po.locator('[data-testid=plan-area-9] [data-testid^=plan-task-]').allTextContents();
  await po.click('[data-testid=add-task-9]');
  await po.fill('[data-testid=edit-title]', 'Khảo sát mức độ hài lòng của doanh nghiệp đối với Sở');
  await po.fill('[data-testid=edit-lead]', 'Phòng Hành chính – Tổng hợp');
  await po.fill('[data-testid=edit-products]', 'Báo cáo kết quả khảo sát');
  await po.fill('[data-testid=edit-timeline]', 'Quý IV năm 2025');
  await po.click('[data-testid=edit-save]');
  await po.waitForSelector('[data-testid=task-editor]', { state: 'detached' });
  const rowsAfter = await po.locator('[data-testid=plan-area-9] [data-testid^=plan-task-]').evaluateAll((rows) =>
    rows.map((r) => ({ id: r.dataset.testid.slice('plan-task-'.length), text: r.textContent })),
  );
  const added = rowsAfter[rowsAfter.length - 1];
  await dashboard(po);
  const withAdded = (await headline(po)).total;
  await po.click('[data-testid=tab-plan]');
  await po.click(`[data-testid=plan-task-${added.id}]`);
  await po.click('[data-testid=task-edit-toggle]');
  await po.fill('[data-testid=retire-date]', '01/10/2025');
  await po.click('[data-testid=retire]');
  await po.waitForSelector('[data-testid=retired-note]');
  const retiredNote = await text(po, '[data-testid=retired-note]');
  await po.click('[data-testid=back]');
  const retiredRow = await po.getAttribute(`[data-testid=plan-task-${added.id}]`, 'class');
  await dashboard(po);
  const afterRetire = (await headline(po)).total;
  await waitIndicator(po, /^Đã đồng bộ lúc \d\d:\d\d$/);
  emit('added-retired', {
    before,
    withAdded,
    afterRetire,
    rowsBefore: rowsBefore.length,
    added,
    retiredNote,
    retiredRow,
    refused,
  });

  // The period report: downloaded from the dashboard, then shown as made in the calendar.
  const period = await po.inputValue('[data-testid=dashboard-period]');
  const [download] = await Promise.all([
    po.waitForEvent('download'),
    po.click('[data-testid=download-docx]'),
  ]);
  const file = await download.path();
  const size = (await stat(file)).size;
  await po.waitForFunction(
    (p) => /Đã tạo DOCX/.test(document.querySelector(`[data-testid=calendar-generated-${p}]`)?.textContent || ''),
    period,
  );
  emit('downloaded', {
    period,
    name: download.suggestedFilename(),
    size,
    calendar: await text(po, `[data-testid=calendar-generated-${period}]`),
  });

  // Import another plan from its Word file: the preview table shows every task and what could
  // not be placed; the office corrects a task's lead and timeline; then saves.
  await po.click('[data-testid=tab-plan]');
  await po.setInputFiles('[data-testid=import-file]', env('IMPORT_FILE'));
  await po.waitForSelector('[data-testid=import-preview]');
  const summary = await text(po, '[data-testid=import-summary]');
  const unplaced = await po.locator('[data-testid=import-unplaced] tbody tr').count();
  const row = '[data-testid=import-task-t1-a]';
  await po.fill(`${row} [data-testid=import-lead]`, 'Thanh tra Sở');
  await po.press(`${row} [data-testid=import-lead]`, 'Tab');
  await po.fill(`${row} [data-testid=import-timeline]`, 'Quý II/2026');
  await po.press(`${row} [data-testid=import-timeline]`, 'Tab');
  await po.waitForFunction((r) => document.querySelector(`${r} [data-testid=import-due]`)?.textContent === '30/06/2026', row);
  const corrected = {
    lead: await po.inputValue(`${row} [data-testid=import-lead]`),
    due: await text(po, `${row} [data-testid=import-due]`),
  };
  await po.click('[data-testid=import-save]');
  await po.waitForSelector('[data-testid=import-done]');
  emit('imported', { summary, unplaced, corrected, done: await text(po, '[data-testid=import-done]') });

  // The saved plan opens in place, and the switcher goes back to the first: the page is never
  // reloaded (a marker on the window survives), the tab stays, the titles follow.
  await po.evaluate(() => { window.__samePage = true; });
  const title = () => text(po, '[data-testid=plan-overview] h2');
  const first = await title();
  await po.click('[data-testid=import-open]');
  await po.waitForFunction((t) => {
    const h = document.querySelector('[data-testid=plan-overview] h2');
    return h && h.textContent !== t;
  }, first);
  const opened = await title();
  const options = await po.locator('[data-testid=plan-switch] option').count();
  const back = await po.$eval('[data-testid=plan-switch]', (s) => [...s.options].find((o) => !o.selected).value);
  await po.selectOption('[data-testid=plan-switch]', back);
  await po.waitForFunction((t) => document.querySelector('[data-testid=plan-overview] h2')?.textContent === t, first);
  emit('switched', {
    first,
    opened,
    options,
    back: await title(),
    samePage: await po.evaluate(() => window.__samePage === true),
  });

  // A garbage file is refused before anything is sent.
  await po.setInputFiles('[data-testid=import-file]', {
    name: 'ghi-chu.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Không phải kế hoạch'),
  });
  await po.waitForSelector('[data-testid=import-error]');
  emit('import-refused', { error: await text(po, '[data-testid=import-error]') });
  await office.close();
  await unit.close();
});
