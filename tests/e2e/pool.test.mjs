// pool: browsing the pool and the administrators' exports, each in Chinese and in English.
//   (1) a visitor searches, sees how many achievements match, orders them by fee, sees the
//       search's words marked (also in a title made of markup, which stays text), follows a
//       keyword to a search of its own, opens an achievement with the institution's contact, and
//       in English sees the institution's English name;
//   (2) the administrator's dashboard downloads the trials CSV and workbook in the page's language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import {
  RUN, PASSWORD, account, openAll, closeAll, tokenFor, apiAs, newActor, shot, signIn, visit, toEnglish, assertClean,
} from './support.mjs';

// a word of this run only, so that the search finds exactly the achievements made here
const WORD = `Qsense${RUN}`;
const KEYWORD = `kw${RUN}`;
const state = {};

before(async () => {
  await openAll();
  state.admin = account('TECHPOOL_E2E_ADMIN');
  assert.ok(state.admin, 'TECHPOOL_E2E_ADMIN ("email:password" of an admin) must be set');
  state.adminToken = await tokenFor(state.admin);
  const institution = { email: `e2e-pool-inst-${RUN}@example.com`, password: PASSWORD };
  state.nameZh = `池浏览大学 ${RUN}`;
  state.nameEn = `Pool Browsing University ${RUN}`;
  state.contact = `联络员 ${RUN}`;
  await apiAs(state.adminToken, 'POST', '/api/v1/institutions', {
    name: state.nameZh, name_en: state.nameEn, province: 'SH', kind: 'university',
    email: institution.email, password: PASSWORD, contact_name: state.contact,
  });
  const token = await tokenFor(institution);
  const make = async (title, fee, keywords) => {
    const a = await apiAs(token, 'POST', '/api/v1/achievements', {
      title, abstract: `一种量子传感方法（${WORD}），用于精密测量。`, field: 'information_technology',
      kind: 'invention_patent', keywords, maturity: 5, trial_months: 6, payment_mode: 'lump_sum',
      reference_fee_fen: fee,
    });
    await apiAs(token, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
    await apiAs(state.adminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
    return a.id;
  };
  state.mid = await make(`${WORD} 量子磁力计`, 300000, [KEYWORD, '量子']);
  state.cheap = await make(`${WORD} 量子陀螺仪`, 100000, [KEYWORD]);
  state.dear = await make(`${WORD} 量子重力仪`, 500000, ['重力']);
  state.markup = await make(`<img src=x onerror=window.__xss=3> ${WORD}`, 200000, ['<b>x</b>']);
});

after(closeAll);

async function ids(page) {
  return page.locator('[data-test=results] > li').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
}

test('(1) a visitor searches the pool, orders it by fee, follows a keyword and opens an achievement, in Chinese and in English', async () => {
  const actor = await newActor('pool-visitor');
  const { page } = actor;
  await page.goto('/#/pool');
  // typed in lower case: the match is case-insensitive, the mark keeps the stored text
  await page.fill('[data-test=pool-search]', WORD.toLowerCase());
  await page.click('[data-test=pool-submit]');
  await page.locator('[data-test=pool-count]').getByText('共 4 项成果').waitFor();
  assert.equal(await page.locator('[data-test=results] > li').count(), 4);
  assert.equal(await page.inputValue('[data-test=pool-sort]'), 'relevance', 'a search orders by best match');
  const marks = await page.locator('[data-test=results] [data-test=achievement-link] mark').allTextContents();
  assert.deepEqual(marks, [WORD, WORD, WORD, WORD], 'the word is marked in every title');
  assert.ok(await page.locator('[data-test=card-abstract] mark').count() >= 4, 'and in the abstracts');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'a title of markup stays text');
  assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined');
  await shot(page, 'pool-search');

  await page.selectOption('[data-test=pool-sort]', 'fee_asc');
  await page.waitForURL(/sort=fee_asc/);
  await page.locator('[data-test=pool-count]').getByText('共 4 项成果').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-test=results] > li').length === 4);
  assert.deepEqual(await ids(page), [state.cheap, state.markup, state.mid, state.dear]);
  await page.selectOption('[data-test=pool-sort]', 'fee_desc');
  await page.waitForURL(/sort=fee_desc/);
  await page.waitForFunction(() => document.querySelectorAll('[data-test=results] > li').length === 4);
  assert.deepEqual(await ids(page), [state.dear, state.mid, state.markup, state.cheap]);

  // a keyword searches the pool for itself
  await page.locator(`[data-test=achievement][data-id="${state.cheap}"] [data-test=keyword]`, { hasText: KEYWORD }).click();
  await page.waitForURL(new RegExp(`q=${KEYWORD}`));
  await page.locator('[data-test=pool-count]').getByText('共 2 项成果').waitFor();
  assert.equal(await page.inputValue('[data-test=pool-search]'), KEYWORD);
  await page.waitForFunction(() => document.querySelectorAll('[data-test=results] > li').length === 2);
  assert.deepEqual((await ids(page)).sort(), [state.mid, state.cheap].sort());
  assert.equal(await page.locator(`[data-test=achievement][data-id="${state.cheap}"] [data-test=institution-name]`).textContent(), state.nameZh);

  // the detail names whom to contact
  await page.locator(`[data-test=achievement][data-id="${state.cheap}"] [data-test=achievement-link]`).click();
  await page.locator('[data-test=achievement-title]').waitFor();
  assert.equal(await page.textContent('[data-test=institution-contact]'), state.contact);
  assert.equal(await page.textContent('.tags [data-test=institution-name]'), state.nameZh);
  assert.ok(await page.locator('[data-test=keywords] [data-test=keyword]', { hasText: KEYWORD }).count() === 1);
  await shot(page, 'pool-detail');

  await toEnglish(page);
  await page.locator('.tags [data-test=institution-name]').getByText(state.nameEn).waitFor();
  assert.equal(await page.textContent('[data-test=institution-contact]'), state.contact);
  await visit(page, `/#/pool?q=${WORD}&sort=fee_asc`);
  await page.locator('[data-test=pool-count]').getByText('4 achievements').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-test=results] > li').length === 4);
  assert.deepEqual(await page.locator('[data-test=results] [data-test=institution-name]').allTextContents(),
    [state.nameEn, state.nameEn, state.nameEn, state.nameEn]);
  assert.equal(await page.inputValue('[data-test=pool-sort]'), 'fee_asc');
  await shot(page, 'pool-search-en');
  assertClean(actor);
  await actor.context.close();
});

// Downloads what the button test names, and returns the file's bytes and the link it followed.
async function download(page, testName) {
  const href = await page.getAttribute(`[data-test=${testName}]`, 'href');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-test=${testName}]`)]);
  return { href, bytes: await readFile(await file.path()), path: await file.path() };
}

function csvHeader(bytes) {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  return bytes.subarray(3).toString('utf8').split('\r\n')[0];
}

function sheetText(path) {
  return execFileSync('unzip', ['-p', path, 'xl/worksheets/sheet1.xml']).toString('utf8');
}

test('(2) the dashboard downloads the trials CSV and workbook in the page\'s language', async () => {
  const actor = await newActor('pool-admin');
  const { page } = actor;
  await signIn(page, state.admin);
  await page.goto('/#/admin/dashboard');
  await page.locator('[data-test=exports]').waitFor();
  let csv = await download(page, 'export-csv');
  assert.match(csv.href, /labels=zh/);
  assert.ok(csvHeader(csv.bytes).startsWith('试用编号,成果编号,成果名称,技术领域,成果方'), csvHeader(csv.bytes));
  let xlsx = await download(page, 'export-xlsx');
  assert.match(xlsx.href, /labels=zh/);
  assert.ok(sheetText(xlsx.path).includes('>试用编号<'), 'the workbook speaks Chinese');

  await toEnglish(page);
  await page.locator('[data-test=exports]').waitFor();
  csv = await download(page, 'export-csv');
  assert.match(csv.href, /labels=en/);
  assert.ok(csvHeader(csv.bytes).startsWith('Trial ID,Achievement ID,Achievement,Field,Institution'), csvHeader(csv.bytes));
  xlsx = await download(page, 'export-xlsx');
  assert.match(xlsx.href, /labels=en/);
  const sheet = sheetText(xlsx.path);
  assert.ok(sheet.includes('>Trial ID<') && !sheet.includes('>试用编号<'), 'the workbook speaks English');
  assertClean(actor);
  await actor.context.close();
});
