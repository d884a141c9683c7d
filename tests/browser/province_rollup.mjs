// The province's view (tests/tests/browser_province_rollup.rs runs this against a real server
// with two agencies' 2025 plans): a province viewer signs in and lands on "Toàn tỉnh", the
// roll-up of this year's plans; picks 2025 beside the period and sees every agency; sorts it by a column both ways; filters by kind; opens an agency read-only (its
// criteria with their working and its status by area, from the server); and, offline after a
// reload, still sees the roll-up last fetched, with its time.
//
// Env: BASE, USER, PASSWORD, PROFILE.

import { emit, env, launch, page, scenario } from './harness.mjs';

async function names(p) {
  return p.$$eval('[data-testid^=province-row-] [data-testid^=province-open-]', (xs) => xs.map((x) => x.textContent));
}

scenario(async () => {
  const context = await launch(env('PROFILE'));
  const p = await page(context, 'province');
  await p.goto(env('BASE'));
  await p.fill('[data-testid=login-username]', env('USER'));
  await p.fill('[data-testid=login-password]', env('PASSWORD'));
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=province-title]', { timeout: 60_000 });
  const opened = {
    title: await p.textContent('[data-testid=province-title]'),
    period: await p.$eval('[data-testid=province-period]', (s) => s.value),
  };
  await p.selectOption('[data-testid=province-year]', '2025');
  await p.waitForSelector('[data-testid^=province-row-]', { timeout: 60_000 });
  const first = {
    title: await p.textContent('[data-testid=province-title]'),
    note: await p.textContent('[data-testid=province-closed]').catch(() => null), names: await names(p), computed: await p.textContent('[data-testid=province-computed]') };

  await p.click('[data-testid=sort-agency]');
  const byNameAsc = await names(p);
  await p.click('[data-testid=sort-agency]');
  const byNameDesc = await names(p);
  await p.click('[data-testid=sort-total]');
  const byTotal = await p.$$eval('[data-testid^=province-row-] td:nth-child(2)', (xs) => xs.map((x) => Number(x.textContent)));

  await p.selectOption('[data-testid=province-kind]', 'so');
  const sos = await names(p);
  await p.selectOption('[data-testid=province-kind]', '');

  // Drill into the first agency by name.
  const target = await p.$eval('[data-testid^=province-open-]', (b) => b.dataset.testid.slice('province-open-'.length));
  await p.click(`[data-testid=province-open-${target}]`);
  await p.waitForSelector('[data-testid=province-areas] tbody tr');
  const agency = {
    title: await p.textContent('[data-testid=province-agency] h2'),
    criteria: await p.locator('[data-testid=province-criteria] tbody tr').count(),
    areas: await p.locator('[data-testid=province-areas] tbody tr').count(),
    working: await p.textContent('[data-testid=province-criteria]'),
  };
  await p.click('[data-testid=back]');
  await p.waitForSelector('[data-testid^=province-row-]');

  // Offline: the roll-up last fetched, said to be the kept copy.
  await context.setOffline(true);
  await p.reload();
  await p.waitForSelector('[data-testid=province-year]', { timeout: 60_000 });
  await p.selectOption('[data-testid=province-year]', '2025');
  await p.waitForSelector('[data-testid^=province-row-]', { timeout: 60_000 });
  const offline = { names: await names(p), computed: await p.textContent('[data-testid=province-computed]') };
  emit('seen', { opened, first, byNameAsc, byNameDesc, byTotal, sos, agency, offline });
  await context.close();
});
