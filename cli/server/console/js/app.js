// The audit console: a hash router over four pages (sign-in, docket, case,
// statistics). Every figure comes from the API with the user's token; the
// URL's hash holds only filters and ids, never the token.
import * as api from './api.js';
import {h, add, clear} from './dom.js';
import {t, label, lang, setLang} from './i18n.js';
import {renderDocket} from './docket.js';
import {renderCase} from './case.js';
import {renderStats} from './stats.js';
import {session, unitName, officerName, go, route} from './shared.js';

function renderBar() {
  const bar = clear(document.getElementById('bar'));
  add(bar, h('span', {class: 'brand'}, t('app.title')));
  const nav = h('nav', {});
  if (api.signedIn()) {
    add(nav, [h('a', {href: '#/docket', id: 'nav-docket'}, t('nav.docket')),
              h('a', {href: '#/stats', id: 'nav-stats'}, t('nav.stats'))]);
  }
  add(bar, nav);
  const right = h('span', {class: 'me'});
  if (session.me) {
    const a = session.me.actor;
    add(right, h('span', {id: 'me'}, t('me', officerName(a.id), label('role', a.role), unitName(a.unit))));
    if (session.me.township) {
      add(right, h('span', {class: 'badge'}, t('me.limited', unitName(session.me.township))));
    }
  }
  add(right, h('button', {id: 'lang', type: 'button', onclick: () => {
    setLang(lang() === 'en' ? 'zh' : 'en');
    render();
  }}, t('lang.switch')));
  if (api.signedIn()) {
    add(right, h('button', {id: 'signout', type: 'button', onclick: () => {
      api.signOut();
      session.me = session.names = null;
      go([]);
      render();
    }}, t('nav.signout')));
  }
  add(bar, right);
}

function renderSignIn(view, refused) {
  const input = h('input', {id: 'token', type: 'password', autocomplete: 'off', required: true});
  const form = h('form', {id: 'signin', class: 'card narrow', onsubmit: async (e) => {
    e.preventDefault();
    api.signIn(input.value.trim());
    if (await loadSession()) {
      if (route().path.length === 0) go(['docket']);
      render();
    } else {
      api.signOut();
      renderSignIn(view, true);
    }
  }}, h('h1', {}, t('signin.title')),
     h('label', {}, t('signin.token'), input),
     h('button', {type: 'submit'}, t('signin.submit')),
     refused ? h('div', {class: 'error', role: 'alert'}, t('signin.refused')) : null,
     h('p', {class: 'note'}, t('signin.note')));
  add(clear(view), form);
  input.focus();
}

// Who the token stands for and the names of the organisation; false when
// the token is refused.
async function loadSession() {
  try {
    const [me, names] = await Promise.all([api.get('/v1/me'), api.get('/v1/names')]);
    session.me = me;
    session.names = {units: {...names.district, ...names.departments, ...names.townships,
                             ...names.brigades},
                     townships: names.townships, departments: names.departments,
                     areas: names.areas || {}, area_of_township: names.area_of_township || {},
                     legal_names: names.legal_names || {},
                     officers: names.officers};
    return true;
  } catch (e) {
    return false;
  }
}

export async function render() {
  if (session.stop) session.stop();
  session.stop = null;
  document.title = t('app.title');
  const view = document.getElementById('view');
  if (api.signedIn() && !session.me && !(await loadSession())) api.signOut();
  renderBar();
  if (!api.signedIn()) return renderSignIn(view, false);
  const {path, params} = route();
  if (path[0] === 'case' && path[1]) return renderCase(view, path[1], params);
  if (path[0] === 'stats') return renderStats(view, params);
  return renderDocket(view, params);
}

setLang(lang());
window.addEventListener('hashchange', () => render());
render();
