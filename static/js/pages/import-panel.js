// import-panel: bulk import on the institution's achievements page — template downloads, a file
// checked first (a dry run: what would be created and updated, or every problem in a grid of rows
// and columns, each beside its cell), then imported on confirmation, with the new drafts listed.

import { h, clear, userText } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { problemText, fieldText } from '../problems.js';
import { notice, table } from '../ui.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PREVIEW_ROWS = 200;

// The columns of an import file (the templates' order) and their labels in the UI.
const COLUMNS = [
  ['external_ref', 'imp.externalRef'], ['title', 'ach.title'], ['title_en', 'ach.titleEn'],
  ['abstract', 'ach.abstract'], ['field', 'ach.field'], ['kind', 'ach.kind'],
  ['patent_numbers', 'ach.patents'], ['keywords', 'ach.keywords'], ['maturity', 'ach.maturity'],
  ['trial_months', 'ach.trialMonths'], ['payment_mode', 'ach.paymentMode'],
  ['reference_fee_fen', 'imp.feeFen'], ['royalty_bp', 'imp.royaltyBp'], ['exclusive', 'ach.exclusive'],
];

function columnLabel(name) {
  const column = COLUMNS.find(([n]) => n === name);
  return column ? t(column[1]) : name;
}

function fileType(file) {
  return /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE ? XLSX_TYPE : 'text/csv';
}

// Every problem of the file: those of the whole file as a list, the others in a grid with a row
// per file row and a column per column that has a problem, each message in its cell.
function problemsView(errors) {
  const whole = errors.filter((e) => e.row === null || e.row === undefined);
  const cells = errors.filter((e) => e.row !== null && e.row !== undefined);
  const rows = [...new Set(cells.map((e) => e.row))].sort((a, b) => a - b);
  const columns = COLUMNS.map(([n]) => n).filter((n) => cells.some((e) => e.column === n));
  if (cells.some((e) => !e.column)) columns.push('');
  const grid = rows.map((row) => ({
    attrs: { 'data-test': 'import-error-row', 'data-row': String(row) },
    cells: [String(row), ...columns.map((column) => {
      const here = cells.filter((e) => e.row === row && (e.column || '') === column);
      if (!here.length) return '';
      return h('div', { class: 'import-error', 'data-test': 'import-error', 'data-column': column },
        here.map((e) => h('p', {},
          e.value ? h('code', {}, e.value) : null, e.value ? ' ' : null, fieldText(e.message))));
    })],
  }));
  return h('div', { 'data-test': 'import-problems' },
    h('div', { class: 'alert alert-error', role: 'alert' }, t('imp.problems', { n: errors.length })),
    whole.length ? h('ul', {}, whole.map((e) => h('li', { 'data-test': 'import-error' },
      `${t('imp.wholeFile')}: ${fieldText(e.message)}`))) : null,
    rows.length ? table([t('imp.row'), ...columns.map((c) => (c ? columnLabel(c) : t('imp.wholeFile')))], grid,
      { 'data-test': 'import-error-grid' }) : null);
}

function itemsView(items) {
  const shown = items.slice(0, PREVIEW_ROWS).map((item) => ({
    attrs: { 'data-test': 'import-item', 'data-action': item.action },
    cells: [String(item.row), item.external_ref, userText(item.title), t(`imp.action.${item.action}`)],
  }));
  return h('div', {},
    table([t('imp.row'), t('imp.externalRef'), t('ach.title'), t('imp.action')], shown,
      { 'data-test': 'import-preview' }),
    items.length > PREVIEW_ROWS ? h('p', { class: 'muted' }, t('imp.more', { n: items.length - PREVIEW_ROWS })) : null);
}

// onImported(): called after a real import, to show the list afresh.
export function importPanel({ onImported }) {
  const input = h('input', { type: 'file', accept: '.csv,.xlsx,text/csv,' + XLSX_TYPE, 'data-test': 'import-file', id: 'import-file' });
  const check = h('button', { type: 'button', class: 'btn', 'data-test': 'import-check' }, t('imp.check'));
  const confirm = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'import-confirm', hidden: true }, t('imp.confirm'));
  const out = h('div', { 'data-test': 'import-result', 'aria-live': 'polite' });
  let checked = null;

  async function send(dryRun) {
    const file = input.files && input.files[0];
    if (!file) return;
    check.disabled = true;
    confirm.disabled = true;
    clear(out);
    out.appendChild(h('p', { class: 'muted', role: 'status' }, t('imp.busy')));
    try {
      const result = await api.upload('/achievements/import', file, fileType(file), dryRun ? { dry_run: 'true' } : undefined);
      clear(out);
      if (dryRun) {
        checked = file;
        out.append(notice(t('imp.ready', result)), itemsView(result.items || []));
        confirm.hidden = false;
      } else {
        const created = (result.items || []).filter((i) => i.action === 'create');
        out.append(notice(t('imp.done', result)));
        if (created.length) {
          out.append(h('h3', {}, t('imp.newDrafts')), h('ul', { 'data-test': 'import-new-drafts' },
            created.slice(0, PREVIEW_ROWS).map((i) => h('li', {},
              h('a', { href: `#/inst/achievements/${i.id}/edit` }, i.external_ref, ' · ', userText(i.title))))));
        }
        confirm.hidden = true;
        checked = null;
        onImported();
      }
    } catch (err) {
      clear(out);
      confirm.hidden = true;
      checked = null;
      out.append(err.code === 'invalid_field' && err.errors.length
        ? problemsView(err.errors)
        : h('div', { class: 'alert alert-error', role: 'alert' }, problemText(err)));
    } finally {
      check.disabled = false;
      confirm.disabled = false;
    }
  }

  input.addEventListener('change', () => { confirm.hidden = true; clear(out); });
  check.addEventListener('click', () => send(true));
  confirm.addEventListener('click', () => { if (checked && input.files[0] === checked) send(false); });

  return h('section', { class: 'import-panel', 'data-test': 'import-panel' },
    h('h2', {}, t('imp.title')),
    h('p', { class: 'muted' }, t('imp.intro')),
    h('p', { class: 'actions' },
      h('a', { class: 'btn', href: '/api/v1/achievements/import-template.xlsx', download: '', 'data-test': 'import-template-xlsx' }, t('imp.templateXlsx')),
      h('a', { class: 'btn', href: '/api/v1/achievements/import-template.csv', download: '', 'data-test': 'import-template-csv' }, t('imp.templateCsv'))),
    h('p', { class: 'actions' }, h('label', { for: 'import-file' }, t('imp.file')), input, check, confirm),
    out);
}
