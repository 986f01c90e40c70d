// forms: labelled form fields, client-side error display and mapping of the server's
// problem+json `errors[].field` onto the field they name.

import { h, uid, clear } from './dom.js';
import { enumOptions } from './i18n.js';
import { problemText, fieldProblems } from './problems.js';

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

// Shows err on the form: each field's problem under its field, the rest in the form's alert.
export function showProblem(form, err) {
  clearErrors(form);
  const alert = form.querySelector('[data-test="form-error"]');
  const leftovers = [];
  const problems = fieldProblems(err);
  for (const p of problems) {
    if (!fieldOrParent(p.field).some((name) => setFieldError(form, name, p.text))) leftovers.push(p.text);
  }
  if (alert) {
    clear(alert);
    alert.appendChild(h('p', {}, problemText(err)));
    for (const l of new Set(leftovers)) alert.appendChild(h('p', {}, l));
    alert.hidden = false;
    if (problems.length === 0 || leftovers.length > 0) alert.focus();
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
