// Evidence files on a unit's tablet (tests/tests/browser_evidence_files.rs runs this). Offline,
// the unit attaches a large photo and a PDF to an evidence item; they are kept on the tablet at
// once (the photo redrawn smaller), listed as not uploaded, and counted by the sync indicator.
// After a reload, still offline, both are listed and open from the tablet. Back online, both
// upload with no user action and the form says the server has them; the central office's task
// view lists both with previews; "Bỏ tệp" drops the reference and keeps the bytes; logging out
// with a file not uploaded asks first; short of space (a real quota override), attaching drops the
// local copies of uploaded files, never one only on the tablet, and those open from the server.
//
// Env: BASE, USER, PASSWORD, OFFICE_USER, OFFICE_PASSWORD, PDF (a file path), PROFILE.

import fs from 'node:fs';
import { emit, env, handOver, launch, login, page, scenario, serviceWorkerReady, waitIndicator } from './harness.mjs';

async function openTask(p, task) {
  if (await p.locator('[data-testid=task-detail]').count()) await p.click('[data-testid=back]');
  await p.click(`[data-testid=task-row-${task}]`);
  await p.waitForSelector('[data-testid=task-detail]');
}

/** The files the form lists: sha256, name, state key and label. */
async function listed(p) {
  return p.$$eval('[data-testid=evidence] li.file', (rows) => rows.map((r) => ({
    sha256: r.dataset.testid.slice('file-'.length),
    name: r.querySelector('button.link').textContent,
    state: r.dataset.state,
    label: r.querySelector('.state').textContent,
  })));
}

/** Opens each listed file as the user would and reads what opened: its SHA-256, size, type, and
 *  for a photo its pixel size. */
async function opened(p, files) {
  await p.evaluate(() => {
    window.__opened = [];
    window.open = (url) => { window.__opened.push(url); return null; };
  });
  const out = [];
  for (const f of files) {
    await p.click(`[data-testid=file-open-${f.sha256}]`);
    await p.waitForFunction((n) => window.__opened.length >= n, out.length + 1);
    out.push(await p.evaluate(async () => {
      const url = window.__opened[window.__opened.length - 1];
      const blob = await (await fetch(url)).blob();
      const bytes = await blob.arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      let pixels = null;
      if (blob.type.startsWith('image/')) {
        const bitmap = await createImageBitmap(blob);
        pixels = [bitmap.width, bitmap.height];
      }
      return { url: url.slice(0, 5), sha256: hex, size: bytes.byteLength, type: blob.type, pixels };
    }));
  }
  return out;
}

scenario(async () => {
  const base = env('BASE');
  const context = await launch(env('PROFILE'));
  // Whether the app asks the browser to keep its storage, and what it was told. And a smaller
  // quota when the test sets one: Chromium's own quota override (CDP
  // Storage.overrideQuotaForOrigin) is active in its quota manager but does not reach
  // navigator.storage.estimate() (Chrome 156), so the report is lowered here; the usage and
  // everything the app then does to IndexedDB are the browser's own.
  await context.addInitScript(() => {
    const ask = navigator.storage.persist.bind(navigator.storage);
    navigator.storage.persist = async () => {
      const granted = await ask();
      localStorage.setItem('test.persist', String(granted));
      return granted;
    };
    const estimate = navigator.storage.estimate.bind(navigator.storage);
    navigator.storage.estimate = async () => {
      const e = await estimate();
      const quota = localStorage.getItem('test.quota');
      return quota ? { usage: e.usage, usageDetails: e.usageDetails, quota: Number(quota) } : e;
    };
  });
  const p = await page(context, 'tablet');
  await login(p, base, env('USER'), env('PASSWORD'));
  await serviceWorkerReady(p);
  await waitIndicator(p, /Đã đồng bộ lúc/);
  // The unit's first task it leads (the office's task view shows the lead units' reports).
  const task = await p.evaluate(() => {
    const row = document.querySelector('[data-testid^=task-row-] .part.lead').closest('[data-testid^=task-row-]');
    return row.dataset.testid.slice('task-row-'.length);
  });

  // A photo as a phone takes it (4,000 × 3,000, PNG from a canvas), made in the page.
  const photo = Buffer.from(await p.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 4000;
    c.height = 3000;
    const g = c.getContext('2d');
    for (let i = 0; i < 40; i++) {
      g.fillStyle = `hsl(${i * 9}, 70%, ${30 + (i % 5) * 10}%)`;
      g.fillRect((i * 97) % 4000, (i * 61) % 3000, 900, 700);
    }
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    return [...new Uint8Array(await blob.arrayBuffer())];
  }));

  await context.setOffline(true);
  await p.reload();
  await p.waitForSelector('[data-testid^=task-row-]');
  await waitIndicator(p, /Ngoại tuyến/);
  await openTask(p, task);
  await p.fill('[data-testid=evidence-number]', '25/KH-SKHCN');
  await p.fill('[data-testid=evidence-summary]', 'Kế hoạch CCHC năm 2025 (bản ký)');
  await p.click('[data-testid=evidence-add]');
  const item = p.locator('[data-testid=evidence] li[data-testid^=evidence-]').first();
  await item.waitFor();
  // A result being typed, not saved yet, while files are attached (the form is redrawn around
  // it as their states change): the typing stays.
  const typed = 'Đã ban hành kế hoạch (đang soạn)';
  await p.fill('[data-testid=field-result]', typed);
  const attach = item.locator('input[data-testid^=evidence-attach-]');
  await attach.setInputFiles([
    { name: 'anh-ban-ky.png', mimeType: 'image/png', buffer: photo },
    { name: 'ke-hoach-25.pdf', mimeType: 'application/pdf', buffer: fs.readFileSync(env('PDF')) },
  ]);
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=evidence] li.file').length === 2);
  // A wrong file: refused at once, saying why, nothing attached.
  await attach.setInputFiles([{ name: 'ghi-chu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf') }]);
  await p.waitForSelector('[data-testid=form-error]');
  const refused = await p.textContent('[data-testid=form-error]');
  const typing = await p.inputValue('[data-testid=field-result]');
  await p.press('[data-testid=field-result]', 'Tab');
  await p.waitForSelector('[data-testid=device-storage]');
  const offline = {
    task,
    typing,
    storage: await p.textContent('[data-testid=device-storage]'),
    persist_asked: await p.evaluate(() => localStorage.getItem('test.persist')),
    files: await listed(p),
    indicator: await waitIndicator(p, /tệp chưa tải lên/),
    photo_bytes: photo.length,
    refused,
  };

  // Reloaded offline: both still there, and they open from the tablet.
  await p.reload();
  await p.waitForSelector('[data-testid^=task-row-]');
  await openTask(p, task);
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=evidence] li.file').length === 2);
  const after = await listed(p);
  const result = await p.inputValue('[data-testid=field-result]');
  emit('offline', { ...offline, result, reloaded: after, opened: await opened(p, after) });

  // Back online: both upload by themselves.
  await context.setOffline(false);
  await p.waitForFunction(
    () => [...document.querySelectorAll('[data-testid=evidence] li.file')].every((r) => r.dataset.state === 'stored'),
    null,
    { timeout: 60_000 },
  );
  const online = { files: await listed(p), indicator: await waitIndicator(p, /Đã đồng bộ lúc/) };
  // The test downloads both as the office meanwhile.
  await handOver('uploaded', online);

  // The central office, on its own tablet: the task view lists the unit's two files, the photo
  // with a preview, the PDF with one that loads when opened.
  const officeContext = await launch(`${env('PROFILE')}-office`);
  const po = await page(officeContext, 'office');
  await login(po, base, env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  await po.click('[data-testid=tab-plan]');
  await po.click(`[data-testid=plan-task-${task}]`);
  await po.waitForSelector('[data-testid=task-view]');
  await po.waitForSelector('[data-testid^=evidence-file-]');
  const office = await po.evaluate(() => [...document.querySelectorAll('[data-testid^=evidence-file-]')].map((a) => ({
    href: a.getAttribute('href'),
    thumbnail: !!a.querySelector('img'),
    preview: !!a.parentElement.querySelector('details.preview iframe'),
  })));
  await officeContext.close();

  // "Bỏ tệp" on the PDF: the report no longer names it; the bytes stay on the tablet.
  const pdf = online.files.find((f) => f.name.endsWith('.pdf'));
  await p.click(`[data-testid=file-remove-${pdf.sha256}]`);
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=evidence] li.file').length === 1);
  const removed = await listed(p);
  const kept = await p.evaluate((sha) => new Promise((resolve) => {
    const open = indexedDB.open('tiendo');
    open.onsuccess = () => {
      const get = open.result.transaction('file_bytes').objectStore('file_bytes').get(sha);
      get.onsuccess = () => resolve(!!(get.result && get.result.length));
    };
  }), pdf.sha256);

  // Space runs short (the site's quota reported as half its usage, so more is to be freed than
  // all the files hold): attaching a file offline drops the local copies of the files the
  // server has, largest first, never the new one that exists only here.
  await context.setOffline(true);
  const { usage } = await p.evaluate(() => navigator.storage.estimate());
  await p.evaluate((q) => localStorage.setItem('test.quota', String(q)), Math.floor(usage / 2));
  const bytesHere = () => p.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('tiendo');
    open.onsuccess = () => {
      const all = open.result.transaction('file_bytes').objectStore('file_bytes').getAllKeys();
      all.onsuccess = () => resolve(all.result);
    };
  }));
  const before = await bytesHere();
  // A file not uploaded yet: logging out asks first (declined here).
  await p.locator('[data-testid=evidence] li[data-testid^=evidence-]').first().locator('input[data-testid^=evidence-attach-]').setInputFiles([
    { name: 'them.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 one more page') },
  ]);
  await waitIndicator(p, /1 tệp chưa tải lên/);
  await p.waitForFunction(() => !!document.querySelector('[data-testid=evidence] li.file[data-state=elsewhere]'))
    .catch(() => {}); // the test's assertions say what is wrong
  const short = { usage, before, after: await bytesHere(), files: await listed(p) };
  let asked = null;
  p.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
  await p.click('[data-testid=logout]');
  await p.waitForTimeout(300);
  const stillIn = await p.locator('[data-testid=task-detail]').count();
  // Online again, the photo whose copy was dropped opens from the server, the same bytes.
  await context.setOffline(false);
  await p.waitForFunction(
    () => [...document.querySelectorAll('[data-testid=evidence] li.file')].every((r) => ['stored', 'elsewhere'].includes(r.dataset.state)),
    null,
    { timeout: 60_000 },
  );
  short.reopened = short.files.some((f) => f.state === 'elsewhere')
    ? await opened(p, short.files.filter((f) => f.state === 'elsewhere'))
    : [];
  emit('later', { office, removed, kept, asked, still_in: stillIn, short });
  await context.close();
});
