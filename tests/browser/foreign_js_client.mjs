// A stock JavaScript automerge-repo client (npm @automerge/automerge-repo 2.5.6 with its
// WebSocket adapter, tests/js) against the real `tiendo serve`, as a third-party developer
// would write it (tests/tests/foreign_js_client_syncs.rs runs it): it signs in for a bearer
// token, opens the plan and its unit's progress document from /api/me, writes a Q1 entry with
// plain JS values (numbers, strings, a nested object, a list) and tries to change the plan. The
// unit's page in Chromium then shows the JS edit, and the client sees a Rust tablet's later edit.
// Like a client of a later release, it also stamps a higher schema version and writes a field
// we do not know (the page says "Có phiên bản mới", our writes keep the field), and it writes
// an entry nobody can read (the page says so and the unit repairs it by saving).
//
// Env: BASE, USER, PASSWORD (a unit editor), TASK and BROKEN_TASK (tasks the unit leads),
// RUST_RESULT, NEWER_VERSION (a schema version above ours), PROFILE.

import { register } from 'node:module';
import { emit, env, handOver, launch, login, page, scenario } from './harness.mjs';

register('../js/ws-hook.mjs', import.meta.url);
const { Repo, WebSocketClientAdapter, decodeHeads } = await import('../js/client.mjs');

const RESULT = 'Đã hoàn thành thanh tra công vụ quý I (ghi từ ứng dụng JavaScript)';

async function until(what, check, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

scenario(async () => {
  const base = env('BASE');
  const task = env('TASK');
  const res = await fetch(new URL('/api/login', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: env('USER'), password: env('PASSWORD') }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  globalThis.TIENDO_BEARER = token;
  const me = await (await fetch(new URL('/api/me', base), { headers: { authorization: `Bearer ${token}` } })).json();
  const own = me.documents.find((d) => d.kind === 'progress' && d.unit_id === me.user.unit_id);
  const planDoc = me.documents.find((d) => d.kind === 'plan');

  const repo = new Repo({
    network: [new WebSocketClientAdapter(base.replace(/^http/, 'ws').replace(/\/$/, '') + me.sync_path)],
    peerId: `js-client-${process.pid}`,
  });
  const plan = await repo.find(planDoc.url);
  const progress = await repo.find(own.url);
  const p = plan.doc();
  emit('loaded', {
    areas: p.areas.length,
    tasks: p.areas.reduce((n, a) => n + a.tasks.length, 0),
    title: String(p.title),
  });

  // A write to the plan (a unit may only read it), made first: the progress write after it
  // travels on the same socket, so once the server has the progress, it has seen this too.
  const planHeadsBefore = decodeHeads(plan.heads());
  plan.change((d) => {
    d.title = 'Kế hoạch bị sửa từ ứng dụng JavaScript';
  });
  // Plain JS values, as any developer writes them: numbers become automerge ints, strings Text.
  progress.change((d) => {
    d.tasks[task] = {
      q1: {
        status: 'in_progress',
        percent: 37,
        result: RESULT,
        difficulties: 'Thiếu nhân lực',
        evidence: [{ id: 'js-1', number: '12/BC-TTr', date: '2025-03-20', summary: 'Báo cáo kết quả thanh tra' }],
        reviewed_by: 'Chánh Thanh tra',
      },
    };
    d.tasks[env('BROKEN_TASK')] = { q1: { status: 'in_progress', percent: 'ba mươi', result: 'Đang tổng hợp' } };
    d.schema_version = Number(env('NEWER_VERSION'));
  });
  await handOver('wrote', { result: RESULT, percent: 37, planHeads: decodeHeads(plan.heads()), planHeadsBefore });

  // The unit's own page in Chromium, signed in as the same unit.
  const browser = await launch(env('PROFILE'));
  const pg = await page(browser, 'unit');
  await login(pg, base, env('USER'), env('PASSWORD'));
  await pg.selectOption('[data-testid=task-period]', 'q1');
  await pg.click(`[data-testid=task-row-${task}]`);
  await pg.waitForSelector('[data-testid=task-detail]');
  await pg.waitForFunction((want) => document.querySelector('[data-testid=field-result]')?.value === want, RESULT);
  await pg.waitForSelector('[data-testid=newer-documents]');
  const unitPage = {
    status: await pg.inputValue('[data-testid=field-status]'),
    percent: await pg.inputValue('[data-testid=field-percent]'),
    result: await pg.inputValue('[data-testid=field-result]'),
    evidence: await pg.locator('[data-testid=evidence] li[data-testid^=evidence-] span').allTextContents(),
    unreadable: await pg.locator('[data-testid=entry-unreadable]').count(),
    newer: await pg.textContent('[data-testid=newer-documents]'),
  };
  // The entry nobody can read: the page says so and shows what it can; saving repairs it.
  await pg.click('[data-testid=back]');
  await pg.click(`[data-testid=task-row-${env('BROKEN_TASK')}]`);
  await pg.waitForSelector('[data-testid=entry-unreadable]');
  unitPage.broken = {
    alert: await pg.textContent('[data-testid=entry-unreadable]'),
    result: await pg.inputValue('[data-testid=field-result]'),
  };
  await pg.fill('[data-testid=field-percent]', '30');
  await pg.press('[data-testid=field-percent]', 'Tab');
  await pg.waitForSelector('[data-testid=entry-unreadable]', { state: 'detached' });
  emit('unit-page', unitPage);
  await browser.close();
  await handOver('checked-page');

  // A Rust tablet has saved the same entry: the JS client sees it.
  const want = env('RUST_RESULT');
  const seen = await until('the Rust tablet edit', () => {
    const e = progress.doc().tasks[task]?.q1;
    return e && String(e.result) === want
      ? { result: String(e.result), percent: Number(e.percent), reviewed_by: String(e.reviewed_by) }
      : null;
  });
  emit('saw-rust-edit', seen);
  await repo.shutdown?.();
});
