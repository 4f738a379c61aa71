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

