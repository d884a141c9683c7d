// Accounts in the app (tests/tests/browser_accounts.rs runs this against a real server): the
// central office, on its "Tài khoản" tab, creates an account for Thanh tra Sở as an editor; the
// screen suggests a short username and shows the password once. The new colleague signs in on
// a tablet with it and changes it on their own "Tài khoản" tab (a wrong repetition is refused
// in the form first). The office then closes the account and reads the audit: creation, the
// colleague's own change, the closing, each with who and when.
//
// Env: BASE, OFFICE_USER, OFFICE_PASSWORD, UNIT (a unit id), NEW_PASSWORD, PROFILE, PROFILE_B.

import { emit, env, launch, page, scenario } from './harness.mjs';

async function signIn(p, user, password) {
  await p.goto(env('BASE'));
  await p.fill('[data-testid=login-username]', user);
  await p.fill('[data-testid=login-password]', password);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=tab-account]', { timeout: 60_000 });
}

scenario(async () => {
  const office = await launch(env('PROFILE'));
  const o = await page(office, 'office');
  await o.setViewportSize({ width: 1366, height: 900 });
  await signIn(o, env('OFFICE_USER'), env('OFFICE_PASSWORD'));
  await o.click('[data-testid=tab-account]');
  await o.waitForSelector('[data-testid=accounts] tbody tr');
  const listed = await o.locator('[data-testid=accounts] tbody tr').count();

  // A new account: the unit and the role picked, the name left to the server.
  await o.selectOption('[data-testid=account-new-role]', 'unit_editor');
  await o.click('[data-testid=account-new-submit]');
  const missingUnit = await o.textContent('[data-testid=account-error]');
  await o.selectOption('[data-testid=account-new-unit]', env('UNIT'));
  const roleKept = await o.$eval('[data-testid=account-new-role]', (s) => s.value);
  await o.click('[data-testid=account-new-submit]');
  await o.waitForSelector('[data-testid=account-password]');
  const username = (await o.textContent('[data-testid=account-password-username]')).trim();
  const password = (await o.textContent('[data-testid=account-password-value]')).trim();
  await o.waitForSelector(`[data-testid=account-${username.replace('.', '\\.')}]`);
  emit('created', { listed, missingUnit, roleKept, username, password });

  // The colleague, on an 800 px tablet, changes the password given to them.
  const tablet = await launch(env('PROFILE_B'));
  const t = await page(tablet, 'colleague');
  await t.setViewportSize({ width: 800, height: 1280 });
  await signIn(t, username, password);
  await t.click('[data-testid=tab-account]');
  const shownUser = (await t.textContent('[data-testid=account-username]')).trim();
  const adminPart = await t.locator('[data-testid=accounts-admin]').count();
  await t.fill('[data-testid=password-current]', password);
  await t.fill('[data-testid=password-new]', env('NEW_PASSWORD'));
  await t.fill('[data-testid=password-repeat]', env('NEW_PASSWORD') + 'x');
  await t.click('[data-testid=password-submit]');
  const mismatch = await t.textContent('[data-testid=password-error]');
  await t.fill('[data-testid=password-repeat]', env('NEW_PASSWORD'));
  await t.click('[data-testid=password-submit]');
  await t.waitForSelector('[data-testid=password-done]');
  const done = await t.textContent('[data-testid=password-done]');
  const cleared = await t.$eval('[data-testid=password-current]', (i) => i.value);
  emit('changed', { shownUser, adminPart, mismatch, done, cleared });

  // The office closes it and reads the audit.
  o.on('dialog', (d) => d.accept());
  const row = `[data-testid=account-${username.replace('.', '\\.')}]`;
  await o.click(`[data-testid=account-toggle-${username.replace('.', '\\.')}]`);
  await o.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=account-state]`)?.textContent === 'Đã khoá', row);
  const audit = await o.locator('[data-testid=account-audit] li').allTextContents();
  emit('closed', { state: await o.textContent(`${row} [data-testid=account-state]`), audit });
  await tablet.close();
  await office.close();
});
