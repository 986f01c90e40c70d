// journeys: the browser UI driven end to end in headless Chromium against a running techpool daemon.
//
// Run: cd tests/e2e && npm ci && node --test --test-concurrency=1 journeys.test.mjs
//
// Environment:
//   TECHPOOL_E2E_URL             base URL of the running daemon (default http://127.0.0.1:8080)
//   TECHPOOL_E2E_LATER_URL       a daemon on the same database whose clock (TECHPOOL_TODAY) is at least
//                                121 days later, where a license signed today owes a royalty report
//                                (tests/e2e/run.sh starts one; without it the royalty journeys skip)
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
//   (2)    the institution approves the trial (its standard terms), proposes a license with two
//          installments; the enterprise accepts it beside the agreed terms; the institution records a
//          payment; the enterprise sees the license and what is outstanding;
//   (3)    the province admin downloads the trials CSV (BOM, header row, the new trial's row);
//   (4)    the language switch turns the page to English and back, and is remembered;
//   (5)    an achievement titled <img src=x onerror=window.__xss=1> shows as text and runs nothing;
//   (6)-(8) extension and return, the dashboard, notifications;
//   (9)    an enterprise proposes terms of its own; the institution sees where they differ before it
//          approves; a license proposed above the agreed price is declined and the trial goes on;
//   (10)   terms agreed before use, in Chinese: the institution offers a royalty through the form, the
//          enterprise requests a trial on the standard terms, the institution approves, the enterprise
//          keeps it at the agreed price, and — on the later clock — files a quarterly report and the
//          institution records the royalty payment;
//   (11)   the same in English, with an entry fee paid in two parts and a royalty.
//   (12)   patent open licensing, in Chinese (before (10)): the institution declares through the form
//          — the field for a reason appears as the fee or rate passes the national guidance —, an
//          enterprise finds it in the pool and the public list and takes a license in two clicks (the
//          price spelled out, then the license page), registers the contract; the institution records
//          the license with the patent office;
//   (13)   in English (before (10)): a large enterprise takes the same declaration; the institution
//          sees two licenses and withdraws the declaration, which takes no more;
//   (14)   on the later clock, the license of (13), never recorded, shows its recording overdue.
//   (15)   the dashboard (before (10)): the administrator, in Chinese, and the province admin, in English,
//          see open licensing, registered contracts and their amount, overdue recordings, the city and
//          return-reason tables, and download this year's annual report workbook (read back with unzip:
//          a sheet per province in scope and 合计, the institution's row with its figures).
//   (16)   on the later clock, a license 100 days overdue is marked defaulted; the province admin
//          finds the claim by its achievement and parties, reads the defaulted license on its page,
//          and can neither reject nor approve without an opinion and a confirmation that states
//          the amount in yuan and who is paid.
//   (10), (11), (14) and (16) run last: a sign-in on the later clock ends every session begun today.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import {
  LATER, RUN, PASSWORD, account, patentNumber, creditCode, openAll, closeAll, tokenFor, apiAs,
  newActor, shot, signIn, visit, toEnglish, card, assertClean, makeEnterprise, longDate,
} from './support.mjs';

const PROVINCE = process.env.TECHPOOL_E2E_PROVINCE || 'ZJ';
const CHIP_TITLE = `低功耗芯片验证平台 E2E ${RUN}`;
const XSS_TITLE = '<img src=x onerror=window.__xss=1>';

const state = {};
let api;

before(async () => {
  ({ api } = await openAll());
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

  state.inst = await newActor('institution');
  await signIn(state.inst.page, state.institution);
});

after(closeAll);

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
  await item.locator('[data-test=review-approve-confirm]').click();
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
  // welcomed in the pool, with the way to the trials it will ask for
  await page.waitForURL(/#\/pool$/);
  await page.locator('[data-test=notice]').getByText('注册成功').waitFor();
  await page.locator('[data-test=welcome-next]').waitFor();

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
  const terms = page.locator('[data-test=standard-terms]');
  await terms.locator('[data-test=terms-fee]').getByText('¥50,000.00').waitFor();
  await terms.locator('[data-test=schedule-entry]').getByText('转许可后 30 天').waitFor();
  await terms.getByText('6 个月').waitFor();
  // the request takes the standard terms unless the enterprise proposes others
  assert.ok(await page.locator('[data-test=terms-standard]').isChecked());
  await page.locator('[data-test=standard-terms-preview] [data-test=terms-fee]').getByText('¥50,000.00').waitFor();
  assert.ok(!(await page.locator('[data-test=propose-terms]').isVisible()));
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

test('(2) the institution approves on the standard terms and proposes a license; the enterprise accepts it; a payment is recorded', async () => {
  const { page } = state.inst;
  await page.goto('/#/inst/trials');
  const req = card(page, 'requested-trials', CHIP_TITLE).filter({ hasText: state.enterprise.name });
  await req.waitFor();
  await req.locator('[data-test=terms-standard-tag]').waitFor();
  assert.equal(await req.locator('[data-test=terms-differ]').count(), 0, 'standard terms shown as differing');
  await req.locator('[data-test=trial-approve]').click();
  await req.locator('[data-test=trial-approve-confirm]').click();
  const act = card(page, 'active-trials', CHIP_TITLE).filter({ hasText: state.enterprise.name });
  await act.waitFor();
  await act.locator('[data-test=days-left]').waitFor();
  const trial = await apiAs(state.institutionToken, 'GET', `/api/v1/trials/${state.trialId}`);
  assert.equal(trial.status, 'active');
  assert.equal(trial.terms_agreed_on, trial.started_on);
  assert.equal(await act.locator('[data-test=terms-agreed-on]').getAttribute('data-date'), trial.terms_agreed_on);
  await act.locator('[data-test=agreed-terms] [data-test=terms-fee]').getByText('¥50,000.00').waitFor();

  // the proposal starts from the agreed terms (the whole fee 30 days on) and is changed here
  await act.locator('[data-test=trial-convert]').click();
  const form = act.locator('[data-test=convert-form]');
  assert.equal(await form.locator('[data-test=convert-total]').inputValue(), '50000');
  assert.equal(await form.locator('[data-test=inst-amount]').count(), 1);
  await form.locator('[data-test=convert-mode]').selectOption('installments');
  await form.locator('[data-test=convert-total]').fill('1000.50');
  await form.locator('[data-test=inst-add]').click();
  const dues = form.locator('[data-test=inst-due]');
  const amounts = form.locator('[data-test=inst-amount]');
  await dues.nth(0).fill(addMonths(trial.started_on, 1));
  await dues.nth(1).fill(addMonths(trial.started_on, 2));
  await amounts.nth(0).fill('500.25');
  await amounts.nth(1).fill('');
  assert.ok(await form.locator('[data-test=convert-submit]').isDisabled(), 'enabled before the plan adds up');
  await amounts.nth(1).fill('500.2');
  assert.ok(await form.locator('[data-test=convert-submit]').isDisabled(), 'enabled with the plan 0.05 short');
  await amounts.nth(1).fill('500.25');
  assert.ok(await form.locator('[data-test=convert-submit]').isEnabled(), 'disabled although the plan adds up');
  await shot(page, 'inst-trials-propose');
  await form.locator('[data-test=convert-submit]').click();
  await form.locator('[data-test=convert-confirm]').click();
  await page.waitForURL(/#\/licenses\/\d+$/);
  state.licenseId = page.url().match(/#\/licenses\/(\d+)$/)[1];
  await page.locator('[data-test=proposal-waiting]').waitFor();
  await page.locator('.tags [data-status=proposed]').waitFor();
  assert.equal(await page.locator('[data-test=payment-form]').count(), 0, 'payments on a proposal');
  await shot(page, 'proposal-institution');
  await page.goto('/#/inst/trials');
  await card(page, 'active-trials', CHIP_TITLE).filter({ hasText: state.enterprise.name }).locator('[data-test=proposal-open]').waitFor();
  assertClean(state.inst);

  // the enterprise answers beside the terms it agreed to
  const ent = state.ent.page;
  await visit(ent, '/#/me/trials');
  await card(ent, 'my-trials', CHIP_TITLE).locator('[data-test=proposal-link]').click();
  await ent.waitForURL(new RegExp(`#/licenses/${state.licenseId}$`));
  const compare = ent.locator('[data-test=proposal-compare]');
  await compare.waitFor();
  assert.equal(await compare.locator('[data-key=fee_fen]').getAttribute('data-differs'), 'true');
  assert.equal(await compare.locator('[data-key=payment_mode]').getAttribute('data-differs'), 'false');
  await shot(ent, 'proposal-enterprise');
  await ent.click('[data-test=license-accept]');
  await ent.locator('[data-test=license-accept-statement]').getByText('¥1,000.50').waitFor();
  await ent.click('[data-test=license-accept-confirm]');
  await ent.locator('.tags [data-status=active]').waitFor();
  await ent.locator('[data-test=license-summary] [data-test=outstanding]').getByText('¥1,000.50').waitFor();
  assert.equal(await ent.locator('[data-test=installment]').count(), 2);
  const converted = await apiAs(state.institutionToken, 'GET', `/api/v1/trials/${state.trialId}`);
  assert.equal(converted.status, 'converted');
  assert.equal(String(converted.license_id), state.licenseId);
  assertClean(state.ent);

  await visit(page, `/#/licenses/${state.licenseId}`);
  const pay = page.locator('[data-test=payment-form]');
  await pay.getByLabel(/金额/).fill('500.25');
  await pay.locator('[data-test=payment-date]').fill(trial.started_on);
  await pay.getByLabel('付款凭证号').fill(`E2E-${RUN}`);
  await pay.locator('[data-test=payment-submit]').click();
  await pay.locator('[data-test=payment-confirm]').click();
  await page.locator('[data-test=paid]').getByText('¥500.25').waitFor();
  await page.locator('[data-test=outstanding]').getByText('¥500.25').waitFor();
  assert.equal(await page.locator('[data-test=payment]').count(), 1);
  await shot(page, 'license-institution');
  assertClean(state.inst);

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

test('(3) the province admin downloads the trials CSV with a BOM, the Chinese header row and the new trial', async () => {
  const { page } = state.padmin;
  await page.goto('/#/admin/dashboard');
  await page.locator('[data-test=summary]').waitFor();
  await page.locator('[data-test=heatmap-trials][data-ready]').waitFor();
  await shot(page, 'admin-dashboard');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-csv]')]);
  const file = await download.path();
  const bytes = await readFile(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  const text = bytes.subarray(3).toString('utf8');
  const [header] = text.split(/\r?\n/);
  assert.ok(header.startsWith('试用编号,成果编号,成果名称,技术领域'), header);
  const row = text.split(/\r?\n/).find((l) => l.startsWith(`${state.trialId},`));
  assert.ok(row, 'the new trial is exported');
  assert.ok(row.includes(CHIP_TITLE) && row.includes(state.enterprise.code) && row.includes('已转许可'));
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
  await mine.locator('[data-test=trial-return-next]').click();
  await mine.locator('[data-test=trial-return-statement]').getByText(title).waitFor();
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
  await page.locator('[data-test=heatmap-licensed][data-ready]').waitFor();
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

// The agreement journey in one language. zh: a pure royalty of 5 % of net sales for 3 years;
// en: an entry fee of ¥20,000 in two payments (30 and 90 days after conversion) plus 3.5 %.
async function agreementJourney(lang) {
  const en = lang === 'en';
  const L = (zh, english) => (en ? english : zh);
  const title = L(`在线润滑监测 E2E ${RUN}`, `Online lubrication monitoring E2E ${RUN}`);
  // fresh sessions: a sign-in on the later clock purges every session idle by that clock, i.e.
  // all of those begun today
  const padminToken = await tokenFor(state.provinceAdmin);
  const instToken = await tokenFor(state.institution);
  const actors = [];
  const actor = async (name, base) => {
    const a = await newActor(`${name} (${lang})`, base);
    actors.push(a);
    return a;
  };
  try {
    // the institution offers its standard terms through the form
    const inst = await actor('institution');
    const ip = inst.page;
    await signIn(ip, state.institution);
    if (en) await toEnglish(ip);
    await ip.goto('/#/inst/achievements/new');
    await ip.fill('[data-test=ach-title]', title);
    await ip.fill('[data-test=ach-abstract]', L('风电齿轮箱润滑油在线监测与寿命预测。', 'Online monitoring of wind-turbine gearbox oil and its remaining life.'));
    await ip.selectOption('[data-test=ach-field]', 'advanced_manufacturing');
    await ip.selectOption('[data-test=ach-kind]', 'technical_secret');
    await ip.fill('[data-test=ach-keywords]', L('润滑, 监测', 'lubrication, monitoring'));
    await ip.fill('[data-test=ach-maturity]', '6');
    await ip.fill('[data-test=ach-trial-months]', '6');
    if (en) {
      await ip.selectOption('[data-test=ach-payment-mode]', 'lump_sum_plus_royalty');
      await ip.fill('[data-test=ach-fee]', '20000');
      // the default: one payment of the whole fee 30 days after conversion
      assert.equal(await ip.locator('[data-test=ach-schedule-days]').inputValue(), '30');
      assert.equal(await ip.locator('[data-test=ach-schedule-amount]').inputValue(), '20000');
      await ip.locator('[data-test=ach-schedule-amount]').fill('10000');
      await ip.locator('[data-test=ach-schedule-sum]').getByText('¥10,000.00 short').waitFor();
      await ip.click('[data-test=ach-schedule-add]');
      await ip.locator('[data-test=ach-schedule-days]').nth(1).fill('90');
      await ip.locator('[data-test=ach-schedule-amount]').nth(1).fill('10000');
      await ip.fill('[data-test=ach-royalty]', '3.5');
      await ip.fill('[data-test=ach-license-years]', '2');
    } else {
      await ip.selectOption('[data-test=ach-payment-mode]', 'royalty');
      await ip.fill('[data-test=ach-fee]', '0');
      await ip.locator('[data-test=ach-schedule-no-fee]').waitFor();
      await ip.fill('[data-test=ach-royalty]', '5');
      await ip.fill('[data-test=ach-license-years]', '3');
    }
    await ip.selectOption('[data-test=ach-royalty-base]', 'net_sales');
    await shot(ip, `agreement-${lang}-achievement-form`);
    await ip.click('[data-test=ach-save]');
    await ip.waitForURL(/#\/inst\/achievements$/);
    const mine = card(ip, 'my-achievements', title);
    await mine.locator('[data-test=achievement-submit]').click();
    await card(ip, 'my-achievements', title).locator('[data-status=pending]').waitFor();
    const achievementId = await card(ip, 'my-achievements', title).getAttribute('data-id');
    await apiAs(padminToken, 'POST', `/api/v1/achievements/${achievementId}/approve`, {});
    const offered = await apiAs(instToken, 'GET', `/api/v1/achievements/${achievementId}`);
    assert.deepEqual(offered.standard_terms.fee_schedule, en
      ? [{ after_days: 30, amount_fen: 1000000 }, { after_days: 90, amount_fen: 1000000 }] : []);
    assert.equal(offered.standard_terms.royalty_bp, en ? 350 : 500);
    assert.equal(offered.standard_terms.license_years, en ? 2 : 3);

    // the enterprise reads the standard terms and requests a trial on them
    const ent = await actor('enterprise');
    const ep = ent.page;
    await signIn(ep, state.enterprise);
    if (en) await toEnglish(ep);
    await ep.goto(`/#/achievements/${achievementId}`);
    const std = ep.locator('[data-test=standard-terms]');
    await std.locator('[data-test=terms-royalty]').getByText(en ? '3.5 %' : '5 %').waitFor();
    await std.getByText(L('净销售额', 'Net sales')).waitFor();
    await std.getByText(L('3 年', '2 years')).waitFor();
    if (en) {
      await std.locator('[data-test=terms-fee]').getByText('¥20,000.00').waitFor();
      assert.deepEqual(await std.locator('[data-test=schedule-entry]').allTextContents(),
        ['30 days after conversion: ¥10,000.00', '90 days after conversion: ¥10,000.00']);
    } else {
      assert.equal(await std.locator('[data-test=terms-fee]').count(), 0, 'a fee shown for a pure royalty');
    }
    assert.ok(await ep.locator('[data-test=terms-standard]').isChecked());
    await ep.click('[data-test=terms-propose]');
    await ep.locator('[data-test=proposed-terms-preview]').waitFor();
    await ep.click('[data-test=terms-standard]');
    await ep.locator('[data-test=standard-terms-preview]').waitFor();
    await ep.fill('[data-test=trial-purpose]', L('在两台风机上试装监测模块。', 'Fit the monitor to two turbines.'));
    await ep.fill('[data-test=trial-months]', '3');
    await shot(ep, `agreement-${lang}-request`);
    await ep.click('[data-test=trial-submit]');
    await ep.click('[data-test=goto-my-trials]');
    const requested = card(ep, 'my-trials', title);
    await requested.waitFor();
    assert.equal(await requested.getAttribute('data-status'), 'requested');
    assert.equal(await requested.locator('[data-test=trial-terms]').getAttribute('data-standard'), 'true');
    const trialId = await requested.getAttribute('data-id');

    // the institution sees the standard terms asked for and approves: they are agreed
    await ip.goto('/#/inst/trials');
    const req = card(ip, 'requested-trials', title);
    await req.locator('[data-test=terms-standard-tag]').waitFor();
    await req.locator('[data-test=trial-approve]').click();
    await req.locator('[data-test=trial-approve-confirm]').click();
    const act = card(ip, 'active-trials', title);
    await act.locator('[data-test=agreed-terms]').waitFor();
    const trial = await apiAs(instToken, 'GET', `/api/v1/trials/${trialId}`);
    assert.equal(await act.locator('[data-test=terms-agreed-on]').getAttribute('data-date'), trial.terms_agreed_on);
    assertClean(inst);

    // the enterprise keeps it at the agreed price, seeing the payments before it signs
    const today = (await (await api.get('/api/v1/meta')).json()).today;
    await visit(ep, '/#/me/trials');
    const active = card(ep, 'my-trials', title);
    await active.locator('[data-test=agreed-terms]').waitFor();
    await active.locator('[data-test=trial-keep]').click();
    const preview = active.locator('[data-test=keep-preview]');
    await preview.waitFor();
    await preview.locator('[data-test=keep-royalty]').getByText(en ? '3.5 %' : '5 %').waitFor();
    if (en) {
      const rows = preview.locator('[data-test=keep-payment]');
      assert.equal(await rows.count(), 2);
      assert.equal(await rows.nth(0).getAttribute('data-due'), addDays(today, 30));
      assert.equal(await rows.nth(1).getAttribute('data-due'), addDays(today, 90));
      assert.equal(await rows.nth(0).getAttribute('data-amount'), '1000000');
      await preview.locator('[data-test=keep-total]').getByText('¥20,000.00').waitFor();
    } else {
      await preview.locator('[data-test=keep-no-fixed]').waitFor();
    }
    await shot(ep, `agreement-${lang}-keep`);
    await preview.locator('[data-test=trial-keep-confirm]').click();
    await ep.waitForURL(/#\/licenses\/\d+$/);
    const licenseId = ep.url().match(/#\/licenses\/(\d+)$/)[1];
    await ep.locator('.tags [data-status=active]').waitFor();
    await ep.locator('[data-test=license-terms] [data-test=terms-royalty]').getByText(en ? '3.5 %' : '5 %').waitFor();
    await ep.locator('[data-test=terms-agreed-on]').waitFor();
    assert.equal(await ep.locator('[data-test=installment]').count(), en ? 2 : 0);
    await ep.locator('[data-test=reports-due-none]').waitFor();
    assert.equal(await ep.locator('[data-test=report-form]').count(), 0, 'a report form before a quarter ended');
    const kept = await apiAs(instToken, 'GET', `/api/v1/trials/${trialId}`);
    assert.equal(kept.status, 'converted');
    assertClean(ent);

    if (!LATER) return;
    // 130 days on: the quarter of signing has ended and its report is overdue
    const entLater = await actor('enterprise later', LATER);
    const lp = entLater.page;
    await signIn(lp, state.enterprise);
    if (en) await toEnglish(lp);
    await lp.goto(`/#/licenses/${licenseId}`);
    const dueRows = lp.locator('[data-test=report-due]');
    await dueRows.first().waitFor();
    const dueCount = await dueRows.count();
    assert.equal(await dueRows.first().getAttribute('data-overdue'), 'true');
    await dueRows.first().locator('[data-test=report-overdue]').waitFor();
    const form = lp.locator('[data-test=report-form]');
    assert.equal(await form.locator('[data-test=report-period] option').count(), dueCount, 'periods other than those due');
    const period = await dueRows.first().getAttribute('data-period');
    assert.equal(await form.locator('[data-test=report-period]').inputValue(), period);
    await form.locator('[data-test=report-net-sales]').fill(en ? '1,234,567.89' : '1000000');
    // the royalty it will cost, before sending: 3.5 % of ¥1,234,567.89 is ¥43,209.876…, rounded half up
    await form.locator('[data-test=report-royalty]').getByText(en ? '¥43,209.88' : '¥50,000.00').waitFor();
    await shot(lp, `agreement-${lang}-report`);
    await form.locator('[data-test=report-submit]').click();
    const filed = lp.locator(`[data-test=report][data-period="${period}"]`);
    await filed.locator('[data-test=report-royalty-fen]').getByText(en ? '¥43,209.88' : '¥50,000.00').waitFor();
    assert.equal(await lp.locator('[data-test=report-due]').count(), dueCount - 1);
    assert.equal(await lp.locator('[data-test=installment][data-kind=royalty]').count(), 1);
    const owed = en ? '¥63,209.88' : '¥50,000.00';
    await lp.locator('[data-test=license-summary] [data-test=outstanding]').getByText(owed).waitFor();
    assertClean(entLater);

    // the institution sees the report and records the money
    const instLater = await actor('institution later', LATER);
    const jp = instLater.page;
    await signIn(jp, state.institution);
    if (en) await toEnglish(jp);
    await jp.goto(`/#/licenses/${licenseId}`);
    await jp.locator(`[data-test=report][data-period="${period}"]`).waitFor();
    assert.equal(await jp.locator('[data-test=report-form]').count(), 0, 'the institution files reports');
    const pay = jp.locator('[data-test=payment-form]');
    await pay.locator('[data-test=payment-amount]').fill(en ? '63209.88' : '50000');
    // the day paid defaults to the service's today, not the browser's
    const laterToday = (await (await api.get(`${LATER}/api/v1/meta`)).json()).today;
    assert.equal(await pay.locator('[data-test=payment-date]').inputValue(), laterToday);
    await pay.locator('[data-test=payment-reference]').fill(`E2E-ROYALTY-${lang}-${RUN}`);
    await pay.locator('[data-test=payment-submit]').click();
    await pay.locator('[data-test=payment-confirm]').click();
    await jp.locator('[data-test=license-summary] [data-test=paid]').getByText(owed).waitFor();
    await jp.locator('[data-test=license-summary] [data-test=outstanding]').getByText('¥0.00').waitFor();
    await jp.locator('[data-test=installment][data-kind=royalty]').getByText(L('已付清', 'Paid')).first().waitFor();
    assert.equal(await jp.locator('[data-test=payment]').count(), 1);
    await shot(jp, `agreement-${lang}-paid`);
    assertClean(instLater);
  } finally {
    for (const a of actors) await a.context.close();
  }
}

test('(9) an enterprise proposes terms of its own, the institution sees how they differ before approving; a license proposal is declined and the trial goes on', async () => {
  const padminToken = await tokenFor(state.provinceAdmin);
  const instToken = await tokenFor(state.institution);
  const title = `工业视觉检测 E2E ${RUN}`;
  const a = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title, abstract: '电子元器件外观缺陷的视觉检测软件。', field: 'artificial_intelligence', kind: 'software_copyright',
    keywords: ['视觉'], maturity: 6, trial_months: 6, payment_mode: 'installments', reference_fee_fen: 5000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  await apiAs(padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  const ent = await newActor('enterprise (9)');
  const inst = await newActor('institution (9)');
  try {
    const ep = ent.page;
    await signIn(ep, state.enterprise);
    await ep.goto(`/#/achievements/${a.id}`);
    await ep.click('[data-test=terms-propose]');
    await ep.fill('[data-test=terms-fee-input]', '30000');
    const days = ep.locator('[data-test=terms-schedule-days]');
    const amounts = ep.locator('[data-test=terms-schedule-amount]');
    assert.equal(await amounts.first().inputValue(), '30000', 'a single payment follows the fee');
    await amounts.first().fill('10000');
    await ep.click('[data-test=terms-schedule-add]');
    await days.nth(1).fill('180');
    await amounts.nth(1).fill('20000');
    await ep.fill('[data-test=terms-field-of-use]', '仅限电子元器件检测');
    const preview = ep.locator('[data-test=proposed-terms-preview]');
    await preview.locator('[data-test=terms-fee]').getByText('¥30,000.00').waitFor();
    await preview.getByText('转许可后 180 天').waitFor();
    await preview.getByText('仅限电子元器件检测').waitFor();
    await ep.fill('[data-test=trial-purpose]', '在两条产线上试用。');
    await ep.fill('[data-test=trial-months]', '2');
    await shot(ep, 'trial-propose-terms');
    await ep.click('[data-test=trial-submit]');
    await ep.click('[data-test=goto-my-trials]');
    const mine = card(ep, 'my-trials', title);
    await mine.locator('[data-test=terms-differ-tag]').waitFor();
    const trialId = await mine.getAttribute('data-id');
    const asked = await apiAs(instToken, 'GET', `/api/v1/trials/${trialId}`);
    assert.equal(asked.terms_standard, false);
    assert.equal(asked.terms.fee_fen, 3000000);
    assert.deepEqual(asked.terms.fee_schedule, [{ after_days: 30, amount_fen: 1000000 }, { after_days: 180, amount_fen: 2000000 }]);
    assert.equal(asked.terms.field_of_use, '仅限电子元器件检测');

    // before approving, the institution sees what differs from its standard terms
    const ip = inst.page;
    await signIn(ip, state.institution);
    await ip.goto('/#/inst/trials');
    const req = card(ip, 'requested-trials', title);
    const compare = req.locator('[data-test=terms-differ] [data-test=terms-compare]');
    await compare.waitFor();
    for (const key of ['fee_fen', 'fee_schedule', 'field_of_use']) {
      assert.equal(await compare.locator(`[data-key=${key}]`).getAttribute('data-differs'), 'true', key);
    }
    assert.equal(await compare.locator('[data-key=license_years]').getAttribute('data-differs'), 'false');
    await shot(ip, 'inst-trials-differing-terms');
    await req.locator('[data-test=trial-approve]').click();
    await req.locator('[data-test=trial-approve-confirm]').click();
    const act = card(ip, 'active-trials', title);
    await act.locator('[data-test=agreed-terms]').getByText('仅限电子元器件检测').waitFor();

    // a proposal above the agreed price: the enterprise declines it, the trial goes on
    await act.locator('[data-test=trial-convert]').click();
    const form = act.locator('[data-test=convert-form]');
    assert.equal(await form.locator('[data-test=convert-total]').inputValue(), '30000');
    assert.equal(await form.locator('[data-test=inst-amount]').count(), 2);
    await form.locator('[data-test=convert-total]').fill('36000');
    await form.locator('[data-test=inst-amount]').nth(0).fill('12000');
    await form.locator('[data-test=inst-amount]').nth(1).fill('24000');
    await form.locator('[data-test=convert-submit]').click();
    await form.locator('[data-test=convert-confirm]').click();
    await ip.waitForURL(/#\/licenses\/\d+$/);
    const proposalId = ip.url().match(/#\/licenses\/(\d+)$/)[1];
    await ip.locator('[data-test=proposal-waiting]').waitFor();

    await visit(ep, '/#/me/trials');
    await card(ep, 'my-trials', title).locator('[data-test=proposal-link]').click();
    await ep.waitForURL(new RegExp(`#/licenses/${proposalId}$`));
    assert.equal(await ep.locator('[data-test=proposal-compare] [data-key=fee_fen]').getAttribute('data-differs'), 'true');
    await ep.click('[data-test=license-decline]');
    await ep.fill('[data-test=license-decline-reason]', '高于约定价格。');
    await ep.click('[data-test=license-decline-next]');
    await ep.click('[data-test=license-decline-confirm]');
    await ep.locator('[data-test=proposal-declined]').getByText('高于约定价格。').waitFor();
    const after = await apiAs(instToken, 'GET', `/api/v1/trials/${trialId}`);
    assert.equal(after.status, 'active');
    assert.equal(after.proposed_license_id, null);
    await visit(ep, '/#/me/trials');
    await card(ep, 'my-trials', title).locator('[data-test=trial-keep]').waitFor();
    assertClean(ent);

    await visit(ip, `/#/licenses/${proposalId}`);
    await ip.locator('.tags [data-status=declined]').waitFor();
    await ip.locator('[data-test=proposal-declined]').getByText('高于约定价格。').waitFor();
    await visit(ip, '/#/inst/trials');
    await card(ip, 'active-trials', title).locator('[data-test=trial-convert]').waitFor();
    assertClean(inst);
  } finally {
    await ent.context.close();
    await inst.context.close();
  }
});

// Open licensing. A listed invention patent of the institution with two patent numbers, and an
// enterprise signed up over the API (scale and province as given) for the journeys below.
async function patentOfInstitution(title) {
  const padminToken = await tokenFor(state.provinceAdmin);
  const instToken = await tokenFor(state.institution);
  let patents = [patentNumber(), patentNumber()];
  while (patents[0] === patents[1]) patents = [patents[0], patentNumber()];
  const a = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title, abstract: '高导热石墨烯散热膜的制备工艺，适用于手机和基站功放散热。', field: 'new_materials',
    kind: 'invention_patent', patent_numbers: patents, keywords: ['石墨烯', '散热'], maturity: 7,
    trial_months: 6, payment_mode: 'lump_sum', reference_fee_fen: 10000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  await apiAs(padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  return { id: String(a.id), patents, instToken };
}

function enterpriseSignedUp(tag, province, division, scale) {
  return makeEnterprise({
    email: `e2e-ent-${tag}-${RUN}@example.com`, name: `E2E ${tag} 企业 ${RUN}`, province, division, scale,
    contact: '李经理',
  });
}

const OL_TITLE = `石墨烯散热膜 E2E ${RUN}`;
const OL_REASON = '核心制备工艺专利，研发投入逾两亿元，提成高于指导标准。';

test('(12) 专利开放许可：成果方声明（条件高于指导标准时须说明理由），企业两步取得许可，成果方登记备案，企业填写认定登记', async () => {
  const patent = await patentOfInstitution(OL_TITLE);
  const entAcct = await enterpriseSignedUp('open-zh', 'JS', '91320100', 'small');
  const today = (await (await api.get('/api/v1/meta')).json()).today;
  const inst = await newActor('institution (12)');
  const ent = await newActor('enterprise (12)');
  try {
    // the institution declares through the form on the achievement's page
    const ip = inst.page;
    await signIn(ip, state.institution);
    await ip.goto(`/#/achievements/${patent.id}`);
    await ip.click('[data-test=ol-declare]');
    const form = ip.locator('[data-test=ol-declare-form]');
    await form.waitFor();
    const boxes = form.locator('[data-test=ol-patent]');
    assert.equal(await boxes.count(), 2);
    assert.ok(await boxes.nth(0).isChecked() && await boxes.nth(1).isChecked(), 'every patent is in to start with');
    await boxes.nth(1).uncheck();
    // the guidance beside the fee; the reason is asked for only above it
    const exception = form.locator('[data-test=ol-exception-field]');
    await form.locator('[data-test=ol-guide-fee]').getByText('2,000 万元').waitFor();
    assert.ok(!(await exception.isVisible()), 'a reason asked for before any fee');
    await form.locator('[data-test=ol-fee]').fill('20000000');
    assert.ok(!(await exception.isVisible()), 'a reason asked for at the guidance itself');
    await form.locator('[data-test=ol-fee]').fill('20000000.01');
    await exception.waitFor();
    await form.locator('[data-test=ol-guide-fee]').getByText('高于国家指导标准').waitFor();
    await form.locator('[data-test=ol-fee]').fill('100000');
    await exception.waitFor({ state: 'hidden' });
    // an entry fee and a royalty: 25 % is above the guidance on net sales, within it on profit
    await form.locator('[data-test=ol-fee-kind]').selectOption('entry_plus_royalty');
    await form.locator('[data-test=ol-guide-royalty]').getByText('净销售额的 20%').waitFor();
    await form.locator('[data-test=ol-royalty]').fill('25');
    await exception.waitFor();
    await form.locator('[data-test=ol-royalty-base]').selectOption('profit');
    await exception.waitFor({ state: 'hidden' });
    await form.locator('[data-test=ol-royalty-base]').selectOption('net_sales');
    await exception.waitFor();
    await form.locator('[data-test=ol-years]').fill('5');
    await form.locator('[data-test=ol-announcement]').fill(`CN-OL-${RUN}`);
    await form.locator('[data-test=ol-announced-on]').fill(today);
    // without the reason nothing is sent
    await form.locator('[data-test=ol-declare-submit]').click();
    await form.locator('[data-field=guideline_exception] .field-error:not(:empty)').waitFor();
    await form.locator('[data-test=ol-exception]').fill(OL_REASON);
    await shot(ip, 'open-license-declare');
    await form.locator('[data-test=ol-declare-submit]').click();
    const declared = ip.locator('[data-test=open-license]');
    await declared.waitFor();
    const olId = await declared.getAttribute('data-id');
    await declared.locator('[data-test=ol-fee-value]').getByText('¥100,000.00').waitFor();
    await declared.locator('[data-test=ol-royalty-value]').getByText('25 %').waitFor();
    await declared.locator('[data-test=ol-exception-text]').getByText(OL_REASON).waitFor();
    await declared.locator('[data-test=ol-licenses-count]').getByText('0 家').waitFor();
    assert.deepEqual(await declared.locator('[data-test=ol-patents] li').allTextContents(), [patent.patents[0]]);
    await ip.locator('[data-test=open-license-tag]').waitFor();
    const d = await apiAs(patent.instToken, 'GET', `/api/v1/open-licenses/${olId}`);
    assert.deepEqual([d.fee_kind, d.fee_fen, d.royalty_bp, d.royalty_base, d.years, d.announced_on, d.guideline_exception],
      ['entry_plus_royalty', 10000000, 2500, 'net_sales', 5, today, OL_REASON]);
    assert.deepEqual(d.patent_numbers, [patent.patents[0]]);
    await shot(ip, 'open-license-declared');
    assertClean(inst);

    // the enterprise finds it marked in the pool and in the public list
    const ep = ent.page;
    await signIn(ep, entAcct);
    await ep.goto(`/#/pool?q=${encodeURIComponent('石墨烯散热膜')}&open_license=true`);
    await card(ep, 'results', OL_TITLE).locator('[data-test=open-license]').waitFor();
    await ep.click('[data-test=pool-open-licenses]');
    await ep.waitForURL(/#\/open-licenses$/);
    const listed = ep.locator(`[data-test=open-licenses] > li[data-id="${olId}"]`);
    await listed.locator('[data-test=ol-above]').waitFor();
    await listed.locator('[data-test=ol-fee-value]').getByText('¥100,000.00').waitFor();
    await listed.getByText(OL_REASON).waitFor();
    await shot(ep, 'open-licenses-zh');
    await listed.locator('[data-test=open-license-link]').click();
    await ep.waitForURL(new RegExp(`#/achievements/${patent.id}$`));

    // two clicks: the first spells out the price, the second signs
    await ep.click('[data-test=ol-take]');
    const panel = ep.locator('[data-test=ol-take-panel]');
    const fee = panel.locator('[data-test=ol-take-fee]');
    assert.equal(await fee.getAttribute('data-amount'), '10000000');
    assert.equal(await fee.getAttribute('data-due'), addDays(today, 30));
    await fee.getByText('¥100,000.00').waitFor();
    await fee.getByText(longDate(addDays(today, 30), 'zh')).waitFor();
    await panel.locator('[data-test=ol-take-royalty]').getByText('净销售额的 25 %').waitFor();
    await panel.locator('[data-test=ol-take-years]').getByText('5 年').waitFor();
    assert.equal(await panel.locator('[data-test=ol-take-years]').getAttribute('data-to'), addMonths(today, 60));
    await shot(ep, 'open-license-take-zh');
    await panel.locator('[data-test=ol-take-confirm]').click();
    await ep.waitForURL(/#\/licenses\/\d+$/);
    const licenseId = ep.url().match(/#\/licenses\/(\d+)$/)[1];
    await ep.locator('.tags [data-status=active]').waitFor();
    await ep.locator('[data-test=open-license-source]').waitFor();
    await ep.locator('[data-test=license-source]').getByText(`开放许可声明 #${olId}`).waitFor();
    assert.equal(await ep.locator('[data-test=installment]').count(), 1);
    // recorded by the patentee within three months: pending, not the enterprise's to enter
    const recording = ep.locator('[data-test=recording]');
    assert.equal(await recording.getAttribute('data-status'), 'pending');
    assert.equal(await recording.locator('[data-test=recording-due]').getAttribute('data-date'), addMonths(today, 3));
    await recording.locator('[data-test=recording-waiting]').waitFor();
    assert.equal(await ep.locator('[data-test=recording-form]').count(), 0, 'the enterprise is offered to record');
    // the enterprise registers the contract
    const reg = ep.locator('[data-test=registration]');
    await reg.locator('[data-test=registration-none]').waitFor();
    assert.equal(await reg.locator('[data-test=registration-amount]').inputValue(), '100000');
    assert.equal(await reg.locator('[data-test=registration-date]').inputValue(), today);
    await reg.locator('[data-test=registration-submit]').click();
    await reg.locator('[data-field=registration_number] .field-error:not(:empty)').waitFor();
    const regNo = `${today.slice(0, 4)}3201${RUN}`;
    await reg.locator('[data-test=registration-number]').fill(regNo);
    await reg.locator('[data-test=registration-province]').selectOption('JS');
    await reg.locator('[data-test=registration-submit]').click();
    await ep.locator('[data-test=registration][data-registered=true]').waitFor();
    await ep.locator('[data-test=registration-number-value]').getByText(regNo).waitFor();
    await ep.locator('[data-test=registration-amount-value]').getByText('¥100,000.00').waitFor();
    await shot(ep, 'open-license-license-zh');
    // back on the achievement the enterprise holds it, and is not offered a second one
    await visit(ep, `/#/achievements/${patent.id}`);
    await ep.locator('[data-test=ol-held-link]').getByText(`#${licenseId}`).waitFor();
    assert.equal(await ep.locator('[data-test=ol-take]').count(), 0);
    assertClean(ent);

    // the institution finds it among the licenses to record, and records it
    await visit(ip, '/#/inst/licenses');
    await ip.selectOption('[data-test=filter-recording]', 'pending');
    await ip.waitForURL(/recording=pending/);
    const pending = ip.locator(`[data-test=licenses] > li[data-id="${licenseId}"]`);
    await pending.locator('[data-test=recording-pending]').waitFor();
    await pending.locator('[data-test=source-open-license]').waitFor();
    await pending.locator('[data-test=license-link]').click();
    await ip.waitForURL(new RegExp(`#/licenses/${licenseId}$`));
    const rform = ip.locator('[data-test=recording-form]');
    assert.equal(await rform.locator('[data-test=recording-date]').inputValue(), today);
    const recNo = `${today.slice(0, 4)}32000${RUN}`;
    await rform.locator('[data-test=recording-number]').fill(recNo);
    await rform.locator('[data-test=recording-submit]').click();
    await ip.locator('[data-test=recording][data-status=done]').waitFor();
    await ip.locator('[data-test=recording-number-value]').getByText(recNo).waitFor();
    await ip.locator('[data-test=registration-number-value]').getByText(regNo).waitFor();
    assert.equal(await ip.locator('[data-test=registration-form]').count(), 0, 'a registered contract offered again');
    await shot(ip, 'open-license-recorded');
    await visit(ip, '/#/inst/licenses?recording=done');
    await ip.locator(`[data-test=licenses] > li[data-id="${licenseId}"]`).waitFor();
    await visit(ip, '/#/inst/licenses?recording=pending');
    await ip.locator('[data-test=filter-recording]').waitFor();   // shown once the list has loaded
    assert.equal(await ip.locator(`[data-test=licenses] > li[data-id="${licenseId}"]`).count(), 0, 'recorded, still listed as pending');
    await visit(ip, `/#/achievements/${patent.id}`);
    await ip.locator('[data-test=ol-licenses-count]').getByText('1 家').waitFor();
    assertClean(inst);
    state.openLicense = { id: olId, achievementId: patent.id, instToken: patent.instToken };
  } finally {
    await ent.context.close();
    await inst.context.close();
  }
});

test('(13) open licensing in English: a large enterprise takes the declaration in two clicks; the institution sees two licenses and withdraws it', async () => {
  assert.ok(state.openLicense, 'the declaration of (12)');
  const { id: olId, achievementId } = state.openLicense;
  const entAcct = await enterpriseSignedUp('open-en', 'SH', '91310115', 'large');
  const today = (await (await api.get('/api/v1/meta')).json()).today;
  const inst = await newActor('institution (13)');
  const ent = await newActor('enterprise (13)');
  try {
    const ep = ent.page;
    await signIn(ep, entAcct);
    await toEnglish(ep);
    await ep.goto('/#/open-licenses');
    const listed = ep.locator(`[data-test=open-licenses] > li[data-id="${olId}"]`);
    await listed.getByText('Entry fee plus royalty').first().waitFor();
    await listed.locator('[data-test=ol-above]').getByText('Above the guidance').waitFor();
    await listed.locator('[data-test=open-license-link]').click();
    await ep.waitForURL(new RegExp(`#/achievements/${achievementId}$`));
    const declared = ep.locator('[data-test=open-license]');
    await declared.getByText('Patent open license').waitFor();
    await declared.locator('[data-test=ol-years-value]').getByText('5 years').waitFor();

    await ep.click('[data-test=ol-take]');
    const panel = ep.locator('[data-test=ol-take-panel]');
    await panel.getByText('Confirm the open license').waitFor();
    const fee = panel.locator('[data-test=ol-take-fee]');
    await fee.getByText(`pay the entry fee of ¥100,000.00 by ${longDate(addDays(today, 30), 'en')}`).waitFor();
    await panel.locator('[data-test=ol-take-royalty]').getByText('25 % of net sales').waitFor();
    await panel.locator('[data-test=ol-take-years]').getByText(`5 years, until ${longDate(addMonths(today, 60), 'en')}`).waitFor();
    await shot(ep, 'open-license-take-en');
    // changing one's mind closes it; taking needs the confirm step again
    await panel.locator('[data-test=ol-take-cancel]').click();
    await panel.waitFor({ state: 'detached' });
    await ep.click('[data-test=ol-take]');
    await ep.locator('[data-test=ol-take-confirm]').click();
    await ep.waitForURL(/#\/licenses\/\d+$/);
    const licenseId = ep.url().match(/#\/licenses\/(\d+)$/)[1];
    await ep.locator('.tags [data-status=active]').waitFor();
    await ep.locator('[data-test=license-source]').getByText(`Open-license declaration #${olId}`).waitFor();
    const recording = ep.locator('[data-test=recording]');
    await recording.locator('[data-test=recording-status]').getByText('Pending', { exact: true }).waitFor();
    await recording.locator('[data-test=recording-due]').getByText(`${longDate(addMonths(today, 3), 'en')} (`).waitFor();
    await ep.locator('[data-test=registration-none]').getByText('Not registered yet.').waitFor();
    await ep.click('[data-test=nav-my-licenses]');
    const mine = ep.locator(`[data-test=licenses] > li[data-id="${licenseId}"]`);
    await mine.locator('[data-test=recording-pending]').getByText(/^Pending · /).waitFor();
    await mine.locator('[data-test=source-open-license]').getByText('Open license').waitFor();
    assertClean(ent);

    // the institution sees both licenses and withdraws; the licenses stay
    const ip = inst.page;
    await signIn(ip, state.institution);
    await toEnglish(ip);
    await ip.goto(`/#/achievements/${achievementId}`);
    const own = ip.locator('[data-test=open-license]');
    await own.getByText('Your open-license declaration').waitFor();
    await own.locator('[data-test=ol-licenses-count]').getByText('2', { exact: true }).waitFor();
    await own.locator('[data-test=ol-withdraw]').click();
    await own.locator('[data-test=ol-withdraw-panel]').getByText('the 2 licenses already taken').waitFor();
    await own.locator('[data-test=ol-withdraw-confirm]').click();
    await ip.locator('[data-test=ol-withdrawn-note]').waitFor();
    await ip.locator('[data-test=ol-declare]').waitFor();
    assert.equal(await ip.locator('[data-test=open-license-tag]').count(), 0, 'still marked open once withdrawn');
    await shot(ip, 'open-license-withdrawn');
    assertClean(inst);

    await visit(ep, `/#/achievements/${achievementId}`);
    await ep.locator('[data-test=achievement-title]').waitFor();
    assert.equal(await ep.locator('[data-test=ol-take]').count(), 0, 'a withdrawn declaration offered');
    await visit(ep, '/#/open-licenses?status=withdrawn');
    await ep.locator(`[data-test=open-licenses] > li[data-id="${olId}"][data-status=withdrawn]`).waitFor();
    const license = await apiAs(await tokenFor(entAcct), 'GET', `/api/v1/licenses/${licenseId}`);
    assert.equal(license.status, 'active');
    assertClean(ent);
    state.openLicense.enLicenseId = licenseId;
  } finally {
    await ent.context.close();
    await inst.context.close();
  }
});

// An .xlsx workbook read back with unzip(1): its sheets in order as [{name, xml}]. Throws when the
// file is no zip or lacks the parts every workbook has.
function readWorkbook(file) {
  const part = (name) => execFileSync('unzip', ['-p', file, name], { encoding: 'utf8' });
  const targets = Object.fromEntries([...part('xl/_rels/workbook.xml.rels').matchAll(/<Relationship [^>]*>/g)]
    .map(([tag]) => [/Id="([^"]+)"/.exec(tag)[1], /Target="([^"]+)"/.exec(tag)[1]]));
  return [...part('xl/workbook.xml').matchAll(/<sheet [^>]*>/g)].map(([tag]) => {
    const name = /name="([^"]*)"/.exec(tag)[1];
    const target = targets[/r:id="([^"]+)"/.exec(tag)[1]];
    return { name, xml: part(`xl/${target.replace(/^\/?xl\//, '')}`) };
  });
}

// The numbers of the sheet row whose first cell is `first`, by column letter; null without one.
function sheetRow(xml, first) {
  for (const [, cells] of xml.matchAll(/<row [^>]*>(.*?)<\/row>/g)) {
    if (!cells.includes(`<t>${first}</t>`)) continue;
    return Object.fromEntries([...cells.matchAll(/<c r="([A-Z]+)\d+"[^>]*><v>([^<]*)<\/v><\/c>/g)].map((m) => [m[1], Number(m[2])]));
  }
  return null;
}

const PROVINCE_SHEETS = { SH: '上海', JS: '江苏', ZJ: '浙江', AH: '安徽' };

// One administrator's dashboard in one language: the licensing figures as the API counts them for
// that account, units, the tables kept, and this year's annual report. Returns the workbook's sheets.
async function dashboardJourney(acct, token, lang, shotName) {
  const today = (await (await api.get('/api/v1/meta')).json()).today;
  const year = Number(today.slice(0, 4));
  const actor = await newActor(`dashboard ${lang}`);
  try {
    const { page } = actor;
    await signIn(page, acct);
    if (lang === 'en') await toEnglish(page);
    await visit(page, '/#/admin/dashboard');
    await page.locator('[data-test=summary]').waitFor();
    const sum = await apiAs(token, 'GET', '/api/v1/stats/summary');
    // what (12) and (13) did: one declaration, two licenses taken from it, one contract of
    // 100,000 yuan registered, nothing overdue yet on today's clock
    assert.ok(sum.open_licenses_declared >= 1 && sum.open_licenses_taken >= 2, JSON.stringify(sum));
    assert.ok(sum.contracts_registered >= 1 && sum.registered_amount_fen >= 10000000, JSON.stringify(sum));
    assert.ok(Number.isInteger(sum.recordings_overdue) && sum.recordings_overdue >= 0);
    const count = (n) => new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'zh-CN').format(n);
    const stat = (key) => page.locator(`[data-test=stat-${key}]`);
    for (const key of ['open_licenses_declared', 'open_licenses_taken', 'contracts_registered', 'recordings_overdue']) {
      await stat(key).locator('.tile-value').getByText(count(sum[key]), { exact: true }).waitFor();
    }
    const fen = sum.registered_amount_fen;
    const yuan = `${count(Math.floor(fen / 100))}.${String(fen % 100).padStart(2, '0')}`;
    await stat('registered_amount_fen').locator('.tile-value').getByText(yuan, { exact: true }).waitFor();
    const zh = lang !== 'en';
    assert.equal(await stat('registered_amount_fen').locator('.tile-unit').textContent(), zh ? '元' : 'yuan');
    assert.equal(await stat('contracts_registered').locator('.tile-unit').count(), zh ? 1 : 0, 'a measure word only in Chinese');
    await stat('contracts_registered').getByText(zh ? '技术合同登记' : 'Technology contracts registered').waitFor();
    await stat('recordings_overdue').getByText(zh ? '逾期未备案的许可' : 'Licenses not recorded in time').waitFor();
    await page.locator('[data-test=summary] h3')
      .getByText(zh ? '开放许可、合同登记与备案' : 'Open licensing, contract registration and recording').waitFor();
    // the city and return-reason tables are still there, headed in the page's language
    await page.locator('h2').getByText(zh ? '企业所在城市' : "Enterprises' cities").waitFor();
    await page.locator('[data-test=regions-table] th').getByText(zh ? '许可金额（元）' : 'Licensed (yuan)').waitFor();
    await page.locator('[data-test=regions-table] tbody tr').filter({ hasText: zh ? '南京市' : 'Jiangsu' }).first().waitFor();
    await page.locator('h2').getByText(zh ? '退还原因' : 'Why trials were returned').waitFor();
    await page.locator('[data-test=returns-table] th').getByText(zh ? '退还原因类别' : 'Why returned').waitFor();
    await page.locator('[data-test=returns-table] tbody tr').filter({ hasText: zh ? '成本过高' : 'Too costly' }).waitFor();

    // the annual report: last year by default, this year on offer
    const report = page.locator('[data-test=annual-report]');
    await report.getByText(zh ? '科技成果转化年度报告' : 'Annual report on the transformation of achievements').waitFor();
    assert.equal(await report.locator('[data-test=annual-year]').inputValue(), String(year - 1));
    await report.locator('[data-test=annual-year]').selectOption(String(year));
    assert.equal(await report.locator('[data-test=export-annual]').getAttribute('href'), `/api/v1/exports/annual-report.xlsx?year=${year}`);
    await shot(page, shotName);
    const [download] = await Promise.all([page.waitForEvent('download'), report.locator('[data-test=export-annual]').click()]);
    assert.equal(download.suggestedFilename(), `annual-report-${year}.xlsx`);
    const file = await download.path();
    assert.equal((await readFile(file)).subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    const sheets = readWorkbook(file);
    assert.equal(sheets.at(-1).name, '合计', 'the total sheet comes last');
    for (const s of sheets.slice(0, -1)) assert.ok(Object.values(PROVINCE_SHEETS).includes(s.name), s.name);
    assertClean(actor);
    return sheets;
  } finally {
    await actor.context.close();
  }
}

// The institution's row in a sheet of the annual report: this year it took part in (12) and (13).
function assertInstitutionRow(sheet, name) {
  const row = sheetRow(sheet.xml, name);
  assert.ok(row, `no row for ${name} on the sheet ${sheet.name}`);
  assert.ok(row.C >= 2, `open licenses (column C) on ${sheet.name}: ${JSON.stringify(row)}`);
  assert.ok(row.F >= 1 && row.G >= 100000, `registered contracts and yuan (F, G) on ${sheet.name}: ${JSON.stringify(row)}`);
}

test('(15) the dashboard counts open licenses, registered contracts and overdue recordings; the administrators download the annual report', async () => {
  assert.ok(state.openLicense && state.openLicense.enLicenseId, 'the open licenses of (12) and (13)');
  const institution = state.institutionUser.institution || {};
  const name = institution.name;
  const province = institution.province || PROVINCE;
  assert.ok(name, 'the institution of the journeys has a name');

  const all = await dashboardJourney(account('TECHPOOL_E2E_ADMIN'), state.adminToken, 'zh', 'admin-dashboard-licensing');
  const own = all.find((s) => s.name === PROVINCE_SHEETS[province]);
  assert.ok(own, `the administrator's workbook has ${PROVINCE_SHEETS[province]}: ${all.map((s) => s.name)}`);
  assertInstitutionRow(own, name);
  assertInstitutionRow(all.at(-1), name);

  const mine = await dashboardJourney(state.provinceAdmin, await tokenFor(state.provinceAdmin), 'en', 'province-dashboard-licensing-en');
  assert.deepEqual(mine.map((s) => s.name), [PROVINCE_SHEETS[province], '合计'], 'the province admin sees its province only');
  assertInstitutionRow(mine[0], name);
});

test('(10) 提前约定条件：企业按标准条件申请试用，成果方同意，企业按约定价格留用，提交季度报告，成果方登记提成收款', async () => {
  await agreementJourney('zh');
});

test('(11) terms agreed before use, in English: request on the standard terms, approve, keep at the agreed price, report a quarter, record the royalty payment', async () => {
  await agreementJourney('en');
});

test('(14) on the later clock a license of patents not recorded within three months shows overdue, in the list and on its page, until the institution records it', async () => {
  if (!LATER) return;
  assert.ok(state.openLicense && state.openLicense.enLicenseId, 'the license taken in (13)');
  const licenseId = state.openLicense.enLicenseId;
  const inst = await newActor('institution later (14)', LATER);
  try {
    const ip = inst.page;
    await signIn(ip, state.institution);
    await ip.goto('/#/inst/licenses?recording=overdue');
    const item = ip.locator(`[data-test=licenses] > li[data-id="${licenseId}"]`);
    await item.locator('[data-test=recording-overdue]').getByText('备案逾期').waitFor();
    await item.locator('[data-test=license-link]').click();
    await ip.waitForURL(new RegExp(`#/licenses/${licenseId}$`));
    const recording = ip.locator('[data-test=recording][data-status=overdue]');
    await recording.waitFor();
    assert.match(await recording.getAttribute('class'), /panel-danger/);
    await recording.locator('[data-test=recording-status]').getByText('备案逾期').waitFor();
    await recording.locator('[data-test=recording-due]').getByText(/已逾期 \d+ 天/).waitFor();
    await shot(ip, 'open-license-recording-overdue');
    await recording.locator('[data-test=recording-number]').fill(`LATE-${RUN}`);
    await recording.locator('[data-test=recording-submit]').click();
    await ip.locator('[data-test=recording][data-status=done]').waitFor();
    assertClean(inst);
  } finally {
    await inst.context.close();
  }
});

test('(16) 风险补偿：申请页列出违约的许可、双方和逾期分期；批准和驳回都须写审批意见，并在确认步骤核对金额（元）和收款方', async () => {
  if (!LATER) return;
  // today: a license whose whole fee of ¥80,000 falls due 30 days after conversion
  const padminToken = await tokenFor(state.provinceAdmin);
  const instToken = await tokenFor(state.institution);
  const entToken = await tokenFor(state.enterprise);
  const title = `轴承故障诊断 E2E ${RUN}`;
  const a = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title, abstract: '基于振动信号的轴承早期故障诊断。', field: 'advanced_manufacturing', kind: 'technical_secret',
    keywords: ['轴承'], maturity: 6, trial_months: 6, payment_mode: 'installments', reference_fee_fen: 8000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  await apiAs(padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  const trial = await apiAs(entToken, 'POST', `/api/v1/achievements/${a.id}/trials`, { purpose: '在一条产线上试用。', planned_months: 3 });
  await apiAs(instToken, 'POST', `/api/v1/trials/${trial.id}/approve`, {});
  const licenseId = (await apiAs(entToken, 'POST', `/api/v1/trials/${trial.id}/convert`, {})).license.id;

  // 130 days on the fee is 100 days overdue: the institution marks the license defaulted
  const laterToken = (acct) => tokenFor(acct, LATER);
  const reason = `企业逾期 100 天未付许可费，催告无果 ${RUN}`;
  const opened = await apiAs(await laterToken(state.institution), 'POST', `${LATER}/api/v1/licenses/${licenseId}/default`, { reason });
  const claimId = opened.compensation.id;
  const claim = await apiAs(await laterToken(state.provinceAdmin), 'GET', `${LATER}/api/v1/compensations/${claimId}`);
  assert.equal(claim.amount_fen, 4000000);
  assert.equal(claim.achievement_title, title);

  const padmin = await newActor('province admin later (16)', LATER);
  try {
    const pp = padmin.page;
    await signIn(pp, state.provinceAdmin);
    await pp.goto('/#/admin/compensations');
    // the list names the claim by its achievement and parties, and decides nothing in one click
    const item = pp.locator(`[data-test=compensations] > li[data-id="${claimId}"]`);
    await item.locator('[data-test=compensation-link]').getByText(title).waitFor();
    await item.locator('[data-test=party-institution]').getByText(claim.institution_name).waitFor();
    await item.locator('[data-test=party-enterprise]').getByText(state.enterprise.name).waitFor();
    await item.locator('[data-test=compensation-amount]').getByText('¥40,000.00').waitFor();
    assert.equal(await item.locator('[data-test=compensation-approve]').count(), 0, 'an approval in one click from the list');
    await item.locator('[data-test=compensation-review]').click();
    await pp.waitForURL(new RegExp(`#/admin/compensations/${claimId}$`));

    // the claim page: the defaulted license, both parties with their contacts, what is overdue, why
    await pp.locator('[data-test=claim-title]').getByText(title).waitFor();
    await pp.locator('[data-test=claim-amount]').getByText('¥40,000.00').waitFor();
    await pp.locator('[data-test=claim-license]').getByText(`许可 #${licenseId} · ${title}`).waitFor();
    const inst = pp.locator('[data-test=party-institution]');
    await inst.getByText(claim.institution_name).waitFor();
    await inst.getByText(`联系人 ${claim.institution_contact_name}`).waitFor();
    await pp.locator('[data-test=party-enterprise]').getByText(`联系人 ${claim.enterprise_contact_name}`).waitFor();
    await pp.locator('[data-test=claim-payee]').getByText(claim.institution_name).waitFor();
    await pp.locator('[data-test=claim-reason]').getByText(reason).waitFor();
    const overdue = pp.locator('[data-test=claim-overdue]');
    assert.equal(await overdue.count(), 1);
    await overdue.getByText('¥80,000.00').waitFor();
    await overdue.getByText('100 天').waitFor();

    // rejecting: no confirmation without an opinion; the confirmation states the amount and the payee
    await pp.click('[data-test=compensation-reject]');
    await pp.click('[data-test=compensation-reject-next]');
    await pp.locator('[data-test=compensation-reject-form]').getByText('请填写审批意见').waitFor();
    assert.ok(await pp.locator('[data-test=compensation-reject-confirmation]').isHidden());
    await pp.fill('[data-test=compensation-reject-opinion]', '材料待补充');
    await pp.click('[data-test=compensation-reject-next]');
    const rejectStatement = pp.locator('[data-test=compensation-reject-statement]');
    await rejectStatement.getByText(/40,000\.00 元/).waitFor();
    assert.ok((await rejectStatement.textContent()).includes(claim.institution_name), 'the payee in the rejection');
    // changing one's mind: approving instead closes the rejection
    await pp.click('[data-test=compensation-approve]');
    assert.ok(await pp.locator('[data-test=compensation-reject-form]').isHidden());

    // approving: the opinion, then the confirmation naming 40,000.00 元 and who is paid, then the request
    await pp.click('[data-test=compensation-approve-next]');
    await pp.locator('[data-test=compensation-approve-form]').getByText('请填写审批意见').waitFor();
    const opinion = '违约属实，逾期分期核对无误，同意按 50% 补偿。';
    await pp.fill('[data-test=compensation-approve-opinion]', opinion);
    await pp.click('[data-test=compensation-approve-next]');
    const statement = pp.locator('[data-test=compensation-approve-statement]');
    await statement.waitFor();
    const said = await statement.textContent();
    assert.match(said, /40,000\.00 元/);
    assert.ok(said.includes(claim.institution_name), `the payee in "${said}"`);
    await shot(pp, 'compensation-approve-confirm');
    assert.equal((await apiAs(await laterToken(state.provinceAdmin), 'GET', `${LATER}/api/v1/compensations/${claimId}`)).status, 'pending',
      'decided before the confirmation');
    await pp.click('[data-test=compensation-approve-confirm]');
    await pp.locator('[data-test=claim-decided][data-status=approved]').waitFor();
    await pp.locator('[data-test=claim-opinion]').getByText(opinion).waitFor();
    assertClean(padmin);
  } finally {
    await padmin.context.close();
  }
  const decided = await apiAs(await laterToken(state.provinceAdmin), 'GET', `${LATER}/api/v1/compensations/${claimId}`);
  assert.equal(decided.status, 'approved');
  assert.equal(decided.decision_reason, '违约属实，逾期分期核对无误，同意按 50% 补偿。');
});

// "2026-12-31" + n days.
function addDays(ymd, days) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// "2026-01-31" + n months, clamped to the month's end.
function addMonths(ymd, months) {
  const [y, m, d] = ymd.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${ny}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
