// ui: shared page pieces — headings, loading and error boxes, status badges, definition lists,
// tables, "load more" lists, the confirmation step of irreversible or money actions and the inline
// "reason" form used for decline/reject/return/extension.

import { h, clear } from './dom.js';
import { t, enumLabel } from './i18n.js';
import { field, input, formAlert, showProblem, busy, clearErrors, setFieldError } from './forms.js';
import { problemText, retryHelps } from './problems.js';

export function pageTitle(text, testName) {
  return h('h1', { tabindex: '-1', 'data-test': testName || 'page-title' }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

// A failure in place of what could not be read; `retry`, when trying again may help, on a button.
export function errorBox(err, retry) {
  const box = h('div', { class: 'alert alert-error', role: 'alert', 'data-test': 'page-error' },
    h('p', {}, problemText(err)));
  if (retry && retryHelps(err)) {
    box.appendChild(h('p', {}, h('button', { type: 'button', class: 'btn', 'data-test': 'retry', on: { click: retry } }, t('common.retry'))));
  }
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
      const failed = errorBox(err, () => { failed.remove(); load(); });
      box.insertBefore(failed, more);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  box.ready = load();
  return box;
}

// The last step of an action that cannot be undone or that moves money: what is about to happen,
// then a submit button of the form around it to go ahead and one to go back (onBack).
// Returns {box, show(statement), shown()}.
export function confirmStep({ testName, label, danger = false, onBack, backLabel }) {
  const statement = h('p', { 'data-test': `${testName}-statement` });
  const yes = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', 'data-test': `${testName}-confirm` }, label);
  const box = h('div', { class: danger ? 'alert alert-error' : 'alert alert-info', role: 'status', hidden: true, 'data-test': `${testName}-confirmation` },
    statement,
    h('div', { class: 'actions' }, yes,
      h('button', { type: 'button', class: 'btn', 'data-test': `${testName}-back`, on: { click: () => { box.hidden = true; onBack(); } } },
        backLabel || t('common.back'))));
  return {
    box,
    show(text) {
      statement.textContent = text;
      box.hidden = false;
      yes.focus();
    },
    shown: () => !box.hidden,
  };
}

// A button that opens an inline form asking for a reason, then calls onSubmit(reason).
// extras: more fields before the reason ({ name, label, control }); onSubmit gets the reason and
// an object of the extras' values by name. summary(reason, extras), when given, states what is
// about to happen and asks for a confirmation before onSubmit.
export function reasonAction({ label, submitLabel, onSubmit, testName, danger = true, optional = false, extras = [], summary }) {
  const wrap = h('div', { class: 'reason-action' });
  const open = h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn', 'data-test': testName }, label);
  const reason = input({ name: 'reason', maxlength: '500', 'data-test': `${testName}-reason` });
  const controls = [...extras.map((x) => x.control), reason];
  // while the summary is shown, what it sums up stays as it is (a <select> has no readOnly)
  const editable = (yes) => {
    for (const c of controls) {
      if (c.tagName === 'SELECT') c.disabled = !yes;
      else c.readOnly = !yes;
    }
  };
  const submit = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', 'data-test': summary ? `${testName}-next` : `${testName}-confirm` },
    summary ? t('common.next') : submitLabel || label);
  const step = summary ? confirmStep({
    testName, label: submitLabel || label, danger,
    onBack: () => { editable(true); submit.hidden = false; controls[0].focus(); },
  }) : null;
  const cancel = () => {
    form.hidden = true;
    if (step) step.box.hidden = true;
    editable(true);
    submit.hidden = false;
    open.hidden = false;
    open.focus();
  };
  const form = h('form', { class: 'inline-form', hidden: true, novalidate: true },
    extras.map((x) => field({ name: x.name, label: x.label, control: x.control })),
    field({ name: 'reason', label: t('common.reason'), control: reason }),
    formAlert(),
    h('div', { class: 'actions' }, submit,
      h('button', { type: 'button', class: 'btn', on: { click: cancel } }, t('common.cancel'))),
    step ? step.box : null);
  open.addEventListener('click', () => {
    open.hidden = true;
    form.hidden = false;
    controls[0].focus();
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
    const values = Object.fromEntries(extras.map((x) => [x.name, x.control.value]));
    if (step && !step.shown()) {
      editable(false);
      submit.hidden = true;
      step.show(summary(text, values));
      return;
    }
    await busy(form, async () => {
      try {
        await onSubmit(text, values);
      } catch (err) {
        // refused: back to the form, with the reason why
        if (step) {
          step.box.hidden = true;
          editable(true);
          submit.hidden = false;
        }
        showProblem(form, err);
      }
    });
  });
  wrap.append(open, form);
  return wrap;
}

// A button that runs an action and reports failure next to itself. summary(), when given, states
// what is about to happen and asks for a confirmation (confirmLabel) first.
export function actionButton({ label, onClick, testName, kind = 'btn', summary, confirmLabel }) {
  const out = h('span', { class: 'action-error', role: 'alert', 'data-test': `${testName}-error` });
  const btn = h('button', { type: 'button', class: kind, 'data-test': testName }, label);
  // true when done; when refused, says why next to the button
  const run = async () => {
    btn.disabled = true;
    out.textContent = '';
    try {
      await onClick();
      return true;
    } catch (err) {
      out.textContent = problemText(err);
      return false;
    } finally {
      btn.disabled = false;
    }
  };
  if (!summary) {
    btn.addEventListener('click', run);
    return h('span', { class: 'action' }, btn, out);
  }
  const step = confirmStep({
    testName, label: confirmLabel || label, danger: kind.includes('danger'),
    onBack: () => { btn.hidden = false; btn.focus(); },
  });
  const form = h('form', { class: 'inline-form', novalidate: true }, step.box);
  btn.addEventListener('click', () => {
    btn.hidden = true;
    out.textContent = '';
    step.show(summary());
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!(await busy(form, run))) {
      step.box.hidden = true;
      btn.hidden = false;
    }
  });
  return h('span', { class: 'action' }, btn, form, out);
}
