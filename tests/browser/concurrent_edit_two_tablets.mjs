// Two tablets of one unit change the same field while the server is down
// (tests/tests/browser_concurrent_edits.rs runs this and stops/starts the server): when they meet
// again both show "Có thay đổi đồng thời" with both values and who made them; one tablet keeps
// the other's value, and both end with that value and no conflict.
//
// Env: BASE, USER_A, PASSWORD_A, USER_B, PASSWORD_B, TASK (a task both may report on),
// PROFILE, PROFILE_B.

import { emit, env, handOver, launch, login, page, scenario, waitIndicator } from './harness.mjs';

async function openTask(p, task) {
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
}

async function setPercent(p, value) {
  await p.fill('[data-testid=field-percent]', String(value));
  await p.press('[data-testid=field-percent]', 'Tab');
}

async function conflict(p) {
  const box = p.locator('[data-testid=conflict-percent]');
  await box.waitFor();
  return {
    title: (await box.locator('strong').textContent()).trim(),
    values: await box.locator('li .value').allTextContents(),
    by: await box.locator('li .by').allTextContents(),
  };
}

scenario(async () => {
  const base = env('BASE');
  const task = env('TASK');
  const a = await launch(env('PROFILE'));
  const b = await launch(env('PROFILE_B'));
  const pa = await page(a, 'A');
  const pb = await page(b, 'B');
  await login(pa, base, env('USER_A'), env('PASSWORD_A'));
  await login(pb, base, env('USER_B'), env('PASSWORD_B'));
  await openTask(pa, task);
  await openTask(pb, task);
  await setPercent(pa, 10);
  await waitIndicator(pa, /^Đã đồng bộ lúc \d\d:\d\d$/);
  await pb.waitForFunction(() => document.querySelector('[data-testid=field-percent]').value === '10');
  await handOver('both-synced');

  // The server is down: each tablet changes the percentage its own way.
  await waitIndicator(pa, /Ngoại tuyến/);
  await waitIndicator(pb, /Ngoại tuyến/);
  await setPercent(pa, 30);
  await setPercent(pb, 60);
  emit('edited-offline', {
    a: await waitIndicator(pa, /\d+ thay đổi chưa xác nhận/),
    b: await waitIndicator(pb, /\d+ thay đổi chưa xác nhận/),
  });
  await handOver('server-may-start');

  // Back online: both see the conflict, with both values and their authors.
  const seenA = await conflict(pa);
  const seenB = await conflict(pb);
  emit('conflict', { a: seenA, b: seenB, indicatorA: await waitIndicator(pa, /^Đã đồng bộ/) });

  // A keeps B's value; the conflict disappears everywhere and both show 60.
  const index = seenA.values.indexOf('60');
  await pa.click(`[data-testid=conflict-pick-percent-${index}]`);
  await pa.locator('[data-testid=conflict-percent]').waitFor({ state: 'detached' });
  await pb.locator('[data-testid=conflict-percent]').waitFor({ state: 'detached' });
  await pb.waitForFunction(() => document.querySelector('[data-testid=field-percent]').value === '60');
  emit('resolved', {
    a: await pa.inputValue('[data-testid=field-percent]'),
    b: await pb.inputValue('[data-testid=field-percent]'),
  });
  await a.close();
  await b.close();
});
