// Years in sight (tests/tests/browser_years_in_sight.rs runs this against the real `tiendo
// serve`, with the unit's 2025 annual report returned by the office and a 2026 plan imported):
// on an 800 px tablet the unit signs in; the header's switcher lists both years and opens 2026;
// the start screen lists the 2025 return with the office's note; its link opens the 2025 report,
// which the unit sends again. Then, on the same tablet, the office signs in, opens 2025 in the
// header and reads the dashboard's note that the year is over.
//
// Env: BASE, UNIT_USER, UNIT_PASSWORD, OFFICE_USER, OFFICE_PASSWORD, PLAN_2025, PLAN_2026,
// PROFILE.

import { emit, env, launch, login, page, scenario, waitIndicator } from './harness.mjs';

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

  // The unit: this year's plan opens, last year's return is in sight.
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

  // The office on the same tablet: 2026 opens; 2025 chosen in the header says it is over.
  // Logging out wipes the device and reloads the page, back to its sign-in form.
  await Promise.all([p.waitForEvent('load'), p.click('[data-testid=logout]')]);
  await p.fill('[data-testid=login-username]', env('OFFICE_USER'));
  await p.fill('[data-testid=login-password]', env('OFFICE_PASSWORD'));
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid^=task-row-]');
  const opened = await p.inputValue('[data-testid=plan-switch]');
  await p.selectOption('[data-testid=plan-switch]', env('PLAN_2025'));
  await p.click('[data-testid=tab-summary]');
  await p.waitForSelector('[data-testid=dashboard] [data-testid=as-of-note]');
  emit('office', {
    opened,
    note: await text(p, '[data-testid=dashboard] [data-testid=as-of-note]'),
    asOfField: await p.inputValue('[data-testid=dashboard-as-of]'),
    download: await p.getAttribute('[data-testid=download-docx]', 'href'),
  });
  await context.close();
});
