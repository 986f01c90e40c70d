// signin: email and password -> POST /api/v1/session; the browser keeps the HttpOnly cookie.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import { field, input, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { signIn, homeFor } from '../session.js';
import { pageTitle } from '../ui.js';

// Only same-page hash routes are followed after signing in.
export function safeNext(next) {
  return typeof next === 'string' && /^#\/[\w\-/?=&%.]*$/.test(next) ? next : null;
}

export async function render(ctx) {
  const email = input({ type: 'email', autocomplete: 'username', required: true, 'data-test': 'signin-email' });
  const password = input({ type: 'password', autocomplete: 'current-password', required: true, 'data-test': 'signin-password' });
  const form = h('form', { class: 'panel narrow', 'data-test': 'signin-form', novalidate: true },
    field({ name: 'email', label: t('account.email'), control: email }),
    field({ name: 'password', label: t('account.password'), control: password }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'signin-submit' }, t('nav.signin'))),
    h('p', {}, t('account.noAccount'), ' ', h('a', { href: '#/signup' }, t('nav.signup'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problems = {};
    if (!email.value.trim()) problems.email = t('v.required');
    if (!password.value) problems.password = t('v.required');
    if (!showClientErrors(form, problems)) return;
    await busy(form, async () => {
      try {
        const user = await signIn(email.value.trim(), password.value);
        ctx.chrome();
        ctx.go(safeNext(ctx.query.get('next')) || homeFor(user));
      } catch (err) {
        showProblem(form, err.status === 401 ? { ...err, code: 'bad_credentials', errors: [], detail: '' } : err);
      }
    });
  });
  append(ctx.root, pageTitle(t('nav.signin')), form);
}
