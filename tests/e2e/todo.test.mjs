// todo: the to-do counts in the menu and the to-do page, per role — the institution sees a trial
// request waiting, follows the link, approves it and the count goes down; the enterprise, in
// English, sees the license proposal to answer; the province admin sees the listing to review;
// the institution finds the trial again among all its trials, filtered by status.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  RUN, openAll, closeAll, tokenFor, apiAs, newActor, shot, signIn, visit, toEnglish, card, assertClean,
  adminSignedIn, makeInstitution, makeProvinceAdmin, makeEnterprise,
} from './support.mjs';

const PROVINCE = 'AH';
const state = {};

// The menu's count as shown ('' when hidden) once the to-do reply has arrived.
async function menuCount(page) {
  await page.waitForFunction(() => {
    const link = document.querySelector('[data-test=nav-todo]');
    return link && link.hasAttribute('aria-label');
  });
  const count = page.locator('[data-test=nav-todo] [data-test=todo-count]');
  return (await count.isVisible()) ? (await count.textContent()).trim() : '';
}

async function todoItem(page, kind) {
  const item = page.locator(`[data-test=todo-item][data-kind=${kind}]`);
  await item.waitFor();
  return item;
}

before(async () => {
  await openAll();
  const admin = await adminSignedIn();
  state.institution = await makeInstitution(admin.token, {
    email: `e2e-todo-inst-${RUN}@example.com`, name: `E2E 待办大学 ${RUN}`, nameEn: `E2E To-do University ${RUN}`,
    province: PROVINCE, contact: '待办老师',
  });
  state.padmin = await makeProvinceAdmin(admin.token, {
    email: `e2e-todo-padmin-${RUN}@example.com`, province: PROVINCE, contact: '皖审核员',
  });
  state.enterprise = await makeEnterprise({
    email: `e2e-todo-ent-${RUN}@example.com`, name: `E2E 待办企业 ${RUN}`, province: PROVINCE, division: '91340100',
    contact: '王经理',
  });
  state.instToken = await tokenFor(state.institution);
  state.padminToken = await tokenFor(state.padmin);
  state.entToken = await tokenFor(state.enterprise);
});

after(closeAll);

test('the province admin sees the listing to review in the menu and on the to-do page', async () => {
  const actor = await newActor('province admin');
  const { page } = actor;
  await signIn(page, state.padmin);
  const before = (await apiAs(state.padminToken, 'GET', '/api/v1/me/todo')).items
    .find((i) => i.kind === 'listings_to_review').count;

  state.title = `待办测试成果 ${RUN}`;
  const a = await apiAs(state.instToken, 'POST', '/api/v1/achievements', {
    title: state.title, abstract: '一种用于待办测试的储能控制方法。', field: 'new_energy', kind: 'technical_secret',
    keywords: ['储能'], maturity: 5, trial_months: 6, payment_mode: 'lump_sum', reference_fee_fen: 1000000,
  });
  await apiAs(state.instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
  state.achievementId = a.id;

  await visit(page, '/#/todo');
  const item = await todoItem(page, 'listings_to_review');
  assert.equal(await item.getAttribute('data-count'), String(before + 1));
  const total = (await apiAs(state.padminToken, 'GET', '/api/v1/me/todo')).total;
  assert.equal(await menuCount(page), String(total));
  await item.locator('[data-test=todo-link]').click();
  await page.waitForURL(/#\/admin\/review$/);
  await page.getByText(state.title).first().waitFor();
  await shot(page, 'todo-padmin');
  await apiAs(state.padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
  assertClean(actor);
  await actor.context.close();
});

test('the institution follows the count to the request, approves it and the count goes down', async () => {
  const trial = await apiAs(state.entToken, 'POST', `/api/v1/achievements/${state.achievementId}/trials`,
    { purpose: '在一条储能产线上试用。', planned_months: 3 });
  state.trialId = trial.id;
  const actor = await newActor('institution');
  const { page } = actor;
  await signIn(page, state.institution);
  assert.equal(await menuCount(page), '1');
  await page.click('[data-test=nav-todo]');
  const item = await todoItem(page, 'trial_requests');
  assert.equal(await item.getAttribute('data-count'), '1');
  assert.equal(await page.locator('[data-test=todo-item][data-kind=payments_due]').getAttribute('data-count'), '0');
  await page.locator('[data-test=todo-summary]').getByText('1').waitFor();
  await item.locator('[data-test=todo-link]').click();
  await page.waitForURL(/#\/inst\/trials$/);
  await card(page, 'requested-trials', state.title).locator('[data-test=trial-approve]').click();
  await card(page, 'requested-trials', state.title).locator('[data-test=trial-approve-confirm]').click();
  await card(page, 'requested-trials', state.title).waitFor({ state: 'detached' });
  await visit(page, '/#/todo');
  assert.equal(await menuCount(page), '');
  await page.locator('[data-test=todo-summary]').getByText('目前没有待办事项。').waitFor();

  // all its trials, by status: the approved one is active, not among the converted
  await visit(page, '/#/inst/trials');
  await page.selectOption('[data-test=filter-trial-status]', 'active');
  await page.waitForURL(/#\/inst\/trials\?status=active$/);
  await card(page, 'all-trials', state.title).waitFor();
  await page.selectOption('[data-test=filter-trial-status]', 'converted');
  await page.waitForURL(/status=converted$/);
  await page.locator('#sec-all + .filters + .paged [role=status]').getByText('没有符合条件的试用。').waitFor();
  assert.equal(await page.locator('[data-test=all-trials] > li').count(), 0);
  await shot(page, 'todo-institution');
  assertClean(actor);
  await actor.context.close();
});

test('in English the enterprise sees the license proposal to answer and goes to it', async () => {
  const today = (await apiAs(state.entToken, 'GET', '/api/v1/meta')).today;
  const due = new Date(`${today}T00:00:00Z`);
  due.setUTCDate(due.getUTCDate() + 30);
  const proposal = await apiAs(state.instToken, 'POST', `/api/v1/trials/${state.trialId}/convert`, {
    payment_mode: 'lump_sum', total_fen: 1000000,
    installments: [{ due_on: due.toISOString().slice(0, 10), amount_fen: 1000000 }],
  });
  const actor = await newActor('enterprise');
  const { page } = actor;
  await signIn(page, state.enterprise);
  await toEnglish(page);
  await visit(page, '/#/todo');
  assert.equal(await menuCount(page), '1');
  assert.equal(await page.getAttribute('[data-test=nav-todo]', 'aria-label'), 'To do: 1');
  const item = await todoItem(page, 'proposals');
  await item.getByText('License proposals to answer').waitFor();
  await item.locator('[data-test=todo-link]').click();
  await page.waitForURL(/#\/me\/licenses\?status=proposed$/);
  await page.locator(`[data-test=license][data-id="${proposal.license.id}"]`).waitFor();
  await shot(page, 'todo-enterprise-en');
  assertClean(actor);
  await actor.context.close();
});
