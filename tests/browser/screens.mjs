// Every screen of every role at a tablet's and a desktop's width (tests/tests/browser_screens.rs
// runs this against a real server; `scripts/screens` keeps the pictures): each account signs in
// at 800×1280 and at 1366×900 and opens each of its tabs, then the screens behind them (a task's
// form, the "Gói dữ liệu" panel, an agency of the roll-up). On each screen it measures whether
// the page scrolls sideways (scrollWidth against innerWidth), runs axe-core (WCAG 2.x A and AA)
// on the app, finds controls smaller than a 44 px touch target, and writes a full-page
// screenshot to OUT as `<role>-<width>-<screen>.png`; printed (print media), the app's header,
// tabs, filters and buttons are left out.
//
// Env: BASE, ACCOUNTS (JSON: [{role, user, password}]), OUT.

import { readFileSync } from 'node:fs';
import { chromium } from '../../client/tools/node_modules/playwright-core/index.mjs';
import { emit, env, scenario } from './harness.mjs';

const AXE = readFileSync(new URL('../../client/tools/node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const seen = [];
const started = Date.now();
const SIZES = [
  { width: 800, height: 1280 },
  { width: 1366, height: 900 },
];

/** What one screen measures. */
async function measure(p, role, width, screen) {
  // Let late answers (reports, roll-up) land before measuring (the sync socket's keep-alive
  // means the network is never idle).
  await p.waitForTimeout(700);
  const layout = await p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The widest element that sticks out of the viewport, for a failure's report.
    widest: [...document.querySelectorAll('.app *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
      .filter((e) => !e.closest('.table-scroll, .scroll'))
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}[${e.dataset.testid || ''}] right=${Math.round(e.getBoundingClientRect().right)}`),
    // Touch targets: visible controls under 44 px high (check boxes and radios sit in their
    // label, which is the target).
    small: [...document.querySelectorAll('.app button, .app select, .app input:not([type=checkbox]):not([type=radio]):not([type=file]), .app a.button, .app summary')]
      .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
      .filter((e) => e.getBoundingClientRect().height < 43.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}[${e.dataset.testid || e.textContent.trim().slice(0, 30)}] h=${e.getBoundingClientRect().height.toFixed(1)}`),
  }));
  if (!(await p.evaluate(() => typeof window.axe === 'object'))) await p.addScriptTag({ content: AXE });
  const violations = await p.evaluate(async () => {
    const r = await window.axe.run(document.querySelector('.app') || document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  // Printed, the screen is its content: the header, tabs, filters and buttons stay off paper.
  await p.emulateMedia({ media: 'print' });
  const printed = await p.evaluate(() =>
    ['header', 'nav.tabs', '.filters', 'main button:not(.name)']
      .filter((sel) => [...document.querySelectorAll(`.app ${sel}`)].some((e) => getComputedStyle(e).display !== 'none')),
  );
  await p.emulateMedia({ media: 'screen' });
  const shot = `${env('OUT')}/${role}-${width}-${screen}.png`;
  await p.screenshot({ path: shot, fullPage: true, timeout: 20_000 });
  seen.push({ role, width, screen, ...layout, violations, printed, shot });
  emit('measured', { role, width, screen, ms: Date.now() - started });
}

async function visit(browser, account, size) {
  // axe-core goes in as a script of the test's own: the app's CSP (rightly) refuses it.
  const context = await browser.newContext({ viewport: size, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', bypassCSP: true });
  context.setDefaultTimeout(60_000);
  const p = await context.newPage();
  p.on('pageerror', (e) => emit('page-error', { browser: account.role, message: e.message }));
  await p.goto(env('BASE'));
  await p.fill('[data-testid=login-username]', account.user);
  await p.fill('[data-testid=login-password]', account.password);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('.app nav.tabs [data-testid^=tab-]');
  const { role } = account;
  const w = size.width;
  const tabs = await p.$$eval('.app nav.tabs [data-testid^=tab-]', (xs) => xs.map((x) => x.dataset.testid));
  for (const tab of tabs) {
    await p.click(`[data-testid=${tab}]`);
    await p.waitForTimeout(200);
    await measure(p, role, w, tab.slice('tab-'.length));
    if (tab === 'tab-tasks') {
      // A task's form, and back.
      await p.click('[data-testid^=task-row-]');
      await p.waitForSelector('[data-testid=task-detail]');
      await measure(p, role, w, 'task-form');
      await p.click('[data-testid=back]');
    }
    if (tab === 'tab-province') {
      // It opens on this year's plans: a year with plans (the seed's) has rows.
      for (const y of await p.$$eval('[data-testid=province-year] option', (os) => os.map((o) => o.value))) {
        if (await p.locator('[data-testid^=province-row-]').count()) break;
        await p.selectOption('[data-testid=province-year]', y);
        await p.waitForTimeout(1000);
      }
      await measure(p, role, w, 'province-year');
    }
    if (tab === 'tab-province' && (await p.locator('[data-testid^=province-row-]').count())) {
      await p.click('[data-testid^=province-row-] td:nth-child(2)');
      await p.waitForSelector('[data-testid=province-agency]');
      await measure(p, role, w, 'province-agency');
      await p.click('[data-testid=back]');
    }
  }
  // The header's bundle panel, open.
  await p.click('[data-testid=bundle-toggle]');
  await p.waitForSelector('[data-testid=bundle-panel]');
  await measure(p, role, w, 'bundles');
  await context.close();
}

scenario(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  for (const account of JSON.parse(env('ACCOUNTS'))) {
    for (const size of SIZES) await visit(browser, account, size);
  }
  await browser.close();
  emit('screens', { seen });
});
