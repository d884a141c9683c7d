// A unit merged while its tablet is offline (tests/tests/browser_org_merge.rs runs this against
// the real `tiendo serve`): the unit's tablet records a result, loses the network and records
// another; meanwhile the central office, on the "Tổ chức" tab, merges the unit into another from
// 1 April with its accounts moved. When the tablet is back online it syncs what it wrote, learns
// that its account now belongs to the successor, reopens as that unit and shows the merged
// unit's tasks under it with both results kept, and says what happened. Then the office retires
// another unit with its accounts disabled: that unit's tablet is told why at its next start.
//
// Env: BASE, TABLET_USER, TABLET_PASSWORD, OFFICE, OFFICE_PASSWORD, MERGED, INTO, INTO_NAME,
// TASK_BEFORE, TASK_OFFLINE, R1, R2, BASIS, RETIRED, RETIRED_USER, RETIRED_PASSWORD, PROFILE.

import { emit, env, launch, login, page, scenario, serviceWorkerReady, setResult, waitIndicator } from './harness.mjs';

const SYNCED = /Đã đồng bộ lúc/;

async function resultOf(p, task) {
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
  const value = await p.inputValue('[data-testid=field-result]');
  await p.click('[data-testid=back]');
  return value;
}

async function rows(p) {
  return p.$$eval('[data-testid^=task-row-]', (xs) => xs.map((x) => x.dataset.testid.slice('task-row-'.length)));
}

scenario(async () => {
  const tabletContext = await launch(`${env('PROFILE')}-tablet`);
  const t = await page(tabletContext, 'tablet');
  t.on('dialog', (d) => d.accept());
  await login(t, env('BASE'), env('TABLET_USER'), env('TABLET_PASSWORD'));
  await serviceWorkerReady(t);
  await t.selectOption('[data-testid=task-period]', 'q1');
  await setResult(t, env('TASK_BEFORE'), env('R1'));
  await waitIndicator(t, SYNCED);
  const before = { rows: await rows(t), who: await t.textContent('.who strong') };

  // Offline (reloaded so, as a tablet starts in a dead zone): another result.
  await tabletContext.setOffline(true);
  await t.reload();
  await t.waitForSelector('[data-testid^=task-row-]');
  await waitIndicator(t, /Ngoại tuyến/);
  await t.selectOption('[data-testid=task-period]', 'q1');
  await setResult(t, env('TASK_OFFLINE'), env('R2'));
  await waitIndicator(t, /chưa xác nhận/);

  // The office merges the unit, on its own tablet.
  const officeContext = await launch(`${env('PROFILE')}-office`);
  const o = await page(officeContext, 'office');
  o.on('dialog', (d) => d.accept());
  await login(o, env('BASE'), env('OFFICE'), env('OFFICE_PASSWORD'));
  await o.click('[data-testid=tab-organisation]');
  await o.waitForSelector('[data-testid=org-form]');
  await o.selectOption('[data-testid=org-kind]', 'merge');
  await o.selectOption('[data-testid=org-unit]', env('MERGED'));
  await o.selectOption('[data-testid=org-into]', env('INTO'));
  await o.fill('[data-testid=org-on]', '01/04/2025');
  await o.fill('[data-testid=org-basis]', env('BASIS'));
  await o.press('[data-testid=org-basis]', 'Tab');
  await o.fill('[data-testid=org-basis-date]', '25/03/2025');
  const accounts = await o.inputValue('[data-testid=org-accounts]');
  await o.click('[data-testid=org-submit]');
  await o.waitForSelector('[data-testid=org-recorded]');
  await waitIndicator(o, SYNCED);
  const office = {
    recorded: await o.textContent('[data-testid=org-recorded]'),
    accounts,
    state: await o.textContent(`[data-unit=${env('MERGED')}] [data-testid=org-unit-state]`),
  };

  // Back online: the tablet syncs, reopens as the successor and keeps both results.
  await tabletContext.setOffline(false);
  await t.waitForFunction((name) => document.querySelector('.who strong')?.textContent === name, env('INTO_NAME'), { timeout: 60_000 });
  await t.waitForSelector('[data-testid^=task-row-]');
  await waitIndicator(t, SYNCED);
  await t.selectOption('[data-testid=task-period]', 'q1');
  await t.waitForSelector(`[data-testid=task-row-${env('TASK_OFFLINE')}]`);
  const after = {
    who: await t.textContent('.who strong'),
    rows: await rows(t),
    notices: await t.locator('[data-testid=org-notice]').allTextContents(),
    before: await resultOf(t, env('TASK_BEFORE')),
    offline: await resultOf(t, env('TASK_OFFLINE')),
  };
  // A unit retired with its accounts disabled: its tablet, signed in before, is told what
  // happened when it next starts, its data still on screen.
  const retiredContext = await launch(`${env('PROFILE')}-retired`);
  const r = await page(retiredContext, 'retired');
  r.on('dialog', (d) => d.accept());
  await login(r, env('BASE'), env('RETIRED_USER'), env('RETIRED_PASSWORD'));
  await waitIndicator(r, SYNCED);
  await o.selectOption('[data-testid=org-kind]', 'retire');
  await o.selectOption('[data-testid=org-unit]', env('RETIRED'));
  await o.fill('[data-testid=org-on]', '01/04/2025');
  await o.fill('[data-testid=org-basis]', env('BASIS'));
  await o.press('[data-testid=org-basis]', 'Tab');
  const retireAccounts = await o.inputValue('[data-testid=org-accounts]');
  await o.click('[data-testid=org-submit]');
  await o.waitForSelector('[data-testid=org-recorded]');
  await waitIndicator(o, SYNCED);
  await r.reload();
  await r.waitForSelector('[data-testid=account-refused]', { timeout: 60_000 });
  // The notice comes from the server, the rows from the tablet's own store: both must show
  // (counted once the first row is drawn, not at the moment the notice is).
  await r.waitForSelector('[data-testid^=task-row-]', { timeout: 60_000 });
  const retired = {
    accounts: retireAccounts,
    refused: await r.textContent('[data-testid=account-refused]'),
    rows: await r.locator('[data-testid^=task-row-]').count(),
  };
  emit('seen', { before, office, after, retired });
  await retiredContext.close();
  await tabletContext.close();
  await officeContext.close();
});
