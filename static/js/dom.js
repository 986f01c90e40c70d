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
