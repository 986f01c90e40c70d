// patent: Chinese patent application numbers ("ZL202110123456.7", "CN02123456.X") and their check
// digit, with the same rules as the daemon: 12 digits since October 2003 (year 2003..2099), 8 before
// (year 85..99 or 00..03), a type digit, a '.', then the check character (weights 2..9, mod 11, 10 -> X).

const NUMBER = /^(?:ZL|CN)?(\d{8}|\d{12})\.([0-9X])$/;

// Upper-case and without spaces, as sent to the server.
export function normalisePatentNumber(text) {
  return String(text || '').replace(/\s+/g, '').toUpperCase();
}

// null when valid, else 'format', 'type', 'year' or 'check'.
export function patentNumberProblem(text) {
  const m = NUMBER.exec(normalisePatentNumber(text));
  if (!m) return 'format';
  const digits = m[1];
  const modern = digits.length === 12;
  const type = digits[modern ? 4 : 2];
  if (!['1', '2', '3'].includes(type) && !(modern && (type === '8' || type === '9'))) return 'type';
  const year = Number(digits.slice(0, modern ? 4 : 2));
  if (modern ? year < 2003 || year > 2099 : year > 3 && year < 85) return 'year';
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) sum += Number(digits[i]) * (2 + (i % 8));
  const r = sum % 11;
  return (r === 10 ? 'X' : String(r)) === m[2] ? null : 'check';
}
