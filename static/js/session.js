// session: who is signed in (GET /api/v1/me), signing in and out, and the enum metadata and the
// service's calendar day (GET /api/v1/meta).

import * as api from './api.js';
import { setMeta } from './i18n.js';
import { setServiceToday } from './format.js';

let user = null;

export function currentUser() {
  return user;
}

function unwrapUser(body) {
  if (!body || typeof body !== 'object') return null;
  return body.user && typeof body.user === 'object' ? body.user : body;
}

// Asks the server who is signed in; null when nobody (401).
export async function refreshUser() {
  try {
    user = unwrapUser(await api.get('/me'));
  } catch (err) {
    if (err.status !== 401) throw err;
    user = null;
  }
  return user;
}

export async function signIn(email, password) {
  const body = await api.post('/session', { email, password });
  user = unwrapUser(body);
  return user;
}

export async function signOut() {
  try {
    await api.del('/session');
  } finally {
    user = null;
  }
}

export async function loadMeta() {
  try {
    const meta = await api.get('/meta');
    setMeta(meta);
    if (meta && meta.today) setServiceToday(meta.today);
  } catch (err) {
    setMeta({});
  }
}

export function isAdmin(u = user) {
  return !!u && (u.role === 'admin' || u.role === 'province_admin');
}

// The hash route a user starts from after signing in.
export function homeFor(u = user) {
  if (!u) return '#/pool';
  if (u.role === 'enterprise') return '#/me/trials';
  if (u.role === 'institution') return '#/inst/achievements';
  if (isAdmin(u)) return '#/admin/review';
  return '#/pool';
}
