// problems: the one place where a refusal of the server (an ApiError: problem+json, or a network
// failure) becomes words in the reader's language. The contract's `code` chooses the sentence;
// the server's English `detail` and field `message` are never shown: the texts the service is
// known to send map to a sentence of their own, any other to the sentence of its code, or for a
// field to "this value is not accepted".

import { t } from './i18n.js';
import { formatFen } from './format.js';

// The server's texts the UI knows, most specific first: [pattern, string key, params of the match].
const KNOWN = [
  [/a user with this email is already registered/, 'err.emailTaken'],
  [/an enterprise with this credit code is already registered/, 'err.creditCodeTaken'],
  [/already has an open trial of this achievement/, 'err.trialOpen'],
  [/90 or more days overdue/, 'err.defaultTooEarly'],
  [/must not be in the future/, 'v.notFuture'],
  [/(\d+) fen is more than the (\d+) fen/, 'v.overOutstanding', (m) => ({ amount: formatFen(Number(m[2])) })],
  [/an extension request of this trial is already pending/, 'err.extensionPending'],
  [/already has an active open-license declaration/, 'err.declarationActive'],
  [/already holds a license of this declaration/, 'ol.alreadyHeld'],
  [/the declaration is withdrawn/, 'ol.noLonger'],
  [/is already reported/, 'err.periodReported'],
  [/has not ended yet/, 'err.periodNotEnded'],
  [/outside the license's term/, 'err.periodOutside'],
  [/check digit|check character/, 'v.checkDigit'],
  [/must be between (-?\d+) and (-?\d+)/, 'v.between', (m) => ({ min: m[1], max: m[2] })],
  [/is required|must not be empty|must not be blank/, 'v.required'],
  [/must be a date|not a real date/, 'v.date'],
  [/is not one of the allowed values|must be one of/, 'v.choose'],
  [/must add up|sum/, 'v.planSum'],
  [/^unknown field$/, 'err.unknownField'],
  [/the column is missing/, 'err.columnMissing'],
  [/the column appears twice/, 'err.columnTwice'],
  [/repeats the key of row (\d+)/, 'err.keyRepeated', (m) => ({ row: m[1] })],
  [/must be true or false/, 'v.choose'],
  [/must not be before/, 'v.dateOrder'],
];

// The localised sentence for a server text the UI knows, else null.
export function knownText(text) {
  const s = String(text || '');
  for (const [re, key, params] of KNOWN) {
    const m = re.exec(s);
    if (m) return t(key, params ? params(m) : undefined);
  }
  return null;
}

// The sentence for one field error: the known one, else "this value is not accepted".
export function fieldText(message) {
  return knownText(message) || t('err.field_invalid');
}

// The sentence for a whole refusal: its code's, or a known detail's when no field carries it.
export function problemText(err) {
  const e = err || {};
  const errors = Array.isArray(e.errors) ? e.errors : [];
  if (errors.length === 0) {
    if (fieldOf(e)) return t('err.invalid_field');
    const known = knownText(e.detail);
    if (known) return known;
  }
  const key = 'err.' + (e.code || 'internal');
  const text = t(key);
  return text === key ? t('err.unknown', { status: e.status || '?' }) : text;
}

// A refusal whose detail names its field first ("email: a user with this email ..."), as the
// database's "already taken" refusals do: that field, else ''.
function fieldOf(err) {
  const m = /^([a-z_]+): /.exec(String(err.detail || ''));
  return m ? m[1] : '';
}

// [{field, text}]: what the refusal says about each field, in the reader's language.
export function fieldProblems(err) {
  const e = err || {};
  const errors = Array.isArray(e.errors) ? e.errors : [];
  const out = errors.map((x) => ({ field: String(x.field || ''), text: fieldText(x.message) }));
  const named = fieldOf(e);
  if (out.length === 0 && named) out.push({ field: named, text: fieldText(e.detail) });
  return out;
}

// Whether trying again (after a moment, or after reloading) may succeed: the network, an
// overloaded or failing service, a page read before someone else changed it.
export function retryHelps(err) {
  const code = err && err.code;
  return code === 'network' || code === 'unavailable' || code === 'internal' || code === 'rate_limited'
    || code === 'precondition_failed' || (err && err.status >= 500);
}
