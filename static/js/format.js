// format: money (integer fen <-> yuan text), percent <-> basis points, dates and counts for the current language.
// All money arithmetic is on integers; decimal strings are parsed digit by digit, never through floats.

import { getLang } from './i18n.js';

function locale() {
  return getLang() === 'en' ? 'en-US' : 'zh-CN';
}

function groupInteger(n) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0, useGrouping: true }).format(n);
}

// 123456 -> "¥1,234.56"; null/undefined -> "—".
export function formatFen(fen) {
  if (fen === null || fen === undefined || !Number.isInteger(Number(fen))) return '—';
  let n = Number(fen);
  const negative = n < 0;
  if (negative) n = -n;
  const yuan = Math.floor(n / 100);
  const cents = n % 100;
  return (negative ? '-' : '') + '¥' + groupInteger(yuan) + '.' + String(cents).padStart(2, '0');
}

// 123456 -> "1,234.56": yuan without the sign, for figures whose unit (元) is written beside them.
export function formatYuan(fen) {
  const s = formatFen(fen);
  return s === '—' ? s : s.replace('¥', '');
}

// Short yuan for chart axes: 5000000 fen -> "¥5万" / "¥50K" (rounded; exact values go in tables).
export function formatYuanCompact(fen) {
  const yuan = Math.round(Number(fen) / 100);
  return '¥' + new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(yuan);
}

// Integer fen -> plain yuan text for an input box: 123456 -> "1234.56", 100 -> "1".
export function fenToYuanInput(fen) {
  if (fen === null || fen === undefined) return '';
  const n = Number(fen);
  const yuan = Math.floor(n / 100);
  const cents = n % 100;
  return cents === 0 ? String(yuan) : yuan + '.' + String(cents).padStart(2, '0');
}

// "1,234.5" -> 123450; "" or malformed or more than 2 decimals -> null. Non-negative only.
export function parseYuanToFen(text) {
  if (typeof text !== 'string') return null;
  const s = text.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '');
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] || '').padEnd(2, '0'));
  return whole * 100 + frac;
}

// As parseYuanToFen, with an optional leading minus (a loss): "-1,000" -> -100000.
export function parseSignedYuanToFen(text) {
  if (typeof text !== 'string') return null;
  const s = text.trim();
  const negative = /^[-−]/.test(s);
  const fen = parseYuanToFen(negative ? s.slice(1) : s);
  if (fen === null) return null;
  return negative ? -fen : fen;
}

// "12.5" (percent) -> 1250 basis points; valid 0..100.00 only, else null.
export function parsePercentToBp(text) {
  if (typeof text !== 'string') return null;
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/%$/, '').trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

// 1250 -> "12.5" (for an input box).
export function bpToPercentInput(bp) {
  if (bp === null || bp === undefined) return '';
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  if (frac === 0) return String(whole);
  return whole + '.' + String(frac).padStart(2, '0').replace(/0$/, '');
}

export function formatPercentBp(bp) {
  if (bp === null || bp === undefined) return '—';
  return bpToPercentInput(bp) + ' %';
}

export function formatCount(n) {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(locale()).format(n);
}

export function formatRatio(r) {
  if (r === null || r === undefined) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(r);
}

// "2026-03-01" -> "2026年3月1日" / "Mar 1, 2026".
export function formatDate(ymd) {
  if (!ymd || typeof ymd !== 'string') return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// RFC 3339 instant -> date and time on the Shanghai clock.
export function formatInstant(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai',
  }).format(d);
}

// "2026-03" -> "2026年3月" / "Mar 2026".
export function formatMonth(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
  if (!m) return ym || '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

// The browser's calendar day in Asia/Shanghai as "YYYY-MM-DD".
function browserTodayShanghai() {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date());
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function dayNumber(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd || '');
  if (!m) return null;
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86400000);
}

function fromDayNumber(n) {
  const d = new Date(n * 86400000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

// Days between the service's calendar (GET /meta "today", which a demo or test may set) and the
// browser's: due dates shown before a request must be the ones the service will record.
let serviceDayOffset = 0;

export function setServiceToday(ymd) {
  const service = dayNumber(ymd);
  const browser = dayNumber(browserTodayShanghai());
  serviceDayOffset = service === null || browser === null ? 0 : service - browser;
}

// Today on the service's calendar (Asia/Shanghai) as "YYYY-MM-DD".
export function todayShanghai() {
  return serviceDayOffset === 0 ? browserTodayShanghai() : addDays(browserTodayShanghai(), serviceDayOffset);
}

// "2026-12-31" + 1 day -> "2027-01-01"; "" for a malformed date.
export function addDays(ymd, days) {
  const n = dayNumber(ymd);
  return n === null || !/^\d{4}-\d{2}-\d{2}$/.test(ymd) ? '' : fromDayNumber(n + days);
}

// "2027-Q1" -> "2027年第1季度" / "Q1 2027".
export function formatQuarter(label) {
  const m = /^(\d{4})-Q([1-4])$/.exec(label || '');
  if (!m) return label || '—';
  return getLang() === 'en' ? `Q${m[2]} ${m[1]}` : `${m[1]}年第${m[2]}季度`;
}

// Whole days from `from` (default today in Shanghai) to `to`; negative when past; null when unknown.
export function daysBetween(to, from = todayShanghai()) {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === null || b === null) return null;
  return b - a;
}

export function isValidDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1
    && d.getUTCDate() === Number(m[3]);
}

// "2026-01-31" + 1 month -> "2026-02-28" (clamped to the month's end).
export function addMonths(ymd, months) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return '';
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const y = Math.floor(total / 12);
  const mo = total % 12;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const d = Math.min(Number(m[3]), last);
  return `${String(y).padStart(4, '0')}-${String(mo + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
