// errors: refusals in the reader's language, where they belong, and actions offered only when
// they can succeed — in Chinese and in English:
//   - a sign-up with an e-mail already registered is told under the e-mail field;
//   - the day paid cannot be after the service's today: the date input says so, and when the page
//     thinks it is a day later than the service does, the service's refusal is told in words too;
//   - a page that cannot reach the service says so and offers to try again;
//   - no trial form where a request cannot succeed (one already open, a large enterprise);
//   - "mark defaulted" is not offered at 70 days overdue: the page says from which day it will be,
//     and when the page is made to believe otherwise, the service's refusal is told in words.
// The server's English detail never appears. The default checks run on the later clock, last:
// a sign-in there signs out everyone who signed in today.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  RUN, PASSWORD, LATER, creditCode, openAll, closeAll, tokenFor, apiAs, newActor, shot, signIn, visit,
  toEnglish, assertClean, adminSignedIn, makeInstitution, makeEnterprise, longDate,
} from './support.mjs';
import { addDays } from '../../static/js/format.js';

const PROVINCE = 'SH';
const state = {};

const L = (lang, zh, en) => (lang === 'en' ? en : zh);

// The English the service sends with these refusals: none of it may reach the page.
const SERVER_TEXTS = [
  'a user with this email is already registered', 'must not be in the future',
  'no installment and no report is 90 or more days overdue', 'Failed to fetch',
];

async function assertNoServerText(page) {
  const text = await page.locator('body').innerText();
  for (const raw of SERVER_TEXTS) assert.ok(!text.includes(raw), `the server's "${raw}" is shown`);
}

before(async () => {
  await openAll();
  const adminToken = (await adminSignedIn()).token;
  state.institution = await makeInstitution(adminToken, {
    email: `e2e-err-inst-${RUN}@example.com`, name: `E2E 提示大学 ${RUN}`, nameEn: `E2E Messages University ${RUN}`,
    province: PROVINCE, contact: '提示老师',
  });
  state.enterprise = await makeEnterprise({
    email: `e2e-err-ent-${RUN}@example.com`, name: `E2E 提示企业 ${RUN}`, province: PROVINCE, division: '91310100',
    contact: '赵经理',
  });
  const instToken = await tokenFor(state.institution);
  const entToken = await tokenFor(state.enterprise);

  // a license whose one installment falls due in 60 days: 70 days overdue on the later clock
  const a = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title: `提示测试成果 ${RUN}`, abstract: '一种用于提示测试的检测方法。', field: 'new_materials', kind: 'technical_secret',
    keywords: ['检测'], maturity: 5, trial_months: 6, payment_mode: 'lump_sum', reference_fee_fen: 2000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  await apiAs(adminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  const trial = await apiAs(entToken, 'POST', `/api/v1/achievements/${a.id}/trials`, { purpose: '在一条产线上试用。', planned_months: 3 });
  await apiAs(instToken, 'POST', `/api/v1/trials/${trial.id}/approve`, {});
  state.today = (await apiAs(entToken, 'GET', '/api/v1/meta')).today;
  state.dueOn = addDays(state.today, 60);
  const proposed = await apiAs(instToken, 'POST', `/api/v1/trials/${trial.id}/convert`, {
    payment_mode: 'lump_sum', total_fen: 2000000, installments: [{ due_on: state.dueOn, amount_fen: 2000000 }],
  });
  state.licenseId = (proposed.license || proposed).id;
  await apiAs(entToken, 'POST', `/api/v1/licenses/${state.licenseId}/accept`, {});
  state.achievementId = a.id;

  // a second achievement the enterprise has asked to try, and a large enterprise
  const b = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title: `提示测试成果乙 ${RUN}`, abstract: '另一种用于提示测试的检测方法。', field: 'new_materials', kind: 'technical_secret',
    keywords: ['检测'], maturity: 5, trial_months: 6, payment_mode: 'lump_sum', reference_fee_fen: 1000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${b.id}/submit`, {});
  await apiAs(adminToken, 'POST', `/api/v1/achievements/${b.id}/approve`, {});
  await apiAs(entToken, 'POST', `/api/v1/achievements/${b.id}/trials`, { purpose: '在另一条产线上试用。', planned_months: 2 });
  state.requestedId = b.id;
  state.large = await makeEnterprise({
    email: `e2e-err-large-${RUN}@example.com`, name: `E2E 大型企业 ${RUN}`, province: PROVINCE, division: '91310100',
    scale: 'large', contact: '孙经理',
  });
});

after(closeAll);

for (const lang of ['zh', 'en']) {
  test(`(${lang}) a sign-up with a registered e-mail is told so under the e-mail field`, async () => {
    const actor = await newActor(`sign-up (${lang})`);
    const { page } = actor;
    await page.goto('/#/signup');
    if (lang === 'en') await toEnglish(page);
    await page.fill('[data-test=signup-name]', `E2E 重复邮箱企业 ${lang} ${RUN}`);
    await page.locator('[data-test=signup-credit-code]').pressSequentially(creditCode('91310100'));
    await page.selectOption('[data-test=signup-province]', PROVINCE);
    await page.selectOption('[data-test=signup-scale]', 'micro');
    await page.fill('[data-test=signup-contact]', '钱经理');
    await page.fill('[data-test=signup-email]', state.enterprise.email);
    await page.fill('[data-test=signup-password]', PASSWORD);
    await page.click('[data-test=signup-submit]');
    const error = page.locator('[data-field=email] .field-error');
    await error.getByText(L(lang, '该邮箱已注册', 'This email is already registered')).waitFor();
    const email = page.locator('[data-test=signup-email]');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.ok((await email.getAttribute('aria-describedby')).split(' ').includes(await error.getAttribute('id')));
    assert.equal(await page.locator('[data-field=credit_code] .field-error').textContent(), '');
    await page.locator('[data-test=form-error]').getByText(L(lang, '请检查标出的内容', 'Please check the marked fields')).waitFor();
    await assertNoServerText(page);
    await shot(page, `errors-${lang}-signup-email`);

    // once signed in, the home page no longer offers to sign up or sign in
    await signIn(page, state.enterprise);
    await visit(page, '/#/');
    await page.locator('[data-test=hero]').waitFor();
    assert.ok(await page.locator('[data-test=hero-signup]').isHidden(), 'sign-up offered to a signed-in user');
    assert.ok(await page.locator('[data-test=hero-signin]').isHidden(), 'sign-in offered to a signed-in user');
    assertClean(actor);
    await actor.context.close();
  });

  test(`(${lang}) a payment cannot be dated after the service's today`, async () => {
    const actor = await newActor(`payment date (${lang})`);
    const { page } = actor;
    await signIn(page, state.institution);
    if (lang === 'en') await toEnglish(page);
    await visit(page, `/#/licenses/${state.licenseId}`);
    const pay = page.locator('[data-test=payment-form]');
    const date = pay.locator('[data-test=payment-date]');
    assert.equal(await date.getAttribute('max'), state.today);
    const tomorrow = addDays(state.today, 1);
    await date.fill(tomorrow);
    await pay.locator('[data-test=payment-submit]').click();
    const error = pay.locator('[data-field=paid_on] .field-error');
    await error.getByText(L(lang, '不能晚于今天', 'Cannot be after today')).waitFor();
    assert.equal(await date.getAttribute('aria-invalid'), 'true');
    assert.equal(await pay.locator('[data-test=payment-confirmation]').isHidden(), true);

    // a page that believes it is already tomorrow sends the date: the service's refusal is told
    // in words under the same field
    await page.route('**/api/v1/meta', async (route) => {
      const response = await route.fetch();
      const meta = await response.json();
      await route.fulfill({ response, json: { ...meta, today: tomorrow } });
    });
    await visit(page, `/#/licenses/${state.licenseId}`);
    assert.equal(await date.getAttribute('max'), tomorrow);
    await date.fill(tomorrow);
    await pay.locator('[data-test=payment-submit]').click();
    await pay.locator('[data-test=payment-statement]').getByText(longDate(tomorrow, lang)).waitFor();
    await pay.locator('[data-test=payment-confirm]').click();
    await error.getByText(L(lang, '不能晚于今天', 'Cannot be after today')).waitFor();
    assert.ok(await pay.locator('[data-test=payment-confirmation]').isHidden(), 'the refused confirmation still shown');
    await assertNoServerText(page);
    await shot(page, `errors-${lang}-payment-date`);
    const payments = await apiAs(await tokenFor(state.institution), 'GET', `/api/v1/licenses/${state.licenseId}/payments`);
    assert.equal(payments.items.length, 0);
    assertClean(actor);
    await actor.context.close();
  });
}

test('a page that cannot reach the service says so in words and tries again on request', async () => {
  const actor = await newActor('network');
  const { page } = actor;
  await signIn(page, state.institution);
  for (const lang of ['zh', 'en']) {
    if (lang === 'en') await toEnglish(page);
    const url = `**/api/v1/licenses/${state.licenseId}`;
    await page.route(url, (route) => route.abort('internetdisconnected'));
    await visit(page, `/#/licenses/${state.licenseId}`);
    const failed = page.locator('[data-test=page-error]');
    await failed.getByText(L(lang, '无法连接服务器', 'Cannot reach the server')).waitFor();
    await assertNoServerText(page);
    await shot(page, `errors-${lang}-network`);
    await page.unroute(url);
    await failed.locator('[data-test=retry]').click();
    await page.locator('[data-test=license-title]').waitFor();
    assert.equal(await page.locator('[data-test=page-error]').count(), 0);
  }
  assertClean(actor);
  await actor.context.close();
});

test('no trial form where a request cannot succeed: one already open, or a large enterprise', async () => {
  const actor = await newActor('trial obstacles');
  const { page } = actor;
  await signIn(page, state.enterprise);
  await visit(page, `/#/achievements/${state.requestedId}`);
  const open = page.locator('[data-test=trial-open]');
  await open.getByText('贵企业已申请试用这项成果').waitFor();
  assert.equal(await open.getAttribute('data-status'), 'requested');
  await open.locator('[data-test=goto-my-trials]').waitFor();
  assert.equal(await page.locator('[data-test=trial-form]').count(), 0, 'a second request offered');
  // the license taken after the first trial leaves no trial open: asking again is possible
  await visit(page, `/#/achievements/${state.achievementId}`);
  await page.locator('[data-test=trial-form]').waitFor();
  assertClean(actor);
  await actor.context.close();

  const large = await newActor('large enterprise');
  await signIn(large.page, state.large);
  await toEnglish(large.page);
  await visit(large.page, `/#/achievements/${state.achievementId}`);
  await large.page.locator('[data-test=trial-not-sme]').getByText('Free trials are for small and medium enterprises').waitFor();
  assert.equal(await large.page.locator('[data-test=trial-form]').count(), 0, 'a trial offered to a large enterprise');
  await shot(large.page, 'errors-en-not-sme');
  assertClean(large);
  await large.context.close();
});

for (const lang of ['zh', 'en']) {
  test(`(${lang}) on the later clock, 70 days overdue, "mark defaulted" waits for its day`, { skip: !LATER && 'no later daemon' }, async () => {
    const actor = await newActor(`default (${lang})`, LATER);
    const { page } = actor;
    await signIn(page, state.institution);
    if (lang === 'en') await toEnglish(page);
    await visit(page, `/#/licenses/${state.licenseId}`);
    await page.locator('[data-test=inst-overdue]').waitFor();
    const from = addDays(state.dueOn, 90);
    const notYet = page.locator('[data-test=default-not-yet]');
    await notYet.getByText(longDate(from, lang)).waitFor();
    assert.equal(await notYet.getAttribute('data-date'), from);
    assert.equal(await page.locator('[data-test=license-default]').count(), 0, 'a default offered at 70 days');
    await shot(page, `errors-${lang}-default-not-yet`);

    // a page that believes the installment fell due 30 days earlier offers the action; the
    // service refuses it, in words
    await page.route(`**/api/v1/licenses/${state.licenseId}`, async (route) => {
      const response = await route.fetch();
      const l = await response.json();
      l.installments = l.installments.map((i) => ({ ...i, due_on: addDays(i.due_on, -30) }));
      await route.fulfill({ response, json: l });
    });
    await visit(page, `/#/licenses/${state.licenseId}`);
    await page.click('[data-test=license-default]');
    await page.fill('[data-test=license-default-reason]', L(lang, '企业长期未付款。', 'Nothing paid for months.'));
    await page.click('[data-test=license-default-next]');
    await page.locator('[data-test=license-default-statement]').getByText('¥20,000.00').waitFor();
    await page.click('[data-test=license-default-confirm]');
    await page.locator('[data-test=form-error]').getByText(L(lang, '尚无逾期满 90 天', 'No payment or royalty report is 90 or more days overdue yet')).waitFor();
    assert.ok(await page.locator('[data-test=license-default-confirmation]').isHidden(), 'the refused confirmation still shown');
    await page.locator('[data-test=license-default-next]').waitFor();
    await assertNoServerText(page);
    await shot(page, `errors-${lang}-default-refused`);
    const l = await apiAs(await tokenFor(state.institution, LATER), 'GET', `${LATER}/api/v1/licenses/${state.licenseId}`);
    assert.equal(l.status, 'active');
    assertClean(actor);
    await actor.context.close();
  });
}
