// Builds the page from DOM nodes with text content only: no string from the
// API is ever parsed as HTML (party names come from imports and may hold
// markup; docs/console.md, "Security model").

// h('td', {class: 'x'}, 'text', child, [more]): an element. Attributes
// starting with "on" are event listeners; null, undefined and false are
// left out, as are null children.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  add(el, children);
  return el;
}

// Appends children: nodes as they are, anything else as a text node.
export function add(el, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Amounts are kept in fen (分); shown in yuan with two decimals.
export function yuan(fen) {
  if (typeof fen !== 'number') return '';
  return (fen / 100).toLocaleString('zh-CN', {minimumFractionDigits: 2, maximumFractionDigits: 2});
}

// The first 12 hex digits of a hash, the whole one on hover.
export function shortHash(hash) {
  return h('code', {class: 'hash', title: hash || ''}, (hash || '').slice(0, 12));
}
