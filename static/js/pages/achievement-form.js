// achievement-form: create (POST, draft) or edit (PATCH with If-Match of the ETag version) an
// achievement. Validates before sending: enums, maturity 1..9, trial months 1..36, fee in yuan
// to integer fen, royalty % to basis points (above 0 exactly for the royalty modes), royalty base,
// license years 1..20, a fee schedule adding up to the fee, patent numbers and keywords lists.
// Open licensing is declared on the achievement's page (open-license-form.js), not here.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { parseYuanToFen, fenToYuanInput, parsePercentToBp, bpToPercentInput } from '../format.js';
import { field, input, textarea, enumSelect, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { billsRoyalty, defaultSchedule } from '../terms.js';
import { scheduleEditor, scheduleProblem } from './schedule-editor.js';
import { patentNumberProblem, normalisePatentNumber } from '../patent.js';
import { pageTitle, notice } from '../ui.js';

// "a, b；c\nd" -> ["a","b","c","d"]
export function splitList(text) {
  return String(text || '').split(/[,，;；、\n]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function intIn(text, min, max) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

function buildControls(a) {
  return {
    title: input({ maxlength: '300', required: true, value: a.title || '', 'data-test': 'ach-title' }),
    title_en: input({ maxlength: '300', value: a.title_en || '', lang: 'en', 'data-test': 'ach-title-en' }),
    abstract: textarea({ rows: 6, maxlength: '10000', required: true, 'data-test': 'ach-abstract' }),
    field: enumSelect('fields', { required: true, 'data-test': 'ach-field' }, t('common.choose'), a.field || ''),
    kind: enumSelect('kinds', { required: true, 'data-test': 'ach-kind' }, t('common.choose'), a.kind || ''),
    patent_numbers: textarea({ rows: 3, class: 'mono', 'data-test': 'ach-patents' }),
    keywords: input({ value: (a.keywords || []).join(', '), 'data-test': 'ach-keywords' }),
    maturity: input({ type: 'number', min: '1', max: '9', step: '1', inputmode: 'numeric', value: a.maturity ? String(a.maturity) : '', 'data-test': 'ach-maturity' }),
    trial_months: input({ type: 'number', min: '1', max: '36', step: '1', inputmode: 'numeric', value: a.trial_months ? String(a.trial_months) : '6', 'data-test': 'ach-trial-months' }),
    payment_mode: enumSelect('payment_modes', { required: true, 'data-test': 'ach-payment-mode' }, t('common.choose'), a.payment_mode || ''),
    reference_fee_fen: input({ inputmode: 'decimal', value: a.reference_fee_fen !== undefined ? fenToYuanInput(a.reference_fee_fen) : '', 'data-test': 'ach-fee' }),
    royalty_bp: input({ inputmode: 'decimal', value: a.royalty_bp ? bpToPercentInput(a.royalty_bp) : '', 'data-test': 'ach-royalty' }),
    royalty_base: enumSelect('royalty_bases', { 'data-test': 'ach-royalty-base' }, null, a.royalty_base || 'net_sales'),
    license_years: input({ type: 'number', min: '1', max: '20', step: '1', inputmode: 'numeric', value: String(a.license_years || 5), 'data-test': 'ach-license-years' }),
    // an open-licensed achievement cannot be made exclusive while its declaration stands
    exclusive: h('input', { type: 'checkbox', checked: !!a.exclusive && !a.open_license, disabled: !!a.open_license, 'data-test': 'ach-exclusive' }),
  };
}

// Reads and checks the form; returns {body, problems}.
function readForm(c, schedule, original) {
  const problems = {};
  const body = {};
  body.title = c.title.value.trim();
  if (!body.title) problems.title = t('v.required');
  const titleEn = c.title_en.value.trim();
  if (titleEn) body.title_en = titleEn;
  else if (original.title_en) body.title_en = null;
  body.abstract = c.abstract.value.trim();
  if (!body.abstract) problems.abstract = t('v.required');
  for (const k of ['field', 'kind', 'payment_mode']) {
    body[k] = c[k].value;
    if (!body[k]) problems[k] = t('v.choose');
  }
  body.patent_numbers = splitList(c.patent_numbers.value).map(normalisePatentNumber);
  const bad = body.patent_numbers.filter((p) => patentNumberProblem(p) !== null);
  if (bad.length) problems.patent_numbers = t('v.patent', { list: bad.join(', ') });
  body.keywords = splitList(c.keywords.value);
  body.maturity = intIn(c.maturity.value, 1, 9);
  if (body.maturity === null) problems.maturity = t('v.range', { min: 1, max: 9 });
  body.trial_months = intIn(c.trial_months.value, 1, 36);
  if (body.trial_months === null) problems.trial_months = t('v.range', { min: 1, max: 36 });
  body.reference_fee_fen = parseYuanToFen(c.reference_fee_fen.value);
  if (body.reference_fee_fen === null) problems.reference_fee_fen = t('v.money');
  if (billsRoyalty(body.payment_mode)) {
    body.royalty_bp = parsePercentToBp(c.royalty_bp.value);
    if (body.royalty_bp === null) problems.royalty_bp = t('v.percent');
    else if (body.royalty_bp === 0) problems.royalty_bp = t('v.royaltyNeeded');
  } else {
    body.royalty_bp = 0;
  }
  body.royalty_base = c.royalty_base.value || 'net_sales';
  body.license_years = intIn(c.license_years.value, 1, 20);
  if (body.license_years === null) problems.license_years = t('v.range', { min: 1, max: 20 });
  if (body.reference_fee_fen !== null) {
    const plan = schedule.read();
    const problem = scheduleProblem(plan, body.reference_fee_fen);
    if (problem) problems.fee_schedule = problem;
    body.fee_schedule = plan.rows;
  }
  body.exclusive = c.exclusive.checked;
  return { body, problems };
}

export async function render(ctx) {
  const id = ctx.params[0] || null;
  let original = {};
  let etag = null;
  if (id) {
    const res = await api.request('GET', `/achievements/${id}`);
    original = res.data;
    etag = res.etag || (original.version !== undefined ? `"${original.version}"` : null);
  }
  const c = buildControls(original);
  c.abstract.value = original.abstract || '';
  c.patent_numbers.value = (original.patent_numbers || []).join('\n');
  const royaltyField = field({ name: 'royalty_bp', label: t('ach.royaltyPercent'), control: c.royalty_bp, hint: t('ach.royaltyHint') });
  const baseField = field({ name: 'royalty_base', label: t('ach.royaltyBase'), control: c.royalty_base });
  const syncRoyalty = () => {
    royaltyField.hidden = !billsRoyalty(c.payment_mode.value);
    baseField.hidden = royaltyField.hidden;
  };
  c.payment_mode.addEventListener('change', syncRoyalty);
  syncRoyalty();
  const feeFen = () => parseYuanToFen(c.reference_fee_fen.value);
  const schedule = scheduleEditor({
    schedule: Array.isArray(original.fee_schedule) ? original.fee_schedule : defaultSchedule(original.reference_fee_fen),
    feeFen, label: t('ach.schedule'), hint: t('ach.scheduleHint'), testPrefix: 'ach-schedule',
  });
  c.reference_fee_fen.addEventListener('input', schedule.feeChanged);
  const check = (name, label, control, hint) => h('div', { class: 'field field-check', 'data-field': name },
    h('label', {}, control, ' ', label), hint ? h('p', { class: 'field-hint', 'data-test': `${name}-hint` }, hint) : null,
    h('p', { class: 'field-error', 'data-field-error': name, 'aria-live': 'polite' }));
  const form = h('form', { class: 'panel grid-form', 'data-test': 'achievement-form', novalidate: true },
    field({ name: 'title', label: t('ach.title'), control: c.title, wide: true }),
    field({ name: 'title_en', label: t('ach.titleEn'), control: c.title_en, wide: true }),
    field({ name: 'abstract', label: t('ach.abstract'), control: c.abstract, wide: true }),
    field({ name: 'field', label: t('ach.field'), control: c.field }),
    field({ name: 'kind', label: t('ach.kind'), control: c.kind }),
    field({ name: 'patent_numbers', label: t('ach.patents'), control: c.patent_numbers, hint: t('ach.patentsHint') }),
    field({ name: 'keywords', label: t('ach.keywords'), control: c.keywords, hint: t('ach.keywordsHint') }),
    field({ name: 'maturity', label: t('ach.maturity'), control: c.maturity, hint: t('ach.maturityHint') }),
    field({ name: 'trial_months', label: t('ach.trialMonths'), control: c.trial_months, hint: t('v.range', { min: 1, max: 36 }) }),
    field({ name: 'payment_mode', label: t('ach.paymentMode'), control: c.payment_mode }),
    field({ name: 'reference_fee_fen', label: t('ach.referenceFeeYuan'), control: c.reference_fee_fen, hint: t('ach.feeHint') }),
    royaltyField,
    baseField,
    field({ name: 'license_years', label: t('ach.licenseYears'), control: c.license_years, hint: t('ach.licenseYearsHint') }),
    schedule.element,
    check('exclusive', t('ach.exclusiveCheck'), c.exclusive, original.open_license ? t('ach.exclusiveOpen') : null),
    formAlert(),
    h('div', { class: 'actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'ach-save' }, t('common.save')),
      h('a', { href: '#/inst/achievements', class: 'btn' }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { body, problems } = readForm(c, schedule, original);
    if (!showClientErrors(form, problems)) return;
    await busy(form, async () => {
      try {
        if (id) {
          await api.request('PATCH', `/achievements/${id}`, { body, ifMatch: etag || undefined });
        } else {
          await api.post('/achievements', body);
        }
        ctx.go('#/inst/achievements', id ? t('ach.saved') : t('ach.savedDraft'));
      } catch (err) {
        showProblem(form, err);
        if (err.status === 412) {
          form.querySelector('[data-test="form-error"]').appendChild(
            h('button', { type: 'button', class: 'btn', on: { click: () => ctx.rerender() } }, t('ach.reload')));
        }
      }
    });
  });
  append(ctx.root, pageTitle(id ? t('nav.editAchievement') : t('nav.newAchievement')),
    id && original.status === 'listed' ? notice(t('ach.editListedNote'), 'info') : null,
    form);
}
