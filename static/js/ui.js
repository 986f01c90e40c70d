// ui: shared page pieces — headings, loading and error boxes, status badges, definition lists,
// tables, "load more" lists and the inline "reason" form used for decline/reject/return/extension.

import { h, clear } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { errorText, field, input, formAlert, showProblem, busy, clearErrors, setFieldError } from './forms.js';

export function pageTitle(text, testName) {
  return h('h1', { tabindex: '-1', 'data-test': testName || 'page-title' }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

export function errorBox(err) {
  const box = h('div', { class: 'alert alert-error', role: 'alert', 'data-test': 'page-error' },
    h('p', {}, errorText(err)));
  if (err && err.detail) box.appendChild(h('p', { class: 'muted' }, err.detail));
  return box;
}

export function notice(text, kind = 'ok') {
  return h('div', { class: `alert alert-${kind}`, role: 'status', 'data-test': 'notice' }, text);
}

// Replaces the content of `slot` with a transient success message.
export function flash(slot, text) {
  clear(slot);
  slot.appendChild(notice(text));
}

export function badge(kind, value) {
  return h('span', { class: `badge badge-${String(value).replace(/[^a-z_]/g, '')}`, 'data-status': value },
    enumLabel(kind, value));
}

// [[label, value-or-node], ...] -> <dl>
export function terms(rows) {
  const dl = h('dl', { class: 'terms' });
  for (const [label, value] of rows) {
    if (value === undefined) continue;
    dl.appendChild(h('div', { class: 'term' }, h('dt', {}, label), h('dd', {}, value === null ? '—' : value)));
  }
  return dl;
}

// headers: [label...]; rows: [[cell...]...]; cells may be nodes or text. The columns listed in
// `numeric` (indexes) are figures: right-aligned, so that digits line up. On phones each row shows
// as a card, each cell under its column's name (data-label, see .stack in app.css).
export function table(headers, rows, attrs = {}, { numeric = [] } = {}) {
  const cls = (i) => (numeric.includes(i) ? 'num' : null);
  const label = (i) => (typeof headers[i] === 'string' && headers[i] ? headers[i] : null);
  const thead = h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: cls(i) }, x))));
  const tbody = h('tbody', {}, rows.map((r) => h('tr', r.attrs || {},
    (r.cells || r).map((c, i) => h('td', { class: cls(i), 'data-label': label(i) }, c)))));
  return h('div', { class: 'table-wrap' }, h('table', { ...attrs, class: attrs.class ? `stack ${attrs.class}` : 'stack' }, thead, tbody));
}

// A list that fetches pages with next_cursor: fetchPage(cursor) -> {items, next_cursor}.
// renderItem(item) -> node. Returns the container; a "load more" button appears while more exist.
export function pagedList({ fetchPage, renderItem, empty, listTag = 'ul', listClass = 'cards', testName }) {
  const list = h(listTag, { class: listClass, 'data-test': testName || 'results' });
  const status = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn', 'data-test': 'load-more', hidden: true }, t('common.loadMore'));
  const box = h('div', { class: 'paged' }, list, status, more);
  let cursor = null;
  let count = 0;
  async function load() {
    more.disabled = true;
    status.textContent = t('common.loading');
    try {
      const page = await fetchPage(cursor);
      const items = page && Array.isArray(page.items) ? page.items : [];
      for (const it of items) list.appendChild(renderItem(it));
      count += items.length;
      cursor = page ? page.next_cursor || null : null;
      more.hidden = !cursor;
      status.textContent = count === 0 ? empty || t('common.empty') : '';
    } catch (err) {
      status.textContent = '';
      box.insertBefore(errorBox(err), more);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  box.ready = load();
  return box;
}

// A button that opens an inline form asking for a reason, then calls onSubmit(reason).
// extras: more fields before the reason ({ name, label, control }); onSubmit gets the reason and
// an object of the extras' values by name.
export function reasonAction({ label, submitLabel, onSubmit, testName, danger = true, optional = false, extras = [] }) {
  const wrap = h('div', { class: 'reason-action' });
  const open = h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn', 'data-test': testName }, label);
  const reason = input({ name: 'reason', maxlength: '500', 'data-test': `${testName}-reason` });
  const form = h('form', { class: 'inline-form', hidden: true, novalidate: true },
    extras.map((x) => field({ name: x.name, label: x.label, control: x.control })),
    field({ name: 'reason', label: t('common.reason'), control: reason }),
    formAlert(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', 'data-test': `${testName}-confirm` },
        submitLabel || label),
      h('button', { type: 'button', class: 'btn', on: { click: () => { form.hidden = true; open.hidden = false; open.focus(); } } },
        t('common.cancel'))));
  open.addEventListener('click', () => {
    open.hidden = true;
    form.hidden = false;
    (extras.length ? extras[0].control : reason).focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const text = reason.value.trim();
    if (!optional && !text) {
      setFieldError(form, 'reason', t('v.required'));
      reason.focus();
      return;
    }
    await busy(form, async () => {
      try {
        await onSubmit(text, Object.fromEntries(extras.map((x) => [x.name, x.control.value])));
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  wrap.append(open, form);
  return wrap;
}

// A button that runs an action and reports failure next to itself.
export function actionButton({ label, onClick, testName, kind = 'btn' }) {
  const out = h('span', { class: 'action-error', role: 'alert' });
  const btn = h('button', { type: 'button', class: kind, 'data-test': testName }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    out.textContent = '';
    try {
      await onClick();
    } catch (err) {
      out.textContent = errorText(err) + (err && err.detail ? ` (${err.detail})` : '');
    } finally {
      btn.disabled = false;
    }
  });
  return h('span', { class: 'action' }, btn, out);
}
