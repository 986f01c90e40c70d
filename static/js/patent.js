// patent: Chinese patent application numbers ("ZL202110123456.7", "CN02123456.X") and their check digit.

const NUMBER = /^(?:ZL|CN)?\s*(\d{8}|\d{12})\s*\.?\s*([0-9X])$/;

// null when the number is well formed with a correct check digit, else 'format' or 'check'.
export function patentNumberProblem(text) {
  const m = NUMBER.exec(String(text || '').trim().toUpperCase());
  if (!m) return 'format';
  const digits = m[1];
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    sum += Number(digits[i]) * (2 + (i % 8));
  }
  const r = sum % 11;
  const check = r === 10 ? 'X' : String(r);
  return check === m[2] ? null : 'check';
}
