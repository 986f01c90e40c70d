// convert-form: the institution proposes a license for an active trial — payment mode, fixed fee in
// yuan, royalty rate and base, license years, and an installment plan (due date + amount) whose
// amounts must add up to the fee before it can be sent. It starts from the agreed terms; the
// enterprise accepts or declines the proposal (license-detail.js).

import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { parseYuanToFen, parsePercentToBp, fenToYuanInput, formatFen, isValidDate, todayShanghai, addMonths, bpToPercentInput } from '../format.js';
import { field, input, enumSelect, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { billsRoyalty, scheduleDates } from '../terms.js';
import { confirmStep } from '../ui.js';

function markInvalid(el, invalid) {
  if (invalid) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
}

function intIn(text, min, max) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

export function convertForm(trial, ctx) {
  const agreed = trial.terms || {};
  const mode = enumSelect('payment_modes', { required: true, 'data-test': 'convert-mode' }, t('common.choose'), agreed.payment_mode || 'installments');
  const total = input({ inputmode: 'decimal', required: true, value: trial.terms ? fenToYuanInput(agreed.fee_fen || 0) : '', 'data-test': 'convert-total' });
  const royalty = input({ inputmode: 'decimal', value: agreed.royalty_bp ? bpToPercentInput(agreed.royalty_bp) : '', 'data-test': 'convert-royalty' });
  const base = enumSelect('royalty_bases', { 'data-test': 'convert-royalty-base' }, null, agreed.royalty_base || 'net_sales');
  const years = input({ type: 'number', min: '1', max: '20', step: '1', inputmode: 'numeric', value: String(agreed.license_years || 5), 'data-test': 'convert-years' });
  const royaltyField = field({ name: 'royalty_bp', label: t('ach.royaltyPercent'), control: royalty });
  const baseField = field({ name: 'royalty_base', label: t('ach.royaltyBase'), control: base });
  const tbody = h('tbody', {});
  const sumLine = h('p', { class: 'sum-line', 'aria-live': 'polite', 'data-test': 'installments-sum' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true, 'data-test': 'convert-submit' }, t('convert.submit'));
  const step = confirmStep({ testName: 'convert', label: t('convert.confirm'), onBack: () => { submit.hidden = false; submit.focus(); } });
  let rowCount = 0;

  function addRow(dueOn = '', amountText = '') {
    rowCount += 1;
    const n = rowCount;
    const due = input({ type: 'date', value: dueOn, 'aria-label': t('convert.dueOnN', { n }), 'data-test': 'inst-due' });
    const amount = input({ inputmode: 'decimal', value: amountText, 'aria-label': t('convert.amountN', { n }), 'data-test': 'inst-amount' });
    const remove = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('convert.removeN', { n }) }, '✕');
    const tr = h('tr', { 'data-test': 'inst-row' }, h('td', {}, due), h('td', {}, amount), h('td', {}, remove));
    due.addEventListener('input', update);
    amount.addEventListener('input', update);
    remove.addEventListener('click', () => { tr.remove(); update(); });
    tbody.appendChild(tr);
    update();
    return tr;
  }

  // Reads the plan: {rows: [{due_on, amount_fen}], sum, bad}
  function readPlan() {
    const rows = [];
    let sum = 0;
    let bad = false;
    for (const tr of tbody.querySelectorAll('tr')) {
      const [dueEl, amountEl] = tr.querySelectorAll('input');
      const fen = parseYuanToFen(amountEl.value);
      const okDate = isValidDate(dueEl.value);
      const okAmount = fen !== null && fen > 0;
      markInvalid(dueEl, dueEl.value !== '' && !okDate);
      markInvalid(amountEl, amountEl.value !== '' && !okAmount);
      if (!okDate || !okAmount) bad = true;
      else sum += fen;
      rows.push({ due_on: dueEl.value, amount_fen: fen });
    }
    return { rows, sum, bad };
  }

  function update() {
    const totalFen = parseYuanToFen(total.value);
    const plan = readPlan();
    royaltyField.hidden = !billsRoyalty(mode.value);
    baseField.hidden = royaltyField.hidden;
    const matches = totalFen !== null && !plan.bad && plan.sum === totalFen && (totalFen === 0 || plan.rows.length > 0);
    clear(sumLine);
    sumLine.append(t('convert.sum', { sum: formatFen(plan.sum), total: totalFen === null ? '—' : formatFen(totalFen) }));
    if (totalFen !== null && !plan.bad && plan.sum !== totalFen) {
      const diff = totalFen - plan.sum;
      sumLine.append(' ', h('strong', {}, diff > 0 ? t('convert.short', { amount: formatFen(diff) }) : t('convert.over', { amount: formatFen(-diff) })));
    }
    sumLine.classList.toggle('sum-ok', matches);
    submit.disabled = !matches || !mode.value;
  }

  // Splits the total into n monthly installments, the remainder fen on the last one.
  function splitEqually() {
    const totalFen = parseYuanToFen(total.value);
    const n = Math.max(1, tbody.querySelectorAll('tr').length || 2);
    if (totalFen === null || totalFen <= 0) return;
    clear(tbody);
    rowCount = 0;
    const each = Math.floor(totalFen / n);
    const start = todayShanghai();
    for (let i = 0; i < n; i += 1) {
      const amount = i === n - 1 ? totalFen - each * (n - 1) : each;
      addRow(addMonths(start, i + 1), fenToYuanInput(amount));
    }
  }

  mode.addEventListener('change', update);
  total.addEventListener('input', update);
  royalty.addEventListener('input', update);
  const form = h('form', { class: 'panel convert-form', 'data-test': 'convert-form', novalidate: true },
    h('h3', {}, t('convert.title')),
    h('p', { class: 'muted' }, t('convert.intro')),
    field({ name: 'payment_mode', label: t('ach.paymentMode'), control: mode }),
    field({ name: 'total_fen', label: t('convert.totalYuan'), control: total }),
    royaltyField,
    baseField,
    field({ name: 'license_years', label: t('ach.licenseYears'), control: years, hint: t('ach.licenseYearsHint') }),
    h('div', { class: 'field field-wide', 'data-field': 'installments' },
      h('span', { class: 'label', id: `plan-${trial.id}` }, t('convert.plan')),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-labelledby': `plan-${trial.id}`, 'data-test': 'installment-plan' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('license.dueOn')), h('th', { scope: 'col' }, t('license.amountYuan')), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.remove'))))),
        tbody)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', 'data-test': 'inst-add', on: { click: () => { addRow(); tbody.lastElementChild.querySelector('input').focus(); } } }, t('convert.addRow')),
        h('button', { type: 'button', class: 'btn', 'data-test': 'inst-split', on: { click: splitEqually } }, t('convert.split'))),
      sumLine,
      h('p', { class: 'field-error', 'data-field-error': 'installments', 'aria-live': 'polite' })),
    formAlert(),
    h('div', { class: 'actions' }, submit),
    step.box);
  // the summary is of what the form holds: a change takes it away
  form.addEventListener('input', () => {
    step.box.hidden = true;
    submit.hidden = false;
  });
  const start = scheduleDates(agreed.fee_schedule, todayShanghai());
  if (start.length > 0) {
    for (const p of start) addRow(p.due_on, fenToYuanInput(p.amount_fen));
  } else if (!trial.terms) {
    addRow();
    addRow();
  }
  update();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const totalFen = parseYuanToFen(total.value);
    const plan = readPlan();
    const problems = {};
    if (!mode.value) problems.payment_mode = t('v.choose');
    if (totalFen === null) problems.total_fen = t('v.money');
    if (plan.bad || plan.sum !== totalFen) problems.installments = t('v.planSum');
    const body = { payment_mode: mode.value, total_fen: totalFen, installments: plan.rows };
    if (billsRoyalty(mode.value)) {
      body.royalty_bp = parsePercentToBp(royalty.value);
      if (body.royalty_bp === null) problems.royalty_bp = t('v.percent');
      else if (body.royalty_bp === 0) problems.royalty_bp = t('v.royaltyNeeded');
      body.royalty_base = base.value || 'net_sales';
    } else {
      body.royalty_bp = 0;
    }
    body.license_years = intIn(years.value, 1, 20);
    if (body.license_years === null) problems.license_years = t('v.range', { min: 1, max: 20 });
    if (!showClientErrors(form, problems)) return;
    if (!step.shown()) {
      submit.hidden = true;
      step.show(t('convert.summary', { enterprise: trial.enterprise_name || '—', amount: formatFen(totalFen), n: plan.rows.length }));
      return;
    }
    const key = api.newIdempotencyKey();
    await busy(form, async () => {
      try {
        const res = await api.post(`/trials/${trial.id}/convert`, body, { idempotencyKey: key });
        const license = res && (res.license || res);
        ctx.go(license && license.id ? `#/licenses/${license.id}` : '#/inst/trials', t('convert.sent'));
      } catch (err) {
        step.box.hidden = true;
        submit.hidden = false;
        showProblem(form, err);
      }
    });
    update();
  });
  return form;
}
