// import: the bulk import journey in headless Chromium against a running techpool daemon — an
// institution downloads the template, uploads a file with one bad row, sees the problem beside
// its cell, fixes the file, imports it and finds the new drafts in its list.
//
// Run: cd tests/e2e && node --test import.test.mjs (environment as journeys.test.mjs:
// TECHPOOL_E2E_URL, TECHPOOL_E2E_ADMIN "email:password", TECHPOOL_E2E_CHROMIUM, TECHPOOL_E2E_OUT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { RUN, PASSWORD, account, openAll, closeAll, tokenFor, newActor, shot, signIn, assertClean } from './support.mjs';

let api;
let actor;

// The file an institution fills in: the template's two header rows and two achievements.
function importFile(patent) {
  const header = '外部编号,成果名称,英文名称,成果简介,技术领域,成果类型,专利号,关键词,技术成熟度,'
    + '最长试用期（月）,付款方式,参考许可费（分）,提成比例（基点）,是否独占\r\n'
    + 'external_ref,title,title_en,abstract,field,kind,patent_numbers,keywords,maturity,'
    + 'trial_months,payment_mode,reference_fee_fen,royalty_bp,exclusive\r\n';
  const rows = [
    `E2E-${RUN}-1,批量导入的导热膜 ${RUN},,卷对卷连续制备高导热膜。,新材料,发明专利,,石墨烯；导热,6,12,分期付款,5000000,0,否`,
    `E2E-${RUN}-2,批量导入的传感器 ${RUN},,柔性压力传感器阵列。,高端装备制造,发明专利,${patent},传感器,5,6,一次性付款,100000,0,否`,
  ];
  return Buffer.from('\uFEFF' + header + rows.join('\r\n') + '\r\n', 'utf8');
}

before(async () => {
  ({ api } = await openAll());
  const admin = account('TECHPOOL_E2E_ADMIN');
  assert.ok(admin, 'TECHPOOL_E2E_ADMIN ("email:password" of an admin) must be set');
  const adminToken = await tokenFor(admin);
  const email = `e2e-import-${RUN}@example.com`;
  const res = await api.post('/api/v1/institutions', {
    data: { name: `E2E 导入大学 ${RUN}`, province: 'JS', kind: 'university', email, password: PASSWORD,
      contact_name: '导入老师' },
    headers: { Authorization: `Bearer ${adminToken}` },
  });
  assert.equal(res.status(), 201, await res.text());
  actor = await newActor('institution');
  await signIn(actor.page, { email, password: PASSWORD });
});

after(closeAll);

test('an institution downloads the template, fixes the bad row the check shows, imports and sees its drafts', async () => {
  const { page } = actor;
  await page.click('[data-test=nav-inst-achievements]');
  await page.waitForSelector('[data-test=import-panel]');

  // the templates download
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=import-template-csv]')]);
  const template = await readFile(await csvDownload.path(), 'utf8');
  assert.ok(template.startsWith('\uFEFF外部编号,成果名称'), template.slice(0, 40));
  assert.match(template, /\r\nexternal_ref,title,/);
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=import-template-xlsx]')]);
  const workbook = await readFile(await xlsxDownload.path());
  assert.equal(workbook.subarray(0, 2).toString(), 'PK');

  // a file with a wrong check digit in row 4: the check shows the problem beside its cell
  await page.setInputFiles('[data-test=import-file]', { name: 'achievements.csv', mimeType: 'text/csv', buffer: importFile('ZL202110123456.8') });
  await page.click('[data-test=import-check]');
  const cell = page.locator('[data-test=import-error-row][data-row="4"] [data-test=import-error][data-column=patent_numbers]');
  await cell.waitFor();
  assert.match(await cell.innerText(), /ZL202110123456\.8/);
  assert.match(await cell.innerText(), /校验位不正确/);
  assert.equal(await page.locator('[data-test=import-confirm]').isVisible(), false);
  await shot(page, 'import-problems');

  // fixed: the check previews two new drafts, and the import stores them
  await page.setInputFiles('[data-test=import-file]', { name: 'achievements.csv', mimeType: 'text/csv', buffer: importFile('ZL202110123456.7') });
  await page.click('[data-test=import-check]');
  await page.waitForSelector('[data-test=import-preview]');
  assert.equal(await page.locator('[data-test=import-item][data-action=create]').count(), 2);
  await page.click('[data-test=import-confirm]');
  const drafts = page.locator('[data-test=import-new-drafts] li');
  await drafts.first().waitFor();
  assert.equal(await drafts.count(), 2);
  for (const title of [`批量导入的导热膜 ${RUN}`, `批量导入的传感器 ${RUN}`]) {
    await page.locator('[data-test=my-achievements] > li').filter({ hasText: title })
      .locator('[data-status=draft]').waitFor();
  }
  await shot(page, 'import-done');
  assertClean(actor);
});
