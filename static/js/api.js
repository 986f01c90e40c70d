// api: fetch wrapper for /api/v1 — JSON in and out, cookie session, problem+json turned into ApiError,
// Idempotency-Key and If-Match options.

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(p.detail || p.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = p.code || (status === 0 ? 'network' : 'http_' + status);
    this.title = p.title || '';
    this.detail = p.detail || '';
    this.errors = Array.isArray(p.errors) ? p.errors : [];
  }
}

// A fresh key per form submission; crypto.randomUUID needs a secure context, so fall back
// to getRandomValues (available everywhere) to build a version 4 UUID.
export function newIdempotencyKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID();
  }
  const b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Builds "/api/v1/achievements?q=..." leaving out empty parameters.
export function apiPath(path, query) {
  const url = '/api/v1' + path;
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? url + '?' + s : url;
}

// Returns {status, data, etag}; throws ApiError for any non-2xx reply or a network failure.
export async function request(method, path, options = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  } else if (options.file !== undefined) {
    headers['Content-Type'] = options.fileType;
    init.body = options.file;
  }
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  let res;
  try {
    res = await fetch(apiPath(path, options.query), init);
  } catch (e) {
    throw new ApiError(0, { detail: String(e && e.message ? e.message : e) });
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 204 && (type.includes('json'))) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data, etag: res.headers.get('ETag') };
}

export async function get(path, query) {
  return (await request('GET', path, { query })).data;
}

export async function post(path, body, options = {}) {
  return (await request('POST', path, { ...options, body: body === undefined ? {} : body })).data;
}

export async function put(path, body, options = {}) {
  return (await request('PUT', path, { ...options, body })).data;
}

export async function patch(path, body, options = {}) {
  return (await request('PATCH', path, { ...options, body })).data;
}

// Sends a file (a Blob) as it is, e.g. a spreadsheet to import; returns the reply's JSON.
export async function upload(path, file, fileType, query) {
  return (await request('POST', path, { file, fileType, query })).data;
}

export async function del(path) {
  return (await request('DELETE', path)).data;
}
