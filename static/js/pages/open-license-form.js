// open-license-form: the institution declares a patent open license of an achievement — which of its
// patent numbers, the fee kind, the fee in yuan and the royalty % with its base, the years, the
// announcement number and date. The national guidance sits beside the fee and the rate; the field
// for a reason appears only while the terms typed exceed it (the reason is published).

import { h, clear } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { parseYuanToFen, parsePercentToBp, formatPercentBp, isValidDate, todayShanghai } from '../format.js';
import { field, input, textarea, enumSelect, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { aboveGuideline, kindHasFee, kindHasRoyalty, guideRoyaltyBp } from '../open-license.js';

function intIn(text, min, max) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

// Checkboxes of the achievement's patent numbers, all ticked to start with.
function patentPicker(numbers) {
  const boxes = numbers.map((n) => h('input', { type: 'checkbox', value: n, checked: true, 'data-test': 'ol-patent' }));
  const element = h('fieldset', { class: 'field field-wide patent-pick', 'data-field': 'patent_numbers' },
    h('legend', { class: 'label' }, t('ol.patentsPick')),
    boxes.map((b) => h('label', { class: 'mono' }, b, ' ', b.value)),
    h('p', { class: 'field-error', 'data-field-error': 'patent_numbers', 'aria-live': 'polite' }));
  return { element, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

// onDone(declaration) runs after the service accepted it; onCancel closes the form.
export function declareForm(a, { onDone, onCancel }) {
  const patents = patentPicker(a.patent_numbers || []);
  const c = {
    fee_kind: enumSelect('fee_kinds', { 'data-test': 'ol-fee-kind', required: true }, null, 'lump_sum'),
    fee: input({ inputmode: 'decimal', 'data-test': 'ol-fee' }),
    royalty: input({ inputmode: 'decimal', 'data-test': 'ol-royalty' }),
    base: enumSelect('royalty_bases', { 'data-test': 'ol-royalty-base' }, null, 'net_sales'),
    years: input({ type: 'number', min: '1', max: '20', step: '1', inputmode: 'numeric', value: '5', 'data-test': 'ol-years' }),
    announcement: input({ maxlength: '100', 'data-test': 'ol-announcement' }),
    announced: input({ type: 'date', 'data-test': 'ol-announced-on' }),
    exception: textarea({ rows: 3, maxlength: '2000', 'data-test': 'ol-exception' }),
  };
  // Each guidance line says the limit, and turns into a warning when the value typed passes it.
  const feeGuide = h('p', { class: 'guide', 'data-test': 'ol-guide-fee', 'aria-live': 'polite' });
  const royaltyGuide = h('p', { class: 'guide', 'data-test': 'ol-guide-royalty', 'aria-live': 'polite' });
  const feeField = field({ name: 'fee_fen', label: t('ol.feeYuan'), control: c.fee, hint: t('ach.feeHint') });
  const royaltyField = field({ name: 'royalty_bp', label: t('ol.royaltyPercent'), control: c.royalty, hint: t('ach.royaltyHint') });
  const baseField = field({ name: 'royalty_base', label: t('terms.royaltyBase'), control: c.base });
  feeField.appendChild(feeGuide);
  royaltyField.appendChild(royaltyGuide);
  const exceptionField = field({ name: 'guideline_exception', label: t('ol.exception'), control: c.exception, hint: t('ol.exceptionHint'), wide: true });
  exceptionField.setAttribute('data-test', 'ol-exception-field');

  function typed() {
    const kind = c.fee_kind.value;
    return {
      fee_kind: kind,
      fee_fen: kindHasFee(kind) ? parseYuanToFen(c.fee.value) : 0,
      royalty_bp: kindHasRoyalty(kind) ? parsePercentToBp(c.royalty.value) : 0,
      royalty_base: c.base.value || 'net_sales',
    };
  }

  function sync() {
    const kind = c.fee_kind.value;
    feeField.hidden = !kindHasFee(kind);
    royaltyField.hidden = !kindHasRoyalty(kind);
    baseField.hidden = royaltyField.hidden;
    const above = aboveGuideline(typed());
    const feeAbove = above.includes('fee_fen');
    const royaltyAbove = above.includes('royalty_bp');
    clear(feeGuide);
    feeGuide.append(feeAbove ? h('strong', {}, t('ol.aboveFee')) : t('ol.guideFee'));
    feeGuide.classList.toggle('guide-above', feeAbove);
    clear(royaltyGuide);
    const base = c.base.value || 'net_sales';
    royaltyGuide.append(royaltyAbove
      ? h('strong', {}, t('ol.aboveRoyalty', { base: enumLabel('royalty_bases', base), rate: formatPercentBp(guideRoyaltyBp(base)) }))
      : t('ol.guideRoyalty'));
    royaltyGuide.classList.toggle('guide-above', royaltyAbove);
    exceptionField.hidden = above.length === 0;
  }

  const form = h('form', { class: 'grid-form ol-form', 'data-test': 'ol-declare-form', novalidate: true },
    h('h3', { tabindex: '-1' }, t('ol.declareTitle')),
    h('p', { class: 'muted' }, t('ol.declareIntro')),
    patents.element,
    field({ name: 'fee_kind', label: t('ol.feeKind'), control: c.fee_kind }),
    field({ name: 'years', label: t('ol.years'), control: c.years, hint: t('ol.yearsHint') }),
    feeField,
    royaltyField,
    baseField,
    exceptionField,
    field({ name: 'announcement_number', label: t('ol.announcementNumber'), control: c.announcement }),
    field({ name: 'announced_on', label: t('ol.announcedOn'), control: c.announced }),
    formAlert(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'ol-declare-submit' }, t('ol.declareSubmit')),
      h('button', { type: 'button', class: 'btn', on: { click: onCancel } }, t('common.cancel'))));
  for (const el of [c.fee_kind, c.base]) el.addEventListener('change', sync);
  for (const el of [c.fee, c.royalty]) el.addEventListener('input', sync);
  sync();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const tm = typed();
    const problems = {};
    const body = { patent_numbers: patents.read(), fee_kind: tm.fee_kind };
    if (body.patent_numbers.length === 0) problems.patent_numbers = t('v.patentsPick');
    if (!tm.fee_kind) problems.fee_kind = t('v.choose');
    if (kindHasFee(tm.fee_kind)) {
      if (tm.fee_fen === null) problems.fee_fen = t('v.money');
      else if (tm.fee_fen === 0) problems.fee_fen = t('v.feePositive');
      body.fee_fen = tm.fee_fen;
    }
    if (kindHasRoyalty(tm.fee_kind)) {
      if (tm.royalty_bp === null) problems.royalty_bp = t('v.percent');
      else if (tm.royalty_bp === 0) problems.royalty_bp = t('v.royaltyNeeded');
      body.royalty_bp = tm.royalty_bp;
      body.royalty_base = tm.royalty_base;
    }
    body.years = intIn(c.years.value, 1, 20);
    if (body.years === null) problems.years = t('v.range', { min: 1, max: 20 });
    const number = c.announcement.value.trim();
    if (number) body.announcement_number = number;
    if (c.announced.value) {
      if (!isValidDate(c.announced.value)) problems.announced_on = t('v.date');
      else if (c.announced.value > todayShanghai()) problems.announced_on = t('v.notFuture');
      else body.announced_on = c.announced.value;
    }
    // the reason goes only with terms above the guidance, where the field is shown
    if (aboveGuideline(tm).length > 0) {
      const reason = c.exception.value.trim();
      if (Array.from(reason).length < 10) problems.guideline_exception = t('v.exception');
      else body.guideline_exception = reason;
    }
    if (!showClientErrors(form, problems)) return;
    await busy(form, async () => {
      try {
        onDone(await api.post(`/achievements/${a.id}/open-licenses`, body));
      } catch (err) {
        if (err.code === 'above_guideline') exceptionField.hidden = false;
        showProblem(form, err);
      }
    });
  });
  return form;
}
