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
