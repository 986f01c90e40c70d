// signup: an enterprise registers itself (POST /api/v1/enterprises). The credit code is checked
// while typed (GB 32100-2015 and the organisation code inside it); server field errors appear
// next to their fields. On success the new user is signed in and welcomed in the pool.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { field, input, enumSelect, formAlert, showProblem, showClientErrors, busy, setFieldError } from '../forms.js';
import { creditCodeProblem, creditCodeInProvince, normaliseCreditCode } from '../creditcode.js';
import { signIn } from '../session.js';
import { pageTitle } from '../ui.js';

function creditMessage(problem) {
  return problem ? t('credit.' + problem) : '';
}

export async function render(ctx) {
  const name = input({ autocomplete: 'organization', required: true, maxlength: '200', 'data-test': 'signup-name' });
  const credit = input({
    autocomplete: 'off', spellcheck: 'false', maxlength: '18', required: true, class: 'mono',
    'data-test': 'signup-credit-code', autocapitalize: 'characters',
  });
  const creditState = h('p', { class: 'field-ok', 'aria-live': 'polite', 'data-test': 'credit-code-state' });
  const province = enumSelect('provinces', { required: true, 'data-test': 'signup-province' }, t('common.choose'));
  const scale = enumSelect('enterprise_scales', { required: true, 'data-test': 'signup-scale' }, t('common.choose'));
  const contact = input({ autocomplete: 'name', required: true, maxlength: '100', 'data-test': 'signup-contact' });
  const email = input({ type: 'email', autocomplete: 'email', required: true, 'data-test': 'signup-email' });
  const password = input({ type: 'password', autocomplete: 'new-password', minlength: '10', required: true, 'data-test': 'signup-password' });
  const creditField = field({ name: 'credit_code', label: t('account.creditCode'), control: credit, hint: t('account.creditHint') });
  creditField.appendChild(creditState);
  const form = h('form', { class: 'panel', 'data-test': 'signup-form', novalidate: true },
    h('p', { class: 'muted' }, t('account.signupIntro')),
    field({ name: 'name', label: t('account.enterpriseName'), control: name, wide: true }),
    creditField,
    field({ name: 'province', label: t('ach.province'), control: province }),
    field({ name: 'scale', label: t('account.scale'), control: scale, hint: t('account.scaleHint') }),
    field({ name: 'contact_name', label: t('account.contactName'), control: contact }),
    field({ name: 'email', label: t('account.email'), control: email }),
    field({ name: 'password', label: t('account.password'), control: password, hint: t('account.passwordHint') }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'signup-submit' }, t('account.createAccount'))),
    h('p', {}, t('account.haveAccount'), ' ', h('a', { href: '#/signin' }, t('nav.signin'))));

  // As they type: say nothing until 18 characters unless a character is wrong; then say valid or why not.
  credit.addEventListener('input', () => {
    const pos = credit.selectionStart;
    const norm = normaliseCreditCode(credit.value);
    if (norm !== credit.value) {
      credit.value = norm;
      if (pos !== null) credit.setSelectionRange(Math.min(pos, norm.length), Math.min(pos, norm.length));
    }
    const problem = creditCodeProblem(norm);
    creditState.textContent = '';
    if (norm.length === 0) {
      setFieldError(form, 'credit_code', '');
    } else if (problem === 'length' && norm.length < 18 && creditCodeProblem(norm.padEnd(18, '0')) !== 'charset') {
      setFieldError(form, 'credit_code', '');
      creditState.textContent = t('credit.typing', { n: norm.length });
    } else if (problem) {
      setFieldError(form, 'credit_code', creditMessage(problem));
    } else {
      setFieldError(form, 'credit_code', '');
      creditState.textContent = t('credit.valid');
    }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const code = normaliseCreditCode(credit.value);
    const problems = {};
    if (!name.value.trim()) problems.name = t('v.required');
    const cp = creditCodeProblem(code);
    if (cp) problems.credit_code = creditMessage(cp);
    if (!province.value) problems.province = t('v.required');
    else if (!cp && !creditCodeInProvince(code, province.value)) problems.credit_code = t('credit.province');
    if (!scale.value) problems.scale = t('v.required');
    if (!contact.value.trim()) problems.contact_name = t('v.required');
    if (!email.value.trim() || !email.validity.valid) problems.email = t('v.email');
    if (password.value.length < 10) problems.password = t('v.passwordLength');
    if (!showClientErrors(form, problems)) return;
    creditState.textContent = '';
    await busy(form, async () => {
      try {
        await api.post('/enterprises', {
          name: name.value.trim(), credit_code: code, province: province.value, scale: scale.value,
          contact_name: contact.value.trim(), email: email.value.trim(), password: password.value,
        });
        await signIn(email.value.trim(), password.value);
        ctx.chrome();
        ctx.go('#/pool', [t('account.welcome'), ' ',
          h('a', { href: '#/me/trials', 'data-test': 'welcome-next' }, t('account.welcomeNext'))]);
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  append(ctx.root, pageTitle(t('account.signupTitle')), form);
}
