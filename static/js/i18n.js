// i18n: the current language (zh by default, en at a switch, remembered), UI strings and enum labels.
// Enum labels come from GET /api/v1/meta; the built-in table below holds the enums it does not list.

import { STRINGS } from './strings.js';

const STORAGE_KEY = 'techpool.lang';
let lang = 'zh';
let meta = {};
const listeners = new Set();

// Enums that GET /api/v1/meta does not carry; every other enum's values and labels come only from
// the server (the service's vocabulary), so that the UI cannot drift from it.
const FALLBACK_ENUMS = {
  installment_kinds: [['fixed', '固定费用', 'Fixed fee'], ['royalty', '提成', 'Royalty']],
  open_license_statuses: [['active', '有效', 'Active'], ['withdrawn', '已撤回', 'Withdrawn']],
};

export function getLang() {
  return lang;
}

export function initLang() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    saved = null;
  }
  applyLang(saved === 'en' ? 'en' : 'zh');
}

function applyLang(next) {
  lang = next;
  const html = document.documentElement;
  html.lang = lang === 'en' ? 'en' : 'zh-CN';
  html.classList.toggle('lang-en', lang === 'en');
  html.classList.toggle('lang-zh', lang !== 'en');
}

export function setLang(next) {
  applyLang(next === 'en' ? 'en' : 'zh');
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch (e) {
    // Private mode without storage: the choice lasts for this page only.
  }
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// t('pool.title'), t('trial.daysLeft', {n: 3}); an unknown key shows itself so it is noticed.
export function t(key, params) {
  const table = STRINGS[lang] || STRINGS.zh;
  let s = table[key];
  if (s === undefined) s = STRINGS.zh[key];
  if (s === undefined) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (all, name) => (params[name] === undefined ? all : String(params[name])));
  }
  return s;
}

// t() whose parameters may be nodes (a name in an element marked with its language): the
// sentence as a list of its text pieces and those nodes, in order, for h() or append().
export function tParts(key, params) {
  return t(key).split(/(\{\w+\})/).filter(Boolean).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && params[m[1]] !== undefined ? params[m[1]] : part;
  });
}

export function hasString(key) {
  return STRINGS[lang][key] !== undefined;
}

export function setMeta(m) {
  meta = m && typeof m === 'object' ? m : {};
}

// The server's labels first; values it does not list yet (a newer UI than daemon, or the other
// way round) keep the built-in ones, so every value a reply can carry has a label and an option.
function entries(kind) {
  const builtin = (FALLBACK_ENUMS[kind] || []).map(([value, zh, en]) => ({ value, zh, en }));
  const fromServer = meta[kind];
  if (!Array.isArray(fromServer) || fromServer.length === 0) return builtin;
  const listed = new Set(fromServer.map((e) => e.value));
  return fromServer.concat(builtin.filter((e) => !listed.has(e.value)));
}

// [{value, label}] in the current language, for a <select>.
export function enumOptions(kind) {
  return entries(kind).map((e) => ({ value: e.value, label: (lang === 'en' ? e.en : e.zh) || e.value }));
}

export function enumLabel(kind, value) {
  if (value === null || value === undefined || value === '') return '—';
  const found = entries(kind).find((e) => e.value === value);
  if (found) return (lang === 'en' ? found.en : found.zh) || value;
  const builtin = (FALLBACK_ENUMS[kind] || []).find((e) => e[0] === value);
  if (builtin) return lang === 'en' ? builtin[2] : builtin[1];
  return String(value);
}
