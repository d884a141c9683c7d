// Browser scenarios' shared part: Debian's Chromium driven through playwright-core (from
// client/tools, installed by scripts/test), and a line protocol with the Rust test that runs the
// scenario (tests/src/browser.rs): the scenario prints one JSON object per line on stdout
// ({"event": name, ...}) and, where it needs the test to act (stop the server, edit from another
// client), waits for the line "go" on stdin. The last line is {"event": "done"} or
// {"event": "error", "message": ...}.

import { chromium } from '../../client/tools/node_modules/playwright-core/index.mjs';
import readline from 'node:readline';

// As root, headless, on a machine whose network is closed: no sandbox, no background traffic.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A required environment variable. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A browser with its own profile directory (IndexedDB, service worker, cache survive a close). */
export async function launch(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1024, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  context.setDefaultTimeout(30_000);
  return context;
}

const pages = [];

/** The context's first page, with page errors reported as events. */
export async function page(context, name) {
  const p = context.pages()[0] || (await context.newPage());
  p.on('pageerror', (e) => emit('page-error', { browser: name, message: e.message }));
  p.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') emit('console', { browser: name, text: m.text() });
  });
  pages.push({ name, p });
  return p;
}

/** What each browser shows, for a failure report; with SHOTS set, a full-page screenshot of
 * each browser goes there as `<name>.png`. */
async function snapshot() {
  const out = {};
  for (const { name, p } of pages) {
    try {
      if (process.env.SHOTS) {
        const path = `${process.env.SHOTS}/${name}.png`;
        await p.screenshot({ path, fullPage: true, timeout: 10_000 });
        out[name] = { screenshot: path };
      }
      out[name] = {
        ...out[name],
        url: p.url(),
        text: (await p.evaluate(() => document.body.innerText)).slice(0, 600),
        storage: await p.evaluate(() => Object.fromEntries(Object.entries(localStorage).filter(([k]) => k.startsWith('tiendo.') && k !== 'tiendo.me'))),
        percent: await p.evaluate(() => document.querySelector('[data-testid=field-percent]')?.value),
      };
    } catch (e) {
      out[name] = { unavailable: String(e) };
    }
  }
  return out;
}

export function emit(event, data = {}) {
  process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
}

const input = readline.createInterface({ input: process.stdin });
const queued = [];
const waiting = [];
input.on('line', (line) => {
  const w = waiting.shift();
  if (w) w(line);
  else queued.push(line);
});

/** Tells the test `event` happened and waits until it answers "go". */
export async function handOver(event, data = {}) {
  emit(event, data);
  const line = queued.length ? queued.shift() : await new Promise((r) => waiting.push(r));
  if (line !== 'go') throw new Error(`expected "go" after ${event}, got ${JSON.stringify(line)}`);
}

/** Runs the scenario and reports how it ended. */
export function scenario(body) {
  body().then(
    () => {
      emit('done');
      process.exit(0);
    },
    async (e) => {
      emit('error', { message: String((e && e.stack) || e), browsers: await snapshot() });
      process.exit(1);
    },
  );
}

/** Signs in through the login screen and waits for the unit's task list. */
export async function login(p, base, username, password) {
  await p.goto(base);
  await p.fill('[data-testid=login-username]', username);
  await p.fill('[data-testid=login-password]', password);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid^=task-row-]');
}

/** Waits until the page is controlled by an active service worker. */
export async function serviceWorkerReady(p) {
  await p.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

/** The sync indicator's text. */
export async function indicator(p) {
  return (await p.textContent('[data-testid=sync-indicator]')).trim();
}

/** Waits until the sync indicator's text matches `pattern`. */
export async function waitIndicator(p, pattern) {
  await p.waitForFunction(
    ([source]) => {
      const el = document.querySelector('[data-testid=sync-indicator]');
      return el && new RegExp(source).test(el.textContent);
    },
    [pattern.source],
  );
  return indicator(p);
}

/** Opens task `task`, writes `text` as its result (committed by leaving the field) and goes back. */
export async function setResult(p, task, text) {
  if (await p.locator('[data-testid=task-detail]').count()) await p.click('[data-testid=back]');
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
  await p.fill('[data-testid=field-result]', text);
  await p.press('[data-testid=field-result]', 'Tab');
  await p.click('[data-testid=back]');
}
