// every-page: every page of the hash router, as every role (anonymous, enterprise, institution,
// province admin, admin), at a desktop (1366×900) and a phone (390×844) size, in Chinese and in
// English. A page fails when it scrolls sideways, when the browser reports a console or page
// error, or when visible text is not in the page's language: Latin words on a Chinese page, Chinese
// characters on an English page. What users wrote (titles, names) is marked with its own language
// (dom.js userText), so text inside an element with a lang attribute of its own is theirs, not the
// interface's, and is left out of the scan. Phone screenshots go to OUT as page-<role>-<lang>-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  OUT, RUN, patentNumber, openAll, closeAll, tokenFor, apiAs, newActor, shot, signIn, assertClean,
  adminSignedIn, makeInstitution, makeProvinceAdmin, makeEnterprise,
} from './support.mjs';

const PROVINCE = 'SH';
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
// digits only: the names of this world carry no Latin word of their own
const TAG = String(Date.now()).slice(-7);
// Latin words a Chinese page may show (in capitals): units, file formats and encodings named as such
const LATIN_ALLOWED = new Set(['TRL', 'CSV', 'XLSX', 'EXCEL', 'UTF']);
const state = {};

before(async () => {
  await openAll();
  const admin = await adminSignedIn();
  state.admin = admin.acct;
  const adminToken = admin.token;
  state.institution = await makeInstitution(adminToken, {
    email: `e2e-pages-inst-${RUN}@example.com`, name: `浦江工业大学 ${TAG}`,
    nameEn: `Pujiang University of Technology ${TAG}`, province: PROVINCE, contact: '周老师',
  });
  state.padmin = await makeProvinceAdmin(adminToken, {
    email: `e2e-pages-padmin-${RUN}@example.com`, province: PROVINCE, contact: '沪审核员',
  });
  state.enterprise = await makeEnterprise({
    email: `e2e-pages-ent-${RUN}@example.com`, name: `浦东精密制造有限公司 ${TAG}`, province: PROVINCE,
    division: '91310115', contact: '陈经理',
  });
  const instToken = await tokenFor(state.institution);
  const padminToken = await tokenFor(state.padmin);
  const entToken = await tokenFor(state.enterprise);

  // a listed achievement with a Chinese and an English title, a trial on it turned into a license
  // and a second trial still active
  const listed = async (title, titleEn) => {
    const a = await apiAs(instToken, 'POST', '/api/v1/achievements', {
      title, title_en: titleEn, abstract: '基于视觉的焊缝缺陷在线检测方法，适用于汽车零部件产线。', field: 'advanced_manufacturing',
      kind: 'invention_patent', patent_numbers: [patentNumber()], keywords: ['焊缝', '视觉检测'], maturity: 6,
      trial_months: 6, payment_mode: 'installments', reference_fee_fen: 12000000,
    });
    await apiAs(instToken, 'POST', `/api/v1/achievements/${a.id}/submit`, {});
    await apiAs(padminToken, 'POST', `/api/v1/achievements/${a.id}/approve`, {});
    return a.id;
  };
  state.achievementId = await listed(`焊缝缺陷在线检测 ${TAG}`, `Online weld defect inspection ${TAG}`);
  const trial = await apiAs(entToken, 'POST', `/api/v1/achievements/${state.achievementId}/trials`,
    { purpose: '在一条焊装线上试用三个月。', planned_months: 3 });
  await apiAs(instToken, 'POST', `/api/v1/trials/${trial.id}/approve`, {});
  state.licenseId = (await apiAs(entToken, 'POST', `/api/v1/trials/${trial.id}/convert`, {})).license.id;
  const second = await listed(`激光清洗工艺 ${TAG}`, `Laser cleaning process ${TAG}`);
  const active = await apiAs(entToken, 'POST', `/api/v1/achievements/${second}/trials`, { purpose: '样件验证。', planned_months: 3 });
  await apiAs(instToken, 'POST', `/api/v1/trials/${active.id}/approve`, {});
  // one waiting for review, for the review queue
  const pending = await apiAs(instToken, 'POST', '/api/v1/achievements', {
    title: `伺服电机节能控制 ${TAG}`, abstract: '一种伺服电机的节能控制算法。', field: 'advanced_manufacturing', kind: 'technical_secret',
    keywords: ['伺服'], maturity: 4, trial_months: 6, payment_mode: 'lump_sum', reference_fee_fen: 3000000,
  });
  await apiAs(instToken, 'POST', `/api/v1/achievements/${pending.id}/submit`, {});
});

after(closeAll);

const PUBLIC = ['#/', '#/pool', () => `#/achievements/${state.achievementId}`, '#/open-licenses'];
const SIGNED_IN = ['#/todo', '#/notifications', () => `#/licenses/${state.licenseId}`];
const ADMIN_PAGES = ['#/admin/review', '#/admin/compensations', '#/admin/dashboard'];
const ROLES = [
  { role: 'anonymous', pages: [...PUBLIC, '#/signin', '#/signup', '#/no-such-page'] },
  { role: 'enterprise', acct: () => state.enterprise, pages: [...PUBLIC, ...SIGNED_IN, '#/me/trials', '#/me/licenses', '#/admin/review'] },
  {
    role: 'institution', acct: () => state.institution,
    pages: [...PUBLIC, ...SIGNED_IN, '#/inst/achievements', '#/inst/achievements/new',
      () => `#/inst/achievements/${state.achievementId}/edit`, '#/inst/trials', '#/inst/licenses'],
  },
  { role: 'province-admin', acct: () => state.padmin, pages: [...PUBLIC, ...SIGNED_IN, ...ADMIN_PAGES] },
  { role: 'admin', acct: () => state.admin, pages: [...PUBLIC, ...SIGNED_IN, ...ADMIN_PAGES] },
];

// Waits until the page has drawn: no request in flight for a moment, nothing loading, every chart drawn.
async function settled(page, inflight) {
  for (let quiet = 0; quiet < 3;) {
    await page.waitForTimeout(100);
    quiet = inflight.count === 0 ? quiet + 1 : 0;
  }
  await page.waitForFunction(() => !document.querySelector('#app .loading')
    && [...document.querySelectorAll('#app figure.chart')].every((f) => f.hasAttribute('data-ready')));
}

// What is wrong with the page as shown: sideways scrolling, text not in the page's language.
function inspect({ lang, allowed }) {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`).slice(-3);
    found.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} (${wide.join(', ')})`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || el.closest('script, style, noscript, textarea, select')) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const marked = el.closest('[lang]');
    if (marked && marked !== root) continue; // what users wrote, in its own language
    if (lang === 'zh') {
      // e-mail addresses and codes with digits (patent numbers, credit codes) are not words
      const words = text.replace(/\S+@\S+/g, ' ').split(/[^A-Za-z0-9]+/)
        .filter((w) => /[A-Za-z]{3,}/.test(w) && !/\d/.test(w) && !allowed.includes(w.toUpperCase()));
      if (words.length) found.push(`Latin on a Chinese page: "${text}"`);
    } else if (/[\u3400-\u9fff]/.test(text)) {
      found.push(`Chinese on an English page: "${text}"`);
    }
  }
  return found;
}

for (const { role, acct, pages } of ROLES) {
  for (const lang of ['zh', 'en']) {
    test(`every page as ${role} in ${lang === 'zh' ? 'Chinese' : 'English'}, desktop and phone: no sideways scrolling, no errors, no text in the other language`, async () => {
      const found = [];
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
        const actor = await newActor(`${role} ${lang} ${size}`, undefined, viewport);
        const { page, context } = actor;
        await context.addInitScript((l) => window.localStorage.setItem('techpool.lang', l), lang);
        const inflight = { count: 0 };
        page.on('request', () => { inflight.count += 1; });
        page.on('requestfinished', () => { inflight.count -= 1; });
        page.on('requestfailed', () => { inflight.count -= 1; });
        page.on('console', (m) => {
          // a signed-out visitor's session probe: GET /me answers 401 by contract
          const probe = m.location().url.endsWith('/api/v1/me') && / 401 /.test(m.text());
          if (m.type() === 'error' && !probe) actor.problems.push(`${role} ${lang} ${size} ${page.url()}: console error ${m.text()}`);
        });
        if (acct) await signIn(page, acct());
        else await page.goto('/');
        for (const entry of pages) {
          const hash = typeof entry === 'function' ? entry() : entry;
          await page.evaluate((h) => { window.location.hash = h; }, hash);
          await settled(page, inflight);
          const problems = await page.evaluate(inspect, { lang, allowed: [...LATIN_ALLOWED] });
          for (const p of problems) found.push(`${role} ${lang} ${size} ${hash}: ${p}`);
          if (size === 'phone') {
            const name = hash.replace(/^#\/?/, '').replace(/\d+/g, 'n').replace(/[^a-z-n]+/g, '-') || 'home';
            await shot(page, `page-${role}-${lang}-${name}`);
            for (const fig of await page.locator('figure.chart').all()) {
              await fig.screenshot({ path: path.join(OUT, `chart-${role}-${lang}-${await fig.getAttribute('data-test')}.png`) });
            }
          }
        }
        found.push(...actor.problems);
        actor.problems.length = 0;
        assertClean(actor);
        await context.close();
      }
      assert.ok(found.length === 0, `${found.length} problems:\n${found.join('\n')}`);
    });
  }
}
