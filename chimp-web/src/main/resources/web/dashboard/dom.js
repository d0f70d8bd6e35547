// Small DOM helpers: every text goes in as text (textContent), never as markup.

/** Builds an element: h('a', {href: '#x', class: 'c', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else {
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table: columns [{title, cell: row => node|text}], rows; an empty message when there are none. */
export function table(columns, rows, empty = 'Nothing yet.', attrs = {}) {
  if (!rows || rows.length === 0) {
    return h('p', { class: 'muted' }, empty);
  }
  return h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(r)))))));
}

/** A section with a heading. */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** A short message for failures: the server's message, as text. */
export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err));
}

export function bytes(n) {
  if (n === null || n === undefined) {
    return '';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function when(t) {
  if (t === null || t === undefined || t === '') {
    return '';
  }
  const d = typeof t === 'number' ? new Date(t) : new Date(String(t));
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}

export function num(v, digits = 4) {
  return typeof v === 'number' ? Number(v.toFixed(digits)).toString() : String(v ?? '');
}

/** A progress bar (0..1) with its percentage as text. */
export function progressBar(fraction, label) {
  const pct = Math.round(Math.max(0, Math.min(1, Number(fraction) || 0)) * 100);
  return h('span', { class: 'progress', title: label || '' },
    h('progress', { max: 100, value: pct, 'aria-label': label || 'progress' }),
    h('span', { class: 'pct' }, `${pct}%`));
}
