// trial-terms: the part of the trial request that fixes what a later license costs — take the
// achievement's standard terms (shown as they are) or propose others (fee and its schedule,
// royalty rate and base, years, field of use, territory), with the resulting terms shown live so
// the enterprise sees exactly what it agrees to.

import { h, clear, uid } from '../dom.js';
import { t } from '../i18n.js';
import { parseYuanToFen, fenToYuanInput, parsePercentToBp, bpToPercentInput } from '../format.js';
import { field, input, enumSelect } from '../forms.js';
import { billsRoyalty, needsFee, termsComplete } from '../terms.js';
import { scheduleEditor, scheduleProblem } from './schedule-editor.js';
import { termsList } from './terms-view.js';

function intIn(text, min, max) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

// std: the achievement's standard terms. Returns {element, read}: read() -> {terms, problems}
// where terms is undefined for the standard terms, else the terms to send.
export function termsChooser(std) {
  const complete = termsComplete(std);
  const group = uid('terms');
  const standard = h('input', { type: 'radio', name: group, value: 'standard', checked: complete, disabled: !complete, 'data-test': 'terms-standard' });
  const propose = h('input', { type: 'radio', name: group, value: 'propose', checked: !complete, 'data-test': 'terms-propose' });

  const c = {
    payment_mode: enumSelect('payment_modes', { 'data-test': 'terms-mode' }, null, std.payment_mode),
    fee_fen: input({ inputmode: 'decimal', value: fenToYuanInput(std.fee_fen || 0), 'data-test': 'terms-fee-input' }),
    royalty_bp: input({ inputmode: 'decimal', value: std.royalty_bp ? bpToPercentInput(std.royalty_bp) : '', 'data-test': 'terms-royalty-input' }),
    royalty_base: enumSelect('royalty_bases', { 'data-test': 'terms-base' }, null, std.royalty_base || 'net_sales'),
    license_years: input({ type: 'number', min: '1', max: '20', step: '1', inputmode: 'numeric', value: String(std.license_years || 5), 'data-test': 'terms-years' }),
    field_of_use: input({ maxlength: '500', 'data-test': 'terms-field-of-use' }),
    territory: input({ maxlength: '500', 'data-test': 'terms-territory' }),
  };
  const feeFen = () => parseYuanToFen(c.fee_fen.value);
  const schedule = scheduleEditor({ schedule: std.fee_schedule || [], feeFen, name: 'terms.fee_schedule', label: t('terms.schedule'), testPrefix: 'terms-schedule' });
  const royaltyField = field({ name: 'terms.royalty_bp', label: t('ach.royaltyPercent'), control: c.royalty_bp, hint: t('ach.royaltyHint') });
  const baseField = field({ name: 'terms.royalty_base', label: t('terms.royaltyBase'), control: c.royalty_base });
  const preview = h('div', { 'aria-live': 'polite' });

  // The terms as typed so far (null where a value does not parse), for the preview and the request.
  function current() {
    const mode = c.payment_mode.value;
    const fee = feeFen();
    const royalty = billsRoyalty(mode);
    const tm = {
      payment_mode: mode, fee_fen: fee, fee_schedule: schedule.read().rows,
      royalty_bp: royalty ? parsePercentToBp(c.royalty_bp.value) : 0,
      royalty_base: c.royalty_base.value || 'net_sales',
      license_years: intIn(c.license_years.value, 1, 20),
      exclusive: !!std.exclusive,
      field_of_use: c.field_of_use.value.trim() || null,
      territory: c.territory.value.trim() || null,
      max_trial_months: std.max_trial_months,
    };
    return tm;
  }

  function sync() {
    const proposing = propose.checked;
    standardBox.hidden = proposing;
    proposeBox.hidden = !proposing;
    royaltyField.hidden = !billsRoyalty(c.payment_mode.value);
    baseField.hidden = royaltyField.hidden;
    clear(preview);
    if (proposing) preview.appendChild(termsList(current(), { testName: 'proposed-terms-preview' }));
  }

  const standardBox = h('div', { 'data-test': 'standard-terms-choice' },
    termsList(std, { testName: 'standard-terms-preview' }));
  const proposeBox = h('div', { class: 'grid-form', 'data-test': 'propose-terms' },
    field({ name: 'terms.payment_mode', label: t('ach.paymentMode'), control: c.payment_mode }),
    field({ name: 'terms.fee_fen', label: t('terms.feeYuan'), control: c.fee_fen, hint: t('ach.feeHint') }),
    schedule.element,
    royaltyField,
    baseField,
    field({ name: 'terms.license_years', label: t('ach.licenseYears'), control: c.license_years, hint: t('ach.licenseYearsHint') }),
    field({ name: 'terms.field_of_use', label: t('terms.fieldOfUse'), control: c.field_of_use, hint: t('trial.fieldOfUseHint') }),
    field({ name: 'terms.territory', label: t('terms.territory'), control: c.territory, hint: t('trial.territoryHint') }),
    h('p', { class: 'muted field-wide' }, t('trial.exclusiveFixed', { value: std.exclusive ? t('ach.exclusive') : t('ach.nonExclusive') })),
    h('h3', { class: 'field-wide' }, t('trial.youAgree')),
    h('div', { class: 'field-wide' }, preview),
    h('p', { class: 'muted field-wide' }, t('trial.proposalNote')));

  for (const el of [standard, propose, c.payment_mode, c.royalty_base]) el.addEventListener('change', sync);
  for (const el of [c.royalty_bp, c.license_years, c.field_of_use, c.territory]) el.addEventListener('input', sync);
  c.fee_fen.addEventListener('input', () => { schedule.feeChanged(); sync(); });
  schedule.element.addEventListener('input', sync);
  schedule.element.addEventListener('click', () => setTimeout(sync, 0));

  const element = h('fieldset', { class: 'terms-choice field-wide', 'data-field': 'terms', 'data-test': 'terms-choice' },
    h('legend', {}, t('trial.termsLegend')),
    h('p', { class: 'field-error', 'data-field-error': 'terms', 'aria-live': 'polite' }),
    h('p', { class: 'muted' }, t('trial.termsIntro')),
    complete ? null : h('p', { class: 'alert alert-info', 'data-test': 'terms-must-propose' }, t('trial.mustPropose')),
    h('div', { class: 'choice', role: 'radiogroup' },
      h('label', {}, standard, ' ', t('trial.takeStandard')),
      h('label', {}, propose, ' ', t('trial.proposeOwn'))),
    standardBox, proposeBox);
  sync();

  function read() {
    if (!propose.checked) return { terms: undefined, problems: {} };
    const tm = current();
    const problems = {};
    if (!tm.payment_mode) problems['terms.payment_mode'] = t('v.choose');
    if (tm.fee_fen === null) problems['terms.fee_fen'] = t('v.money');
    else if (needsFee(tm.payment_mode) && tm.fee_fen === 0) problems['terms.fee_fen'] = t('v.feeNeeded');
    else {
      const problem = scheduleProblem(schedule.read(), tm.fee_fen);
      if (problem) problems['terms.fee_schedule'] = problem;
    }
    if (billsRoyalty(tm.payment_mode)) {
      if (tm.royalty_bp === null) problems['terms.royalty_bp'] = t('v.percent');
      else if (tm.royalty_bp === 0) problems['terms.royalty_bp'] = t('v.royaltyNeeded');
    }
    if (tm.license_years === null) problems['terms.license_years'] = t('v.range', { min: 1, max: 20 });
    const terms = {
      payment_mode: tm.payment_mode, fee_fen: tm.fee_fen, fee_schedule: tm.fee_schedule,
      royalty_bp: tm.royalty_bp, royalty_base: tm.royalty_base, license_years: tm.license_years,
    };
    if (tm.field_of_use) terms.field_of_use = tm.field_of_use;
    if (tm.territory) terms.territory = tm.territory;
    return { terms, problems };
  }
  return { element, read };
}
