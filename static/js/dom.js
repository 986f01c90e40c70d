// dom: small helpers that build elements safely. Text always goes in as text nodes, never as HTML,
// and event handlers are attached with addEventListener (the CSP forbids inline handlers).

// h('a', {href: '#/pool', class: 'btn', 'data-test': 'x', on: {click: fn}}, 'text', child, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required', 'multiple', 'readOnly']);

export function setAttrs(el, attrs) {
  if (!attrs) return el;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) {
      if (PROPS.has(k)) el[k] = false;
      continue;
    }
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (PROPS.has(k)) {
      el[k] = v;
    } else if (/^on/i.test(k)) {
      throw new Error('inline handler attribute refused: ' + k);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  return el;
}

// Appends text and nodes, skipping null/undefined/false (unlike Element.append, which writes "null").
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// text with every occurrence of the query's words (case-insensitively) in a <mark>, as a list of
// strings and elements for h() or append(): the data stays text, never HTML.
export function highlight(text, query) {
  const s = String(text ?? '');
  const words = [...new Set(String(query || '').trim().split(/\s+/).filter(Boolean))];
  const lower = s.toLowerCase();
  // lower-casing that changes the length (rare letters) would shift the marks: match exactly then
  const folded = lower.length === s.length;
  const haystack = folded ? lower : s;
  const needles = words.map((w) => (folded && w.toLowerCase().length === w.length ? w.toLowerCase() : w));
  const out = [];
  let from = 0;
  while (from < s.length && needles.length > 0) {
    let at = -1;
    let len = 0;
    for (const n of needles) {
      const i = haystack.indexOf(n, from);
      if (i >= 0 && (at < 0 || i < at || (i === at && n.length > len))) {
        at = i;
        len = n.length;
      }
    }
    if (at < 0) break;
    if (at > from) out.push(s.slice(from, at));
    out.push(h('mark', {}, s.slice(at, at + len)));
    from = at + len;
  }
  if (from < s.length) out.push(s.slice(from));
  return out;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix || 'f'}-${idCounter}`;
}

// The language of a piece of what users wrote (a title, a name, an abstract), from its letters:
// Chinese when it has Chinese characters, English when it has Latin letters only, else none.
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
export function contentLang(text) {
  const s = String(text ?? '');
  if (CJK.test(s)) return 'zh-CN';
  return /[A-Za-z]/.test(s) ? 'en' : null;
}

// What users wrote, in an element marked with its language (WCAG 3.1.2): an English title on a
// Chinese page, a Chinese name on an English page, read by screen readers in their own language.
export function userText(text, attrs = {}, tag = 'span') {
  return h(tag, { ...attrs, lang: contentLang(text) }, text ?? '');
}
