// What the pages share: the session (who signed in, the organisation's
// names), names of ids, error boxes and navigation.
import {query} from './api.js';
import {h} from './dom.js';
import {t} from './i18n.js';

// What every page shares: who signed in and the organisation's names.
export const session = {me: null, names: null, stop: null};

// The name of a unit or officer when the organisation gives one, else the id.
export function unitName(id) {
  const n = session.names;
  return (n && (n.units[id] || n.officers[id])) || id || '';
}

// A case's handling subject by the name its decisions issue in, as zfcli
// shows it wherever a case is shown (docs/cli.md, "Names"); other units by
// their name (unitName).
export function subjectName(id) {
  const n = session.names;
  return (n && n.legal_names && n.legal_names[id]) || unitName(id);
}

export function officerName(id) {
  const n = session.names;
  return (n && n.officers[id]) || id || '';
}

// A refused request, as a sentence a person can act on.
export function errorBox(error) {
  const body = error.body || {};
  let text;
  if (body.error === 'outside_township') {
    text = t('error.outside_township', unitName(session.me && session.me.township));
  } else if (error.status === 404) {
    text = t('error.not_found');
  } else if (error.status === 429) {
    text = t('error.rate_limited', body.retry_after || '?');
  } else if (error.status === 401) {
    text = t('error.unauthenticated');
  } else {
    text = t('error.other', error.status || '?');
  }
  return h('div', {class: 'error', role: 'alert', 'data-error': body.error || ''},
           h('strong', {}, text), body.message ? h('div', {class: 'detail'}, body.message) : null);
}

// "#/case/ID?as_of=..." -> {path: ['case', 'ID'], params: URLSearchParams}
export function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, q] = hash.split('?');
  return {path: path.split('/').filter(Boolean).map(decodeURIComponent),
          params: new URLSearchParams(q || '')};
}

export function go(path, params) {
  location.hash = '#/' + path.map(encodeURIComponent).join('/') + query(params);
}


// The days from `first` to `last` ('YYYY-MM-DD', inclusive), at most 4,000.
export function days(first, last) {
  const out = [];
  let d = new Date(first + 'T00:00:00Z');
  const end = new Date(last + 'T00:00:00Z');
  while (d <= end && out.length < 4000) {
    out.push(d.toISOString().slice(0, 10));
    d = new Date(d.getTime() + 86400000);
  }
  return out;
}

// Today in China (UTC+8), 'YYYY-MM-DD'.
export function todayInChina() {
  return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
}

// Time travel by slider: a range input over `dates` (ascending
// 'YYYY-MM-DD') whose last position is "now". Keyboard-accessible as any
// range input (arrows, Page Up/Down, Home, End), its date in
// aria-valuetext and in the <output> beside it. onPick(date, or '' for
// now) runs when the slider settles (a quarter second after the last
// change, so that holding an arrow key does not load every day).
export function dateSlider(id, labelKey, dates, current, onPick) {
  const n = dates.length;
  let index = n;
  if (current) {
    index = 0;
    for (let i = 0; i < n; i++) if (dates[i] <= current) index = i;
  }
  const text = (i) => (i >= n ? t('slider.now') : dates[i]);
  const input = h('input', {type: 'range', id, min: 0, max: n, step: 1, value: index,
                            'aria-label': t(labelKey), 'aria-valuetext': text(index)});
  const out = h('output', {id: id + '-value', for: id}, text(index));
  let timer = null;
  input.addEventListener('input', () => {
    const i = Number(input.value);
    out.textContent = text(i);
    input.setAttribute('aria-valuetext', text(i));
  });
  input.addEventListener('change', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const i = Number(input.value);
      onPick(i >= n ? '' : dates[i]);
    }, 250);
  });
  return h('label', {class: 'field slider'}, h('span', {}, t(labelKey)), input, out);
}
