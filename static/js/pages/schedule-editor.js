// schedule-editor: a fee schedule as rows of "days after conversion" and an amount in yuan, with a
// line saying whether they add up to the fee. A single payment follows the fee as it is typed
// (the default: the whole fee 30 days after conversion) until its amount is changed by hand.

import { h, clear, uid } from '../dom.js';
import { t } from '../i18n.js';
import { parseYuanToFen, fenToYuanInput, formatFen } from '../format.js';
import { input } from '../forms.js';

function markInvalid(el, invalid) {
  if (invalid) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
}

function dayCount(text) {
  const s = String(text).trim();
  if (!/^\d{1,4}$/.test(s)) return null;
  const n = Number(s);
  return n <= 3650 ? n : null;
}

// feeFen: () => the fee in fen as now typed, or null. Returns {element, read, feeChanged}:
// read() -> {rows: [{after_days, amount_fen}], sum, bad} (no rows while the fee is 0).
export function scheduleEditor({ schedule = [], feeFen, name = 'fee_schedule', label, hint, testPrefix = 'sched' }) {
  const tbody = h('tbody', {});
  const sumLine = h('p', { class: 'sum-line', 'aria-live': 'polite', 'data-test': `${testPrefix}-sum` });
  const noFee = h('p', { class: 'muted', 'data-test': `${testPrefix}-no-fee` }, t('sched.noFee'));
  const labelId = uid('sched');
  let count = 0;
  let follows = schedule.length <= 1;

  const tableBox = h('div', { class: 'table-wrap' }, h('table', { 'aria-labelledby': labelId, 'data-test': `${testPrefix}-table` },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('sched.afterDays')), h('th', { scope: 'col' }, t('sched.amount')),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.remove'))))),
    tbody));
  const add = h('button', { type: 'button', class: 'btn', 'data-test': `${testPrefix}-add` }, t('sched.add'));
  const element = h('div', { class: 'field field-wide', 'data-field': name },
    h('span', { class: 'label', id: labelId }, label || t('ach.schedule')),
    hint ? h('p', { class: 'field-hint' }, hint) : null,
    tableBox, h('div', { class: 'actions' }, add), sumLine, noFee,
    h('p', { class: 'field-error', 'data-field-error': name, 'aria-live': 'polite' }));

  function addRow(days, amountText) {
    count += 1;
    const n = count;
    const after = input({ type: 'number', min: '0', max: '3650', step: '1', inputmode: 'numeric', value: days === undefined ? '' : String(days),
      'aria-label': t('sched.afterDaysN', { n }), 'data-test': `${testPrefix}-days` });
    const amount = input({ inputmode: 'decimal', value: amountText || '', 'aria-label': t('sched.amountN', { n }), 'data-test': `${testPrefix}-amount` });
    const remove = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('sched.removeN', { n }) }, '✕');
    const tr = h('tr', { 'data-test': `${testPrefix}-row` }, h('td', {}, after), h('td', {}, amount), h('td', {}, remove));
    after.addEventListener('input', update);
    amount.addEventListener('input', () => { follows = false; update(); });
    remove.addEventListener('click', () => { tr.remove(); follows = tbody.rows.length <= 1 && follows; update(); });
    tbody.appendChild(tr);
    return tr;
  }

  function read() {
    const fee = feeFen();
    const rows = [];
    let sum = 0;
    let bad = false;
    if (fee === 0) return { rows, sum, bad };
    for (const tr of tbody.querySelectorAll('tr')) {
      const [afterEl, amountEl] = tr.querySelectorAll('input');
      const days = dayCount(afterEl.value);
      const fen = parseYuanToFen(amountEl.value);
      markInvalid(afterEl, afterEl.value !== '' && days === null);
      markInvalid(amountEl, amountEl.value !== '' && !(fen > 0));
      if (days === null || !(fen > 0)) bad = true;
      else sum += fen;
      rows.push({ after_days: days, amount_fen: fen });
    }
    return { rows, sum, bad };
  }

  function update() {
    const fee = feeFen();
    const none = fee === 0;
    tableBox.hidden = none;
    add.hidden = none;
    sumLine.hidden = none;
    noFee.hidden = !none;
    if (none) return;
    const plan = read();
    clear(sumLine);
    sumLine.append(t('sched.sum', { sum: formatFen(plan.sum), total: fee === null ? '—' : formatFen(fee) }));
    if (fee !== null && !plan.bad && plan.sum !== fee) {
      const diff = fee - plan.sum;
      sumLine.append(' ', h('strong', {}, diff > 0 ? t('convert.short', { amount: formatFen(diff) }) : t('convert.over', { amount: formatFen(-diff) })));
    }
    sumLine.classList.toggle('sum-ok', fee !== null && !plan.bad && plan.sum === fee && plan.rows.length > 0);
  }

  // The fee input changed: a first payment appears when there is a fee; a single payment that
  // follows the fee takes its new amount.
  function feeChanged() {
    const fee = feeFen();
    if (fee !== null && fee > 0) {
      if (tbody.rows.length === 0) {
        addRow(30, fenToYuanInput(fee));
        follows = true;
      } else if (tbody.rows.length === 1 && follows) {
        tbody.rows[0].querySelectorAll('input')[1].value = fenToYuanInput(fee);
      }
    }
    update();
  }

  add.addEventListener('click', () => {
    follows = false;
    const tr = addRow('', '');
    update();
    tr.querySelector('input').focus();
  });
  for (const e of schedule) addRow(e.after_days, fenToYuanInput(e.amount_fen));
  feeChanged();
  return { element, read, feeChanged };
}

// The problem of a schedule read from the editor against a fee, or null.
export function scheduleProblem(plan, feeFen) {
  if (feeFen === null || feeFen === 0) return null;
  if (plan.bad || plan.rows.length === 0 || plan.sum !== feeFen) return t('v.schedule');
  return null;
}
