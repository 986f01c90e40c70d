// modules: the UI's pure ES modules (money, percent, dates, terms, open licensing, credit codes, patent numbers,
// strings in both languages, refusals in words) run under
// node's test runner; they touch no DOM, so the browser and these tests share one implementation.
//
// Run: cd tests/e2e && node --test modules.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseYuanToFen, fenToYuanInput, formatFen, parsePercentToBp, bpToPercentInput, daysBetween, addMonths, isValidDate,
  addDays, formatQuarter, parseSignedYuanToFen, setServiceToday, todayShanghai, formatYuan,
} from '../../static/js/format.js';
import {
  royaltyFen, scheduleDates, scheduleSum, defaultSchedule, termsDifferences, termsComplete, standardTermsOf, billsRoyalty, needsFee,
} from '../../static/js/terms.js';
import {
  creditCodeProblem, creditCheckChar, orgCheckChar, makeCreditCode, normaliseCreditCode, creditCodeInProvince,
} from '../../static/js/creditcode.js';
import { patentNumberProblem, normalisePatentNumber } from '../../static/js/patent.js';
import { splitList } from '../../static/js/pages/achievement-form.js';
import { reportYears } from '../../static/js/pages/admin-dashboard.js';
import {
  aboveGuideline, declarationObstacle, takeCommitment, kindHasFee, kindHasRoyalty, guideRoyaltyBp,
} from '../../static/js/open-license.js';
import { STRINGS } from '../../static/js/strings.js';
import { setLang } from '../../static/js/i18n.js';
import { ApiError } from '../../static/js/api.js';
import { problemText, fieldProblems } from '../../static/js/problems.js';
import { defaultPossibleFrom } from '../../static/js/pages/license-sums.js';

test('yuan text becomes integer fen without floating-point error', () => {
  assert.equal(parseYuanToFen('0.29'), 29);
  assert.equal(parseYuanToFen('0.1'), 10);
  assert.equal(parseYuanToFen('1,234.56'), 123456);
  assert.equal(parseYuanToFen('¥ 1234.5'), 123450);
  assert.equal(parseYuanToFen('1234567890123.99'), 123456789012399);
  assert.equal(parseYuanToFen('12.'), 1200);
  assert.equal(parseYuanToFen('0'), 0);
  for (const bad of ['', ' ', '1.234', '-1', '1e3', 'abc', '1.2.3', '.5', '12345678901234']) {
    assert.equal(parseYuanToFen(bad), null, bad);
  }
  for (let fen = 0; fen < 1000; fen += 7) assert.equal(parseYuanToFen(fenToYuanInput(fen)), fen);
});

test('fen is shown as yuan with grouping and two decimals', () => {
  assert.equal(formatFen(123456), '¥1,234.56');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(0), '¥0.00');
  assert.equal(formatFen(-150), '-¥1.50');
  assert.equal(formatFen(123456789012399), '¥1,234,567,890,123.99');
  assert.equal(formatFen(null), '—');
  assert.equal(formatFen(1.5), '—');
});

test('yuan beside a written unit: grouped, two decimals, no sign', () => {
  assert.equal(formatYuan(10000000), '100,000.00');
  assert.equal(formatYuan(5), '0.05');
  assert.equal(formatYuan(0), '0.00');
  assert.equal(formatYuan(-150), '-1.50');
  assert.equal(formatYuan(null), '—');
});

test("the annual report offers this year and the nine before it, the previous one chosen", () => {
  const { years, selected } = reportYears('2026-01-03');
  assert.equal(years.length, 10);
  assert.deepEqual([years[0], years[9]], [2026, 2017]);
  assert.equal(selected, 2025);
  assert.deepEqual(reportYears('2000-06-30'), { years: [2000], selected: 2000 });
  assert.deepEqual(reportYears('2003-12-31').years, [2003, 2002, 2001, 2000]);
  assert.equal(reportYears('2003-12-31').selected, 2002);
});

test('percent text becomes basis points within 0..100 %', () => {
  assert.equal(parsePercentToBp('12.5'), 1250);
  assert.equal(parsePercentToBp('0.01'), 1);
  assert.equal(parsePercentToBp('100'), 10000);
  assert.equal(parsePercentToBp('7 %'), 700);
  assert.equal(parsePercentToBp('100.01'), null);
  assert.equal(parsePercentToBp('1.005'), null);
  assert.equal(parsePercentToBp('-1'), null);
  assert.equal(bpToPercentInput(1250), '12.5');
  assert.equal(bpToPercentInput(1205), '12.05');
  assert.equal(bpToPercentInput(700), '7');
});

test('calendar helpers', () => {
  assert.equal(daysBetween('2026-03-01', '2026-02-27'), 2);
  assert.equal(daysBetween('2026-02-27', '2026-03-01'), -2);
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
  assert.equal(addMonths('2026-11-15', 3), '2027-02-15');
  assert.ok(isValidDate('2028-02-29'));
  assert.ok(!isValidDate('2026-02-29'));
  assert.ok(!isValidDate('2026-2-1'));
});

test('credit codes: GB 32100 check character and the organisation code inside', () => {
  assert.equal(creditCodeProblem('91350100M000100Y43'), null);
  assert.equal(creditCodeProblem('91350100M000100Y44'), 'check');
  assert.equal(creditCodeProblem('91350100M000101Y43'), 'org_check');
  assert.equal(creditCodeProblem('91350100M000100Y4'), 'length');
  assert.equal(creditCodeProblem('91350100M000100I43'), 'charset');
  assert.equal(creditCodeProblem(''), 'empty');
  assert.equal(creditCheckChar('91350100M000100Y4'), '3');
  assert.equal(orgCheckChar('M000100Y'), '4');
  assert.equal(normaliseCreditCode(' 91350100m000100y43 '), '91350100M000100Y43');
  for (let i = 0; i < 200; i += 1) {
    const body = String(10000000 + i * 4999).slice(0, 8);
    assert.equal(creditCodeProblem(makeCreditCode('91330100', body)), null, body);
  }
});

test('credit codes belong to the province they are registered in, or are national', () => {
  assert.ok(creditCodeInProvince('91330106MA2CF8K371', 'ZJ'));
  assert.ok(creditCodeInProvince('91100000MA2CF8K371', 'AH'));
  assert.ok(!creditCodeInProvince('91350100M000100Y43', 'ZJ'));
  assert.ok(!creditCodeInProvince('91310115MA1FL5QN43', 'JS'));
});

test('organisation code check: 10 becomes X and 11 becomes 0', () => {
  const seen = new Set();
  for (let n = 0; n < 3000; n += 1) seen.add(orgCheckChar(String(n).padStart(8, '0')));
  assert.ok(seen.has('X') && seen.has('0'));
  assert.equal(orgCheckChar('00000000'), '0');
});

test('patent numbers: format, type digit, year and check character as the daemon checks them', () => {
  assert.equal(patentNumberProblem('ZL202110123456.7'), null);
  assert.equal(patentNumberProblem('zl 202110123456.7'), null);
  assert.equal(normalisePatentNumber('zl 202110123456.7'), 'ZL202110123456.7');
  assert.equal(patentNumberProblem('ZL202110123456.8'), 'check');
  assert.equal(patentNumberProblem('ZL2021101234567'), 'format');
  assert.equal(patentNumberProblem('ZL202150123456.7'), 'type');
  assert.equal(patentNumberProblem('ZL199910123456.7'), 'year');
  assert.equal(patentNumberProblem('ZL50123456.X'), 'year');
});

test('keyword and patent lists split on Chinese and Latin separators', () => {
  assert.deepEqual(splitList('芯片, 低功耗，验证;封装；测试、EDA\n量子'), ['芯片', '低功耗', '验证', '封装', '测试', 'EDA', '量子']);
  assert.deepEqual(splitList(' , ,'), []);
});

test('days, quarters and signed yuan', () => {
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2027-03-01', -1), '2027-02-28');
  assert.equal(addDays('2026-12-05', 130), '2027-04-14');
  assert.equal(addDays('bad', 1), '');
  assert.equal(formatQuarter('2027-Q1'), '2027年第1季度');
  assert.equal(formatQuarter('2027-Q5'), '2027-Q5');
  assert.equal(parseSignedYuanToFen('-1,000.5'), -100050);
  assert.equal(parseSignedYuanToFen('12'), 1200);
  assert.equal(parseSignedYuanToFen('--1'), null);
});

test("today follows the service's calendar once it is known", () => {
  const browserDay = todayShanghai();
  setServiceToday(addDays(browserDay, 130));
  assert.equal(todayShanghai(), addDays(browserDay, 130));
  setServiceToday(browserDay);
  assert.equal(todayShanghai(), browserDay);
});

test('royalty of a quarter: basis points of the base, rounded half up, exact beyond 2^53', () => {
  assert.equal(royaltyFen(500, 100000000), 5000000);
  assert.equal(royaltyFen(350, 123456789), 4320988);   // 4320987.615
  assert.equal(royaltyFen(1, 5000), 1);                // 0.5 rounds up
  assert.equal(royaltyFen(1, 4999), 0);
  assert.equal(royaltyFen(500, 0), 0);
  assert.equal(royaltyFen(500, -100000), 0);           // a loss owes nothing
  assert.equal(royaltyFen(10000, 10000000000000), 10000000000000);
  assert.equal(royaltyFen(9999, 9999999999999), 9998999999999);   // the product passes 2^53
});

test('fee schedules: default, sum and the due dates a conversion creates', () => {
  assert.deepEqual(defaultSchedule(5000000), [{ after_days: 30, amount_fen: 5000000 }]);
  assert.deepEqual(defaultSchedule(0), []);
  const schedule = [{ after_days: 90, amount_fen: 300 }, { after_days: 0, amount_fen: 100 }, { after_days: 90, amount_fen: 200 }];
  assert.equal(scheduleSum(schedule), 600);
  assert.deepEqual(scheduleDates(schedule, '2026-12-05').map((p) => [p.due_on, p.amount_fen]),
    [['2026-12-05', 100], ['2027-03-05', 300], ['2027-03-05', 200]]);
});

test('terms: modes, completeness and where two sets differ', () => {
  assert.ok(billsRoyalty('lump_sum_plus_royalty') && !billsRoyalty('installments'));
  assert.ok(needsFee('lump_sum') && !needsFee('royalty') && !needsFee('equity'));
  const std = standardTermsOf({ payment_mode: 'installments', reference_fee_fen: 5000000, royalty_bp: 0, exclusive: false, trial_months: 6 });
  assert.deepEqual(std.fee_schedule, [{ after_days: 30, amount_fen: 5000000 }]);
  assert.equal(std.license_years, 5);
  assert.ok(termsComplete(std));
  assert.ok(!termsComplete({ ...std, fee_fen: 0, fee_schedule: [] }));
  assert.ok(termsComplete({ ...std, payment_mode: 'royalty', fee_fen: 0, fee_schedule: [], royalty_bp: 300 }));
  const proposal = { ...std, fee_fen: 100050, fee_schedule: [{ after_days: 30, amount_fen: 100050 }], field_of_use: '' };
  delete proposal.max_trial_months;
  assert.deepEqual(termsDifferences(proposal, std), ['fee_fen', 'fee_schedule']);
  assert.deepEqual(termsDifferences(std, { ...std }), []);
  assert.deepEqual(termsDifferences(std, { ...std, territory: '长三角' }), ['territory']);
});

test('open licensing: fee kinds and the national guidance as the service applies it', () => {
  assert.ok(kindHasFee('lump_sum') && kindHasFee('entry_plus_royalty') && !kindHasFee('royalty'));
  assert.ok(kindHasRoyalty('royalty') && kindHasRoyalty('entry_plus_royalty') && !kindHasRoyalty('lump_sum'));
  assert.equal(guideRoyaltyBp('net_sales'), 2000);
  assert.equal(guideRoyaltyBp('profit'), 4000);
  assert.equal(guideRoyaltyBp(undefined), 2000);
  const lump = { fee_kind: 'lump_sum', fee_fen: 2000000000, royalty_bp: 0, royalty_base: 'net_sales' };
  assert.deepEqual(aboveGuideline(lump), []);                       // 20,000,000 yuan is within
  assert.deepEqual(aboveGuideline({ ...lump, fee_fen: 2000000001 }), ['fee_fen']);
  assert.deepEqual(aboveGuideline({ ...lump, fee_fen: null }), []);  // not parsed yet
  const royalty = { fee_kind: 'royalty', fee_fen: 0, royalty_bp: 2001, royalty_base: 'net_sales' };
  assert.deepEqual(aboveGuideline(royalty), ['royalty_bp']);
  assert.deepEqual(aboveGuideline({ ...royalty, royalty_base: 'profit' }), []);
  assert.deepEqual(aboveGuideline({ ...royalty, royalty_bp: 4001, royalty_base: 'profit' }), ['royalty_bp']);
  // a rate typed before switching to a lump sum is not sent, so not judged
  assert.deepEqual(aboveGuideline({ ...lump, royalty_bp: 5000 }), []);
  assert.deepEqual(aboveGuideline({ fee_kind: 'entry_plus_royalty', fee_fen: 3000000000, royalty_bp: 2500, royalty_base: 'net_sales' }),
    ['fee_fen', 'royalty_bp']);
});

test('open licensing: which achievements may be declared, and what taking one commits to', () => {
  const a = { status: 'listed', kind: 'invention_patent', patent_numbers: ['ZL202110123456.7'], exclusive: false };
  assert.equal(declarationObstacle(a), null);
  assert.equal(declarationObstacle({ ...a, status: 'pending' }), 'status');
  assert.equal(declarationObstacle({ ...a, kind: 'software_copyright' }), 'kind');
  assert.equal(declarationObstacle({ ...a, patent_numbers: [] }), 'patents');
  assert.equal(declarationObstacle({ ...a, exclusive: true }), 'exclusive');
  assert.deepEqual(takeCommitment({ fee_kind: 'entry_plus_royalty', fee_fen: 10000000, royalty_bp: 2500, royalty_base: 'profit', years: 5 }, '2026-12-05'),
    { fee_fen: 10000000, fee_due_on: '2027-01-04', royalty_bp: 2500, royalty_base: 'profit', years: 5, from: '2026-12-05', to: '2031-12-05' });
  const pure = takeCommitment({ fee_kind: 'royalty', fee_fen: 0, royalty_bp: 300, royalty_base: 'net_sales', years: 1 }, '2028-02-29');
  assert.equal(pure.fee_fen, 0);
  assert.equal(pure.fee_due_on, null);
  assert.equal(pure.to, '2029-02-28');
});

// Every sentence the UI can show, in both languages: the string table, the keys the modules ask
// for, the sentence of every problem code the daemon can send (src/http/problem.c), and what a
// refusal's English detail or field message becomes (problems.js) — never the English itself.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every string has both a Chinese and an English text, with the same placeholders', () => {
  const { zh, en } = STRINGS;
  assert.deepEqual(Object.keys(zh).filter((k) => !(k in en)), [], 'keys without English');
  assert.deepEqual(Object.keys(en).filter((k) => !(k in zh)), [], 'keys without Chinese');
  for (const k of Object.keys(zh)) {
    // an English text may be empty where Chinese needs a word English does not (a unit: 项)
    assert.ok(typeof en[k] === 'string' && zh[k].trim(), `${k} is empty`);
    assert.equal(placeholders(zh[k]), placeholders(en[k]), `${k}: placeholders differ`);
  }
});

test('every key the modules ask for exists in both languages', async () => {
  const dirs = ['static/js', 'static/js/pages'];
  const missing = [];
  for (const dir of dirs) {
    for (const name of (await readdir(path.join(root, dir))).filter((n) => n.endsWith('.js'))) {
      const src = await readFile(path.join(root, dir, name), 'utf8');
      for (const m of src.matchAll(/\bt\('([a-zA-Z]+\.[\w.]+)'/g)) {
        if (!(m[1] in STRINGS.zh) || !(m[1] in STRINGS.en)) missing.push(`${dir}/${name}: ${m[1]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every problem code of the daemon has a sentence in both languages', async () => {
  const src = await readFile(path.join(root, 'src/http/problem.c'), 'utf8');
  const codes = [...new Set([...src.matchAll(/=\s*\{\s*"([a-z_]+)",\s*\d{3},/g)].map((m) => m[1]))];
  assert.ok(codes.length >= 19, `only ${codes.length} codes found in problem.c`);
  for (const code of [...codes, 'network']) {
    for (const lang of ['zh', 'en']) assert.ok(STRINGS[lang][`err.${code}`], `err.${code} lacks ${lang}`);
  }
});

test("a refusal is told in the reader's language, never in the server's English", () => {
  globalThis.document = { documentElement: { classList: { toggle() {} } } };
  globalThis.window = {};
  const refusals = [
    [{ status: 409, code: 'conflict', detail: 'email: a user with this email is already registered' }, 'email', '该邮箱已注册', 'already registered'],
    [{ status: 409, code: 'invalid_transition', detail: 'no installment and no report is 90 or more days overdue' }, null, '90 天', '90 or more days overdue yet'],
    [{ status: 422, code: 'invalid_field', detail: 'must not be in the future', errors: [{ field: 'paid_on', message: 'must not be in the future' }] }, 'paid_on', '不能晚于今天', 'Cannot be after today'],
    [{ status: 404, code: 'not_found', detail: 'no such achievement' }, null, '找不到', 'Not found'],
    [{ status: 0, code: 'network', detail: 'Failed to fetch' }, null, '无法连接服务器', 'Cannot reach the server'],
    [{ status: 422, code: 'invalid_field', errors: [{ field: 'q', message: 'a message no one has seen before' }] }, 'q', '不被接受', 'not accepted'],
    [{ status: 422, code: 'invalid_field', errors: [{ field: 'limit', message: 'limit must be between 1 and 100' }] }, 'limit', '1 到 100', 'From 1 to 100'],
    [{ status: 422, code: 'invalid_field', errors: [{ field: 'patent_numbers', message: 'check digit mismatch' }] }, 'patent_numbers', '校验位不正确', 'check digit is wrong'],
  ];
  try {
    for (const [lang, at] of [['zh', 2], ['en', 3]]) {
      setLang(lang);
      for (const r of refusals) {
        const err = new ApiError(r[0].status, r[0]);
        if (r[0].status === 0) err.code = 'network';
        const fields = fieldProblems(err);
        const shown = [problemText(err), ...fields.map((f) => f.text)].join(' ');
        assert.ok(shown.includes(r[at]), `${lang}: "${shown}" lacks "${r[at]}"`);
        if (r[1]) assert.equal(fields[0].field, r[1]);
        const raw = [r[0].detail, ...(r[0].errors || []).map((e) => e.message)].filter(Boolean);
        for (const text of raw) assert.ok(!shown.includes(text), `${lang}: the server's "${text}" shown`);
        if (lang === 'zh') assert.doesNotMatch(shown, /[a-z]{4,}/, `English in the Chinese page: ${shown}`);
      }
    }
  } finally {
    setLang('zh');
  }
});

test('a default may be marked 90 days after the first unpaid installment or missing report fell due', () => {
  const license = {
    installments: [{ due_on: '2027-03-01', amount_fen: 100, paid_fen: 100 }, { due_on: '2027-04-01', amount_fen: 100, paid_fen: 0 }],
    reports_due: [{ due_on: '2027-05-15', overdue: true }],
  };
  assert.equal(defaultPossibleFrom(license), '2027-06-30');
  assert.equal(defaultPossibleFrom({ installments: [], reports_due: [{ due_on: '2027-01-30' }] }), '2027-04-30');
  assert.equal(defaultPossibleFrom({ installments: [{ due_on: '2027-03-01', amount_fen: 5, paid_fen: 5 }] }), null);
});
