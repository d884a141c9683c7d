// Years in sight (tests/tests/browser_years_in_sight.rs runs this against a real server, with
// the unit's 2025 annual report returned by the office): on an 800 px tablet the office reads
// 2025's dashboard, imports the 2026 plan from its file, confirming in the preview the unit it
// names that the organisation did not know, and reads 2025's dashboard again — the same, and
// saying the year is over. Then the unit signs in on the same tablet; the header's switcher lists
// both years and opens 2026; the start screen lists the 2025 return with the office's note; its
// link opens the 2025 report, which the unit sends again.
//
// Env: BASE, UNIT_USER, UNIT_PASSWORD, OFFICE_USER, OFFICE_PASSWORD, PLAN_2025, PLAN_2026,
// NEXT_FILE (the 2026 plan as text), PROFILE.

import { emit, env, handOver, launch, login, page, scenario, waitIndicator } from './harness.mjs';

const SYNCED = /Đã đồng bộ lúc/;

async function text(p, selector) {
  return ((await p.textContent(selector)) || '').trim();
}

async function waitPhase(p, want) {
  await p.waitForFunction((w) => document.querySelector('[data-testid=report-phase]')?.dataset.phase === w, want);
}

scenario(async () => {
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'tablet');
  p.on('dialog', (d) => d.accept());
  await p.setViewportSize({ width: 800, height: 1280 });

  // The office first: 2025's dashboard as it reads before next year's plan exists.
  await login(p, env('BASE'), env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  await waitIndicator(p, SYNCED);
  await p.click('[data-testid=tab-summary]');
  await p.waitForSelector('[data-testid=dashboard] [data-testid=as-of-note]');
  const dashboardBefore = await p.innerText('[data-testid=dashboard]');

  // Next year's plan from its file: the preview names the unit nobody knew and saving waits
  // until the office confirms it as a new unit (from the plan's first day).
  await p.click('[data-testid=tab-plan]');
  await p.setInputFiles('[data-testid=import-file]', env('NEXT_FILE'));
  await p.waitForSelector('[data-testid=import-new-units]');
  const newUnits = await p.locator('[data-testid=import-new-units] tbody td.title').allTextContents();
  const blocked = await p.isDisabled('[data-testid=import-save]');
  const from = await p.inputValue('[data-testid=import-new-units] [data-testid=new-unit-from]');
  await p.selectOption('[data-testid=import-new-units] [data-testid=new-unit-choice]', 'new');
  await p.waitForFunction(() => !document.querySelector('[data-testid=import-save]')?.disabled);
  await p.click('[data-testid=import-save]');
  await p.waitForSelector('[data-testid=import-done]');
  emit('imported', { newUnits, blocked, from });
  await handOver('checked');

  // 2025 after the import, chosen in the header: the same dashboard, and it says the year is
  // over; its downloads leave the day to the server.
  // Signed in again, the office's tablet opens this year's plan; 2025 is chosen in the header.
  await Promise.all([p.waitForEvent('load'), p.click('[data-testid=logout]')]);
  await login(p, env('BASE'), env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  const opened = await p.inputValue('[data-testid=plan-switch]');
  await p.selectOption('[data-testid=plan-switch]', env('PLAN_2025'));
  await p.click('[data-testid=tab-summary]');
  await p.waitForSelector('[data-testid=dashboard] [data-testid=as-of-note]');
  await waitIndicator(p, SYNCED);
  const dashboardAfter = await p.innerText('[data-testid=dashboard]');
  emit('office', {
    opened,
    note: await text(p, '[data-testid=dashboard] [data-testid=as-of-note]'),
    asOfField: await p.inputValue('[data-testid=dashboard-as-of]'),
    download: await p.getAttribute('[data-testid=download-docx]', 'href'),
    same: dashboardBefore === dashboardAfter,
    dashboardBefore,
    dashboardAfter,
  });

  // The unit on the same tablet (logging out wipes the device and reloads the page): this
  // year's plan opens, last year's return is in sight.
  await Promise.all([p.waitForEvent('load'), p.click('[data-testid=logout]')]);
  await login(p, env('BASE'), env('UNIT_USER'), env('UNIT_PASSWORD'));
  const pending = `[data-testid=pending-${env('PLAN_2025')}-year]`;
  await p.waitForSelector(pending);
  const fits = await p.evaluate(() => {
    const inside = (s) => {
      const r = document.querySelector(s)?.getBoundingClientRect();
      return !!r && r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
    };
    return inside('[data-testid=plan-switch]') && inside('[data-testid=logout]');
  });
  emit('start', {
    options: await p.locator('[data-testid=plan-switch] option').allTextContents(),
    selected: await p.inputValue('[data-testid=plan-switch]'),
    title: await p.evaluate(() => document.querySelector('[data-testid=task-period]').closest('main').querySelector('.sub').textContent),
    pending: await text(p, pending),
    fits,
  });

  // Its link: the 2025 plan, its annual report, sent again.
  await p.click(pending);
  await p.waitForFunction((id) => document.querySelector('[data-testid=plan-switch]')?.value === id, env('PLAN_2025'));
  await p.waitForSelector('[data-testid=report-return-note]');
  const before = await p.getAttribute('[data-testid=report-phase]', 'data-phase');
  const note = await text(p, '[data-testid=report-return-note]');
  const asOf = await text(p, '[data-testid=as-of-note]');
  await p.click('[data-testid=report-submit]');
  await waitPhase(p, 'submitted');
  await waitIndicator(p, SYNCED);
  emit('resent', {
    selected: await p.inputValue('[data-testid=plan-switch]'),
    before,
    note,
    asOf,
    after: await p.getAttribute('[data-testid=report-phase]', 'data-phase'),
  });
  await context.close();
});
