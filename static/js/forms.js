// forms: labelled form fields, client-side error display and mapping of the server's
// problem+json `errors[].field` onto the field they name.

import { h, uid, clear } from './dom.js';
import { t, enumOptions, getLang } from './i18n.js';

// A labelled control: {name, label, control, hint}. The control gets an id, the label points at it,
// and an error line (aria-live) sits under it.
export function field({ name, label, control, hint, wide }) {
  const id = control.id || uid(name);
  control.id = id;
  if (!control.getAttribute('name')) control.setAttribute('name', name);
  const errId = id + '-err';
  const describedBy = [errId];
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'field-hint', id: id + '-hint' }, hint);
    describedBy.push(hintEl.id);
  }
  control.setAttribute('aria-describedby', describedBy.join(' '));
  // An error goes away once the person changes the field it was about.
  const clearOwnError = () => {
    const err = box.querySelector('.field-error');
    if (err && err.textContent) err.textContent = '';
    control.removeAttribute('aria-invalid');
  };
  control.addEventListener('input', clearOwnError);
  control.addEventListener('change', clearOwnError);
  const box = h('div', { class: wide ? 'field field-wide' : 'field', 'data-field': name },
    h('label', { for: id }, label),
    control,
    hintEl,
    h('p', { class: 'field-error', id: errId, 'data-field-error': name, 'aria-live': 'polite' }));
  return box;
}

export function input(attrs) {
  return h('input', { type: 'text', ...attrs });
}

export function textarea(attrs) {
  return h('textarea', { rows: 4, ...attrs });
}

// <select> of an enum from /meta; `blank` adds a first empty option with that label.
export function enumSelect(kind, attrs = {}, blank = null, selected = '') {
  const sel = h('select', attrs);
  if (blank !== null) sel.appendChild(h('option', { value: '' }, blank));
  for (const o of enumOptions(kind)) {
    sel.appendChild(h('option', { value: o.value, selected: o.value === selected }, o.label));
  }
  if (selected) sel.value = selected;
  return sel;
}

export function formAlert() {
  return h('div', { class: 'alert alert-error', role: 'alert', tabindex: '-1', 'data-test': 'form-error', hidden: true });
}

export function setFieldError(form, name, message) {
  const box = form.querySelector(`[data-field="${cssEscape(name)}"]`);
  if (!box) return false;
  const err = box.querySelector('.field-error');
  err.textContent = message || '';
  const control = box.querySelector('input, select, textarea');
  if (control) {
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
  return true;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('[data-test="form-error"]')) {
    clear(el);
    el.hidden = true;
  }
}

function cssEscape(s) {
  return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
}

const SERVER_MESSAGES_ZH = [
  [/check digit/i, '校验位不正确'],
  [/required|missing|must be present/i, '必填'],
  [/already (exists|registered|taken|used)|duplicate/i, '已被使用'],
  [/too long/i, '太长'],
  [/too short|at least 10/i, '太短（至少 10 个字符）'],
  [/must add up|sum/i, '分期金额之和须等于总额'],
  [/out of range|between|must be/i, '超出允许范围'],
  [/date/i, '日期无效'],
  [/unknown field/i, '不认识的字段'],
  [/email/i, '邮箱格式不正确'],
];

// The server's English field message, in the current language as far as it is known.
export function serverFieldMessage(message) {
  const m = String(message || '');
  if (getLang() === 'en') return m;
  for (const [re, zh] of SERVER_MESSAGES_ZH) {
    if (re.test(m)) return `${zh}（${m}）`;
  }
  return `${t('err.field_invalid')}（${m}）`;
}

// Localised sentence for an ApiError (or any Error).
export function errorText(err) {
  const code = err && err.code ? err.code : 'internal';
  const key = 'err.' + code;
  const text = t(key);
  return text === key ? t('err.unknown', { status: err && err.status ? err.status : '?' }) : text;
}

// "terms.fee_schedule[0].amount_fen" -> itself, "terms.fee_schedule[0]", "terms.fee_schedule",
// "terms": a problem shows at the closest field the form has.
function fieldOrParent(name) {
  const out = [];
  let n = name;
  while (n) {
    out.push(n);
    const cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf('['));
    n = cut > 0 ? n.slice(0, cut) : '';
  }
  return out;
}

// Shows err on the form: field errors next to their fields, the rest in the form's alert.
export function showProblem(form, err) {
  clearErrors(form);
  const alert = form.querySelector('[data-test="form-error"]');
  const leftovers = [];
  const errors = err && Array.isArray(err.errors) ? err.errors : [];
  for (const e of errors) {
    const full = String(e.field || '');
    const msg = serverFieldMessage(e.message);
    if (!fieldOrParent(full).some((name) => setFieldError(form, name, msg))) {
      leftovers.push(full ? `${full}: ${msg}` : msg);
    }
  }
  if (alert) {
    clear(alert);
    alert.appendChild(h('p', {}, errorText(err)));
    if (err && err.detail && errors.length === 0) alert.appendChild(h('p', { class: 'muted' }, err.detail));
    for (const l of leftovers) alert.appendChild(h('p', {}, l));
    alert.hidden = false;
    if (errors.length === 0 || leftovers.length > 0) alert.focus();
  }
  const firstInvalid = form.querySelector('[aria-invalid="true"]');
  if (firstInvalid) firstInvalid.focus();
}

// Shows client-side problems {name: message}; returns true when there were none.
export function showClientErrors(form, problems) {
  clearErrors(form);
  const names = Object.keys(problems);
  for (const n of names) setFieldError(form, n, problems[n]);
  if (names.length > 0) {
    const firstInvalid = form.querySelector('[aria-invalid="true"]');
    if (firstInvalid) firstInvalid.focus();
  }
  return names.length === 0;
}

// Disables the submit buttons while fn runs; returns fn's result.
export async function busy(form, fn) {
  const buttons = form.querySelectorAll('button[type="submit"]');
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}
