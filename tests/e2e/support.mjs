// support: what every browser test file shares — the daemon's addresses from the environment, a
// run id, valid identifiers, sign-in over the API, the browser and its per-actor contexts.
//
// Environment (tests/e2e/run.sh sets the first three):
//   TECHPOOL_E2E_URL        base URL of the running daemon (default http://127.0.0.1:8080)
//   TECHPOOL_E2E_LATER_URL  a daemon on the same database whose clock is at least 121 days later
//   TECHPOOL_E2E_ADMIN      "email:password" of an admin
//   TECHPOOL_E2E_OUT        folder for screenshots (default tests/e2e/out, ignored by git)
//   TECHPOOL_E2E_CHROMIUM   browser binary (default /usr/bin/chromium)

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request } from 'playwright-core';
import { makeCreditCode } from '../../static/js/creditcode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BASE = (process.env.TECHPOOL_E2E_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const LATER = (process.env.TECHPOOL_E2E_LATER_URL || '').replace(/\/+$/, '');
export const OUT = process.env.TECHPOOL_E2E_OUT || path.join(here, 'out');
export const RUN = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
export const PASSWORD = `e2e-pass-${RUN}`;
export const STEP_TIMEOUT = 15000;

let api;
let browser;

// The "email:password" account in an environment variable, or null.
export function account(variable) {
  const raw = process.env[variable];
  if (!raw) return null;
  const i = raw.indexOf(':');
  assert.ok(i > 0, `${variable} must be "email:password"`);
  return { email: raw.slice(0, i), password: raw.slice(i + 1) };
}

// A valid CN invention patent application number: ZL + year 2024 + type 1 + 7 digits + "." + check.
export function patentNumber() {
  let digits = '20241';
  while (digits.length < 12) digits += String(Math.floor(Math.random() * 10));
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(digits[i]) * (2 + (i % 8));
  const r = sum % 11;
  return `ZL${digits}.${r === 10 ? 'X' : r}`;
}

// A valid unified social credit code under a division (default Nanjing, Jiangsu).
export function creditCode(division = '91320100') {
  let body = '';
  for (let i = 0; i < 8; i += 1) body += String(Math.floor(Math.random() * 10));
  return makeCreditCode(division, body);
}

// Opens the screenshot folder, the API client and Chromium; closeAll() ends them.
export async function openAll() {
  await mkdir(OUT, { recursive: true });
  api = await request.newContext({ baseURL: BASE });
  browser = await chromium.launch({
    executablePath: process.env.TECHPOOL_E2E_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return { api, browser };
}

export async function closeAll() {
  if (browser) await browser.close();
  if (api) await api.dispose();
}

// Signs in over the API (at base, default BASE) and returns a bearer token.
export async function tokenFor(acct, base = '') {
  const res = await api.post(`${base}/api/v1/session`, { data: { email: acct.email, password: acct.password } });
  assert.equal(res.status(), 200, `sign-in of ${acct.email} failed: ${res.status()} ${await res.text()}`);
  return (await res.json()).token;
}

// An API call that must succeed; returns the parsed body (or null).
export async function apiAs(token, method, url, data) {
  const res = await api.fetch(url, {
    method, data, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  const text = await res.text();
  assert.ok(res.ok(), `${method} ${url} -> ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

// A fresh browser context (its own cookies) whose pages report script errors and CSP violations.
export async function newActor(name, baseURL = BASE, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport, locale: 'zh-CN' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${name}: page error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  return { context, page, problems };
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

export async function signIn(page, acct) {
  await page.goto('/#/signin');
  await page.getByLabel(/邮箱|Email/).fill(acct.email);
  await page.getByLabel(/密码|Password/).fill(acct.password);
  await page.click('[data-test=signin-submit]');
  await page.waitForSelector('[data-test=signout]');
}

// Opens a page afresh (a full load), also when the browser is already at that address.
export async function visit(page, hash) {
  await page.goto('about:blank');
  await page.goto(hash);
}

// Switches an actor's page to English (remembered per origin) and waits until it shows.
export async function toEnglish(page) {
  await page.click('[data-test=lang-switch]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

export function card(page, listTest, text) {
  return page.locator(`[data-test=${listTest}] > li`).filter({ hasText: text });
}

export function assertClean(actor) {
  assert.deepEqual(actor.problems, [], 'script errors or CSP violations');
}

// The admin of TECHPOOL_E2E_ADMIN signed in over the API: {acct, token}.
export async function adminSignedIn() {
  const acct = account('TECHPOOL_E2E_ADMIN');
  assert.ok(acct, 'TECHPOOL_E2E_ADMIN ("email:password" of an admin) must be set');
  return { acct, token: await tokenFor(acct) };
}

// An institution with its first user, added by an admin; the user's account.
export async function makeInstitution(adminToken, { email, name, nameEn, province, contact }) {
  await apiAs(adminToken, 'POST', '/api/v1/institutions', {
    name, name_en: nameEn, province, kind: 'university', email, password: PASSWORD, contact_name: contact,
  });
  return { email, password: PASSWORD };
}

// A province administrator added by an admin; its account.
export async function makeProvinceAdmin(adminToken, { email, province, contact }) {
  await apiAs(adminToken, 'POST', '/api/v1/users', {
    email, password: PASSWORD, role: 'province_admin', province, contact_name: contact,
  });
  return { email, password: PASSWORD };
}

// An enterprise signed up on its own (a valid credit code under division); its account.
export async function makeEnterprise({ email, name, province, division, scale = 'small', contact }) {
  const res = await api.post('/api/v1/enterprises', {
    data: {
      name, credit_code: creditCode(division), province, scale, contact_name: contact, email, password: PASSWORD,
    },
  });
  assert.equal(res.status(), 201, `sign-up of ${email}: ${res.status()} ${await res.text()}`);
  return { email, password: PASSWORD };
}

// "2026-12-05" as the UI writes it: "2026年12月5日" / "Dec 5, 2026".
export function longDate(ymd, lang) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : 'zh-CN', { dateStyle: 'medium', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}
