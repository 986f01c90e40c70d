// creditcode: the Unified Social Credit Code (GB 32100-2015) check digit and the organisation code
// (GB 11714) check digit inside it. No DOM: also imported by the browser tests to make valid codes.

export const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

// The 18th character for the first 17 (which must use the alphabet), or null.
export function creditCheckChar(first17) {
  if (typeof first17 !== 'string' || first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const v = CREDIT_ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * CREDIT_WEIGHTS[i];
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_ALPHABET[check];
}

// Organisation code value of one character: digits 0-9, letters A-Z as 10-35.
function orgValue(ch) {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'A' && ch <= 'Z') return ch.charCodeAt(0) - 55;
  return -1;
}

// The 9th character of an organisation code for its first 8, or null.
export function orgCheckChar(first8) {
  if (typeof first8 !== 'string' || first8.length !== 8) return null;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const v = orgValue(first8[i]);
    if (v < 0) return null;
    sum += v * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  if (c === 10) return 'X';
  if (c === 11) return '0';
  return String(c);
}

// null when code is valid, else one of: 'empty', 'length', 'charset', 'org_check', 'check'.
export function creditCodeProblem(code) {
  if (!code) return 'empty';
  if (code.length !== 18) return 'length';
  for (const ch of code) {
    if (CREDIT_ALPHABET.indexOf(ch) < 0) return 'charset';
  }
  if (orgCheckChar(code.slice(8, 16)) !== code[16]) return 'org_check';
  if (creditCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

// Upper-case and drop spaces, as people type or paste codes.
export function normaliseCreditCode(text) {
  return String(text || '').replace(/\s+/g, '').toUpperCase();
}

// A valid code from a registration prefix ("91" + 6-digit division) and an 8-character body.
export function makeCreditCode(prefix8, orgBody8) {
  const org = orgBody8 + orgCheckChar(orgBody8);
  const first17 = prefix8 + org;
  return first17 + creditCheckChar(first17);
}

// Whether the registering division (characters 3-8, GB/T 2260) lies in the province, or is
// national (10xxxx), as the service requires at sign-up.
const PROVINCE_DIVISIONS = { SH: '31', JS: '32', ZJ: '33', AH: '34' };
export function creditCodeInProvince(code, province) {
  const prefix = String(code || '').slice(2, 4);
  return prefix === '10' || prefix === PROVINCE_DIVISIONS[province];
}
