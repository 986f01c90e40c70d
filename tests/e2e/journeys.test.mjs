// journeys: the browser UI driven end to end in headless Chromium against a running techpool daemon.
//
// Run: cd tests/e2e && npm ci && node --test --test-concurrency=1 journeys.test.mjs
//
// Environment:
//   TECHPOOL_E2E_URL             base URL of the running daemon (default http://127.0.0.1:8080)
//   TECHPOOL_E2E_ADMIN           "email:password" of an admin (required; e.g. the daemon's TECHPOOL_BOOTSTRAP_ADMIN)
//   TECHPOOL_E2E_INSTITUTION     "email:password" of institution staff (optional: else the admin creates
//                                an institution and its user in TECHPOOL_E2E_PROVINCE)
//   TECHPOOL_E2E_PROVINCE_ADMIN  "email:password" of a province admin of the institution's province
//                                (optional: else the admin creates one)
//   TECHPOOL_E2E_PROVINCE        province for what the admin creates (default ZJ)
//   TECHPOOL_E2E_OUT             folder for screenshots (default tests/e2e/out, ignored by git)
//   TECHPOOL_E2E_CHROMIUM        browser binary (default /usr/bin/chromium)
//
// The journeys run in order and share what they create (one run id keeps them apart from other runs):
//   setup  the institution registers an achievement about 芯片 through the form and submits it;
//   (3)    the province admin approves it in the review queue;
//   (1)    an enterprise signs up with a generated valid credit code, searches 芯片, opens the result,
//          requests a trial and sees it listed;
//   (2)    the institution approves the trial, converts it with two installments and records a payment;
//          the enterprise sees the license and what is outstanding;
//   (3)    the province admin downloads the trials CSV (BOM, header row, the new trial's row);
//   (4)    the language switch turns the page to English and back, and is remembered;
//   (5)    an achievement titled <img src=x onerror=window.__xss=1> shows as text and runs nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request } from 'playwright-core';
import { makeCreditCode } from '../../static/js/creditcode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.TECHPOOL_E2E_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const OUT = process.env.TECHPOOL_E2E_OUT || path.join(here, 'out');
const PROVINCE = process.env.TECHPOOL_E2E_PROVINCE || 'ZJ';
const RUN = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
const PASSWORD = `e2e-pass-${RUN}`;
const CHIP_TITLE = `低功耗芯片验证平台 E2E ${RUN}`;
const XSS_TITLE = '<img src=x onerror=window.__xss=1>';
const STEP_TIMEOUT = 15000;

const state = {};
let browser;
let api;

function account(variable) {
  const raw = process.env[variable];
  if (!raw) return null;
  const i = raw.indexOf(':');
  assert.ok(i > 0, `${variable} must be "email:password"`);
  return { email: raw.slice(0, i), password: raw.slice(i + 1) };
}

// A valid CN invention patent application number: ZL + year 2024 + type 1 + 7 digits + "." + check.
function patentNumber() {
  let digits = '20241';
  while (digits.length < 12) digits += String(Math.floor(Math.random() * 10));
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(digits[i]) * (2 + (i % 8));
  const r = sum % 11;
  return `ZL${digits}.${r === 10 ? 'X' : r}`;
}

function creditCode() {
  let body = '';
  for (let i = 0; i < 8; i += 1) body += String(Math.floor(Math.random() * 10));
  return makeCreditCode('91320100', body);   // Nanjing: the enterprise signs up in Jiangsu
}

// Signs in over the API and returns a bearer token.
async function tokenFor(acct) {
  const res = await api.post('/api/v1/session', { data: { email: acct.email, password: acct.password } });
  assert.equal(res.status(), 200, `sign-in of ${acct.email} failed: ${res.status()} ${await res.text()}`);
  return (await res.json()).token;
}

async function apiAs(token, method, url, data) {
  const res = await api.fetch(url, {
    method, data, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  const text = await res.text();
  assert.ok(res.ok(), `${method} ${url} -> ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

// A fresh browser context (its own cookies) whose pages report script errors and CSP violations.
async function newActor(name) {
  const context = await browser.newContext({ baseURL: BASE, acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${name}: page error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  return { context, page, problems };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function signIn(page, acct) {
  await page.goto('/#/signin');
  await page.getByLabel(/邮箱|Email/).fill(acct.email);
  await page.getByLabel(/密码|Password/).fill(acct.password);
  await page.click('[data-test=signin-submit]');
  await page.waitForSelector('[data-test=signout]');
}

function card(page, listTest, text) {
  return page.locator(`[data-test=${listTest}] > li`).filter({ hasText: text });
}

function assertClean(actor) {
  assert.deepEqual(actor.problems, [], 'script errors or CSP violations');
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  api = await request.newContext({ baseURL: BASE });
  const admin = account('TECHPOOL_E2E_ADMIN');
  assert.ok(admin, 'TECHPOOL_E2E_ADMIN ("email:password" of an admin) must be set');
  state.adminToken = await tokenFor(admin);

  state.institution = account('TECHPOOL_E2E_INSTITUTION');
  if (!state.institution) {
    state.institution = { email: `e2e-inst-${RUN}@example.com`, password: PASSWORD };
    await apiAs(state.adminToken, 'POST', '/api/v1/institutions', {
      name: `E2E 理工大学 ${RUN}`, name_en: `E2E University ${RUN}`, province: PROVINCE, kind: 'university',
      email: state.institution.email, password: PASSWORD, contact_name: '测试老师',
    });
  }
  state.institutionToken = await tokenFor(state.institution);
  const me = await apiAs(state.institutionToken, 'GET', '/api/v1/me');
  state.institutionUser = me.user || me;

  state.provinceAdmin = account('TECHPOOL_E2E_PROVINCE_ADMIN');
  if (!state.provinceAdmin) {
    state.provinceAdmin = { email: `e2e-padmin-${RUN}@example.com`, password: PASSWORD };
    await apiAs(state.adminToken, 'POST', '/api/v1/users', {
      email: state.provinceAdmin.email, password: PASSWORD, role: 'province_admin',
      province: state.institutionUser.province || PROVINCE, contact_name: '省级审核员',
    });
  }
  state.enterprise = { email: `e2e-ent-${RUN}@example.com`, password: PASSWORD, name: `E2E 智造科技有限公司 ${RUN}`, code: creditCode() };

  browser = await chromium.launch({
    executablePath: process.env.TECHPOOL_E2E_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  state.inst = await newActor('institution');
  await signIn(state.inst.page, state.institution);
});

after(async () => {
  if (browser) await browser.close();
  if (api) await api.dispose();
});

test('setup: the institution registers an achievement about 芯片 and submits it for review', async () => {
  const { page } = state.inst;
  await page.click('[data-test=nav-inst-achievements]');
  await shot(page, 'inst-achievements');
  await page.click('[data-test=achievement-new]');
  await page.waitForSelector('[data-test=achievement-form]');
  await page.getByLabel(/成果名称/).fill(CHIP_TITLE);
  await page.fill('[data-test=ach-title-en]', `Low-power chip verification platform E2E ${RUN}`);
  await page.fill('[data-test=ach-abstract]', '面向物联网终端的低功耗芯片验证平台，可缩短流片前验证周期。');
  await page.selectOption('[data-test=ach-field]', 'integrated_circuits');
  await page.selectOption('[data-test=ach-kind]', 'invention_patent');
  await page.fill('[data-test=ach-patents]', 'ZL202110123456.8');
  await page.fill('[data-test=ach-keywords]', '芯片, 低功耗, 验证');
  await page.fill('[data-test=ach-maturity]', '6');
  await page.fill('[data-test=ach-trial-months]', '6');
  await page.selectOption('[data-test=ach-payment-mode]', 'installments');
  await page.fill('[data-test=ach-fee]', '50000');
  await page.check('[data-test=ach-open-license]');
  // A malformed patent number is refused before anything is sent.
  await page.click('[data-test=ach-save]');
  await page.waitForSelector('[data-field=patent_numbers] .field-error:not(:empty)');
  await page.fill('[data-test=ach-patents]', patentNumber());
  await shot(page, 'achievement-form');
  await page.click('[data-test=ach-save]');
  await page.waitForURL(/#\/inst\/achievements$/);
  const mine = card(page, 'my-achievements', CHIP_TITLE);
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-test'), 'achievement');
  await mine.locator('[data-test=achievement-submit]').click();
  await card(page, 'my-achievements', CHIP_TITLE).locator('[data-status=pending]').waitFor();
  state.achievementId = await card(page, 'my-achievements', CHIP_TITLE).getAttribute('data-id');
  assert.match(state.achievementId, /^\d+$/);
  assertClean(state.inst);
});

test('(3) the province admin approves the submitted achievement in the review queue', async () => {
  state.padmin = await newActor('province admin');
  const { page } = state.padmin;
  await signIn(page, state.provinceAdmin);
  await page.goto('/#/admin/review');
  const item = card(page, 'review-queue', CHIP_TITLE);
  await item.waitFor();
  await shot(page, 'admin-review');
  await item.locator('[data-test=review-approve]').click();
  await card(page, 'review-queue', CHIP_TITLE).waitFor({ state: 'detached' });
  const listed = await apiAs(state.institutionToken, 'GET', `/api/v1/achievements/${state.achievementId}`);
  assert.equal(listed.status, 'listed');
  assertClean(state.padmin);
});

test('(1) an enterprise signs up, searches 芯片, opens the result and requests a free trial', async () => {
  state.ent = await newActor('enterprise');
  const { page } = state.ent;
  const e = state.enterprise;
  await page.goto('/#/signup');
  await page.fill('[data-test=signup-name]', e.name);
  // Checked as typed: a wrong check character is flagged, the right one is accepted.
  const wrong = e.code.slice(0, 17) + (e.code[17] === '0' ? '1' : '0');
  await page.getByLabel('统一社会信用代码').pressSequentially(wrong.toLowerCase());
  await page.waitForSelector('[data-field=credit_code] .field-error:not(:empty)');
  await page.getByLabel('统一社会信用代码').fill('');
  await page.getByLabel('统一社会信用代码').pressSequentially(e.code);
  await page.waitForSelector('[data-test=credit-code-state]:has-text("✓")');
  assert.equal(await page.locator('[data-field=credit_code] .field-error').textContent(), '');
  await page.selectOption('[data-test=signup-province]', 'ZJ');
  await page.selectOption('[data-test=signup-scale]', 'small');
  // registered in Nanjing: refused for Zhejiang before anything is sent
  await page.click('[data-test=signup-submit]');
  await page.waitForSelector('[data-field=credit_code] .field-error:not(:empty)');
  await page.selectOption('[data-test=signup-province]', 'JS');
  await page.fill('[data-test=signup-contact]', '王经理');
  await page.fill('[data-test=signup-email]', e.email);
  await page.fill('[data-test=signup-password]', e.password);
  await shot(page, 'signup');
  await page.click('[data-test=signup-submit]');
  await page.waitForSelector('[data-test=signout]');
  await page.waitForURL(/#\/me\/trials/);

  await page.click('[data-test=nav-pool]');
  await page.fill('[data-test=pool-search]', '芯片');
  await page.click('[data-test=pool-submit]');
  await page.waitForURL(/#\/pool\?q=/);
  const result = card(page, 'results', CHIP_TITLE);
  for (let i = 0; i < 30 && (await result.count()) === 0; i += 1) {
    await page.locator('[data-test=results] > li').first().waitFor();
    const more = page.locator('[data-test=load-more]');
    if (!(await more.isVisible())) break;
    const before = await page.locator('[data-test=results] > li').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=results] > li').length > n, before);
  }
  await result.waitFor();
  await shot(page, 'pool');
  await result.locator('[data-test=achievement-link]').click();
  await page.waitForURL(new RegExp(`#/achievements/${state.achievementId}$`));
  const terms = page.locator('[data-test=terms]');
  await terms.getByText('¥50,000.00').waitFor();
  await terms.getByText('6 个月').waitFor();
  await shot(page, 'achievement');
  await page.getByLabel('试用目的').fill('在新一代智能表计产品上验证芯片功耗。');
  await page.fill('[data-test=trial-months]', '3');
  await page.click('[data-test=trial-submit]');
  await page.click('[data-test=goto-my-trials]');
  const mine = card(page, 'my-trials', CHIP_TITLE);
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-status'), 'requested');
  state.trialId = await mine.getAttribute('data-id');
  await shot(page, 'my-trials');
  assertClean(state.ent);
});

test('(2) the institution approves and converts the trial with two installments and records a payment', async () => {
  const { page } = state.inst;
  await page.goto('/#/inst/trials');
  const req = card(page, 'requested-trials', CHIP_TITLE).filter({ hasText: state.enterprise.name });
  await req.waitFor();
  await req.locator('[data-test=trial-approve]').click();
  const act = card(page, 'active-trials', CHIP_TITLE).filter({ hasText: state.enterprise.name });
  await act.waitFor();
  await act.locator('[data-test=days-left]').waitFor();
  const trial = await apiAs(state.institutionToken, 'GET', `/api/v1/trials/${state.trialId}`);
  assert.equal(trial.status, 'active');

  await act.locator('[data-test=trial-convert]').click();
  const form = act.locator('[data-test=convert-form]');
  await form.locator('[data-test=convert-mode]').selectOption('installments');
  await form.locator('[data-test=convert-total]').fill('1000.50');
  const dues = form.locator('[data-test=inst-due]');
  const amounts = form.locator('[data-test=inst-amount]');
  await dues.nth(0).fill(addMonths(trial.started_on, 1));
  await dues.nth(1).fill(addMonths(trial.started_on, 2));
  await amounts.nth(0).fill('500.25');
  assert.ok(await form.locator('[data-test=convert-submit]').isDisabled(), 'enabled before the plan adds up');
  await amounts.nth(1).fill('500.2');
  assert.ok(await form.locator('[data-test=convert-submit]').isDisabled(), 'enabled with the plan 0.05 short');
  await amounts.nth(1).fill('500.25');
  assert.ok(await form.locator('[data-test=convert-submit]').isEnabled(), 'disabled although the plan adds up');
  await shot(page, 'inst-trials-convert');
  await form.locator('[data-test=convert-submit]').click();
  await page.waitForURL(/#\/licenses\/\d+$/);
  state.licenseId = page.url().match(/#\/licenses\/(\d+)$/)[1];
  await page.locator('[data-test=outstanding]').getByText('¥1,000.50').waitFor();
  assert.equal(await page.locator('[data-test=installment]').count(), 2);

  const pay = page.locator('[data-test=payment-form]');
  await pay.getByLabel(/金额/).fill('500.25');
  await pay.locator('[data-test=payment-date]').fill(trial.started_on);
  await pay.getByLabel('付款凭证号').fill(`E2E-${RUN}`);
  await pay.locator('[data-test=payment-submit]').click();
  await page.locator('[data-test=paid]').getByText('¥500.25').waitFor();
  await page.locator('[data-test=outstanding]').getByText('¥500.25').waitFor();
  assert.equal(await page.locator('[data-test=payment]').count(), 1);
  await shot(page, 'license-institution');
  assertClean(state.inst);

  const ent = state.ent.page;
  await ent.click('[data-test=nav-my-licenses]');
  const lic = ent.locator(`[data-test=licenses] > li[data-id="${state.licenseId}"]`);
  await lic.waitFor();
  await lic.locator('[data-test=outstanding]').getByText('¥500.25').waitFor();
  await shot(ent, 'my-licenses');
  await lic.locator('[data-test=license-link]').click();
  await ent.waitForURL(new RegExp(`#/licenses/${state.licenseId}$`));
  await ent.locator('[data-test=license-title]').waitFor();
  await ent.locator('[data-test=license-summary] [data-test=outstanding]').getByText('¥500.25').waitFor();
  await ent.locator('.terms dt', { hasText: '下一期应付' }).waitFor();
  assert.equal(await ent.locator('[data-test=installment]').count(), 2);
  assert.equal(await ent.locator('[data-test=payment-form]').count(), 0, 'the enterprise cannot record payments');
  await shot(ent, 'license-enterprise');
  assertClean(state.ent);
});

test('(3) the province admin downloads the trials CSV with a BOM, the header row and the new trial', async () => {
  const { page } = state.padmin;
  await page.goto('/#/admin/dashboard');
  await page.locator('[data-test=summary]').waitFor();
  await page.locator('[data-test=heatmap-trials] svg rect').first().waitFor();
  await shot(page, 'admin-dashboard');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-csv]')]);
  const file = await download.path();
  const bytes = await readFile(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  const text = bytes.subarray(3).toString('utf8');
  const [header] = text.split(/\r?\n/);
  assert.equal(header, 'trial_id,achievement_id,achievement_title,field,institution,institution_province,enterprise,'
    + 'enterprise_credit_code,enterprise_province,status,requested_at,started_on,ends_on,closed_at,license_total_fen,paid_fen');
  const row = text.split(/\r?\n/).find((l) => l.startsWith(`${state.trialId},`));
  assert.ok(row, 'the new trial is exported');
  assert.ok(row.includes(CHIP_TITLE) && row.includes(state.enterprise.code) && row.includes('converted'));
  assertClean(state.padmin);
});

test('(4) the language switch turns the page to English and back, and is remembered', async () => {
  const actor = await newActor('visitor');
  const { page } = actor;
  await page.goto('/');
  await page.locator('[data-test=nav-pool]').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('[data-test=nav-pool]'), '成果池');
  await page.click('[data-test=lang-switch]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('[data-test=nav-pool]'), 'Pool');
  assert.ok(await page.locator('.hero-inner > .l-en').isVisible());
  assert.ok(!(await page.locator('.hero-inner > .l-zh').isVisible()));
  await page.goto('/#/pool');
  await page.locator('[data-test=pool-form]').getByLabel('Search achievements').waitFor();
  await page.reload();
  await page.locator('[data-test=pool-form]').getByLabel('Search achievements').waitFor();
  await shot(page, 'pool-en');
  await page.click('[data-test=lang-switch]');
  await page.locator('[data-test=pool-form]').getByLabel('搜索成果').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('[data-test=nav-pool]'), '成果池');
  assertClean(actor);
  await actor.context.close();
});

test('(5) an achievement titled with markup shows the markup as text and runs nothing', async () => {
  const { page } = state.inst;
  await page.goto('/#/inst/achievements/new');
  await page.fill('[data-test=ach-title]', XSS_TITLE);
  await page.fill('[data-test=ach-abstract]', `E2E ${RUN} <script>window.__xss=2</script>`);
  await page.selectOption('[data-test=ach-field]', 'other');
  await page.selectOption('[data-test=ach-kind]', 'technical_secret');
  await page.fill('[data-test=ach-keywords]', '<b>x</b>');
  await page.fill('[data-test=ach-maturity]', '3');
  await page.fill('[data-test=ach-trial-months]', '3');
  await page.selectOption('[data-test=ach-payment-mode]', 'lump_sum');
  await page.fill('[data-test=ach-fee]', '0');
  await page.click('[data-test=ach-save]');
  await page.waitForURL(/#\/inst\/achievements$/);
  const item = card(page, 'my-achievements', XSS_TITLE).filter({ hasText: RUN });
  await item.waitFor();
  assert.equal(await item.locator('[data-test=achievement-link]').textContent(), XSS_TITLE);
  await item.locator('[data-test=achievement-link]').click();
  await page.locator('[data-test=achievement-title]').waitFor();
  assert.equal(await page.textContent('[data-test=achievement-title]'), XSS_TITLE);
  assert.match(await page.textContent('[data-test=achievement-abstract]'), /<script>window.__xss=2<\/script>/);
  await shot(page, 'xss-achievement');
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.ok(!/\bnull\b|undefined/.test(await page.textContent('main')), 'no null/undefined shown for missing fields');
  assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined');
  assertClean(state.inst);
});

test('(6) the enterprise asks for two more months, the institution agrees; the trial is then given back with a reason and a rating', async () => {
  const entToken = await tokenFor(state.enterprise);
  const padminToken = await tokenFor(state.provinceAdmin);
  const title = `储能电池热管理 E2E ${RUN}`;
  const a = await apiAs(state.institutionToken, 'POST', '/api/v1/achievements', {
    title, abstract: '电池包液冷热管理方案。', field: 'new_energy', kind: 'technical_secret', keywords: ['储能'],
    maturity: 5, trial_months: 12, payment_mode: 'lump_sum', reference_fee_fen: 2000000,
  });
  await apiAs(state.institutionToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  await apiAs(padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  const trial = await apiAs(entToken, 'POST', `/api/v1/achievements/${a.id}/trials`, { purpose: '样机验证', planned_months: 3 });
  await apiAs(state.institutionToken, 'POST', `/api/v1/trials/${trial.id}/approve`, {});

  const ent = state.ent.page;
  await ent.goto('/#/me/trials');
  let mine = card(ent, 'my-trials', title);
  await mine.waitFor();
  await mine.locator('[data-test=trial-extend]').click();
  await mine.locator('[data-test=trial-extend-months]').fill('2');
  await mine.locator('[data-test=trial-extend-reason]').fill('样机改版，需要多两个月验证。');
  await shot(ent, 'trial-extend');
  await mine.locator('[data-test=trial-extend-confirm]').click();
  await card(ent, 'my-trials', title).locator('[data-test=trial-extension][data-status=pending]').waitFor();
  assert.equal(await card(ent, 'my-trials', title).locator('[data-test=trial-extend]').count(), 0,
    'a second request is offered while one is pending');

  const inst = state.inst.page;
  await inst.goto('/#/inst/trials');
  const act = card(inst, 'active-trials', title);
  await act.locator('[data-test=extension-approve]').click();
  await card(inst, 'active-trials', title).locator('[data-test=trial-extension][data-status=approved]').waitFor();
  const extended = await apiAs(state.institutionToken, 'GET', `/api/v1/trials/${trial.id}`);
  assert.equal(extended.planned_months, 5);
  assert.equal(extended.ends_on, addMonths(extended.started_on, 5));
  assertClean(state.inst);

  await ent.reload();
  mine = card(ent, 'my-trials', title);
  await mine.locator('[data-test=trial-extension][data-status=approved]').waitFor();
  await mine.locator('[data-test=trial-return]').click();
  await mine.locator('[data-test=trial-return-code]').selectOption('too_costly');
  await mine.locator('[data-test=trial-return-rating]').selectOption('4');
  await mine.locator('[data-test=trial-return-reason]').fill('改造成本超出预算。');
  await mine.locator('[data-test=trial-return-confirm]').click();
  const returned = ent.locator('[data-test=my-trials] > li[data-status=returned]').filter({ hasText: title });
  await returned.waitFor();
  await returned.getByText('成本过高').waitFor();
  await returned.getByText('4 / 5').waitFor();
  await shot(ent, 'trial-returned');
  const back = await apiAs(entToken, 'GET', `/api/v1/trials/${trial.id}`);
  assert.equal(back.reason_code, 'too_costly');
  assert.equal(back.rating, 4);
  assertClean(state.ent);
});

test('(7) the dashboard reports served enterprises, their cities and why trials came back', async () => {
  const { page } = state.padmin;
  await page.goto('/#/admin/dashboard');
  await page.reload();   // the same address as in (3): read the figures afresh
  await page.locator('[data-test=stat-enterprises_served] .tile-value').getByText('1', { exact: true }).waitFor();
  await page.locator('[data-test=stat-licenses_signed] .tile-value').getByText('1', { exact: true }).waitFor();
  const city = page.locator('[data-test=regions-table] tr').filter({ hasText: '南京市' });
  await city.waitFor();
  assert.match(await city.textContent(), /江苏/);
  const costly = page.locator('[data-test=returns-table] tr').filter({ hasText: '成本过高' });
  await costly.getByText('4 / 5').waitFor();
  await page.locator('[data-test=heatmap-licensed] svg rect').first().waitFor();
  await shot(page, 'admin-dashboard-upward');
  assertClean(state.padmin);
});

test('(8) the institution finds its notices behind the bell, opens one and marks the rest read', async () => {
  const { page } = state.inst;
  await page.goto('/#/pool');
  await page.reload();
  const count = page.locator('[data-test=bell-count]');
  await count.waitFor();
  assert.ok(Number(await count.textContent()) >= 2, 'the bell counts the unread notices');
  await page.click('[data-test=bell]');
  await page.waitForURL(/#\/notifications$/);
  const requested = page.locator('[data-test=notifications] > li[data-kind="trial.requested"]').first();
  await requested.waitFor();
  assert.match(await requested.textContent(), /新的试用申请/);
  await shot(page, 'notifications');
  await requested.locator('[data-test=notification-open]').click();
  await page.waitForURL(/#\/inst\/trials$/);
  await page.goto('/#/notifications');
  await page.locator('[data-test=notifications] > li').first().waitFor();
  await page.click('[data-test=notifications-read-all]');
  await page.locator('[data-test=notifications] > li[data-unread=true]').first().waitFor({ state: 'detached' });
  await page.locator('[data-test=bell-count]').waitFor({ state: 'hidden' });
  await page.selectOption('[data-test=pref-language]', 'en');
  await page.click('[data-test=pref-save]');
  await page.getByText('已保存。').waitFor();
  const prefs = await apiAs(state.institutionToken, 'GET', '/api/v1/me/preferences');
  assert.equal(prefs.language, 'en');
  assertClean(state.inst);
});

// "2026-01-31" + n months, clamped to the month's end.
function addMonths(ymd, months) {
  const [y, m, d] = ymd.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${ny}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
