// The docket: cases by township, subject, state, item, party and date, as
// of any day, with their open deadlines; live from the event feed.
import * as api from './api.js';
import {h, add, clear} from './dom.js';
import {t, label, basisOf} from './i18n.js';
import {session, unitName, subjectName, errorBox, go, dateSlider, days, todayInChina} from './shared.js';

const kShown = 300;
const kStates = ['registered', 'verifying', 'filed', 'investigating', 'suspended', 'concluded',
                 'pre_notice', 'notice_served', 'hearing_requested', 'hearing_scheduled',
                 'hearing_held', 'ready_to_decide', 'decided', 'served', 'executing', 'closed',
                 'archived', 'not_filed', 'transferred', 'transferred_out', 'terminated'];
const kFields = ['township', 'subject', 'state', 'item', 'party', 'from', 'to', 'as_of', 'open'];

// The docket shows the open cases unless asked for all (open=false).
function openOnly(params) {
  return params.get('open') !== 'false';
}

function select(name, options, value) {
  return h('select', {name, id: 'f-' + name},
           h('option', {value: ''}, t('any')),
           options.map(([id, text]) => h('option', {value: id, selected: id === value}, text)));
}

function field(name, control) {
  return h('label', {class: 'field'}, h('span', {}, t('filter.' + name)), control);
}

function filterForm(params) {
  const names = session.names;
  // A township token lists only its township (the API refuses others).
  const limited = session.me && session.me.township;
  const townships = Object.entries(names.townships).filter(([id]) => !limited || id === limited);
  const subjects = [...townships, ...Object.entries(names.departments)];
  const value = (k) => params.get(k) || '';
  const form = h('form', {id: 'filters', class: 'filters'},
    field('township', select('township', townships, value('township'))),
    field('subject', select('subject', subjects, value('subject'))),
    field('state', select('state', kStates.map((s) => [s, label('state', s)]), value('state'))),
    field('item', h('input', {name: 'item', id: 'f-item', value: value('item'), size: 10})),
    field('party', h('input', {name: 'party', id: 'f-party', value: value('party'), size: 12})),
    field('from', h('input', {name: 'from', id: 'f-from', type: 'date', value: value('from')})),
    field('to', h('input', {name: 'to', id: 'f-to', type: 'date', value: value('to')})),
    field('as_of', h('input', {name: 'as_of', id: 'f-as_of', type: 'date', value: value('as_of')})),
    h('label', {class: 'field check'},
      h('input', {type: 'checkbox', name: 'open', id: 'f-open', checked: openOnly(params)}),
      h('span', {}, t('filter.open'))),
    h('button', {type: 'submit', id: 'apply'}, t('filter.apply')),
    h('button', {type: 'button', onclick: () => go(['docket'])}, t('filter.reset')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const k of kFields) next[k] = k === 'open' ? (data.get(k) ? 'true' : 'false') : data.get(k);
    go(['docket'], next);
  });
  return form;
}

// The party filter matches a party's id or any part of its name.
function matches(c, params) {
  const party = (params.get('party') || '').trim();
  if (party && c.party_id !== party && !(c.party_name || '').includes(party)) return false;
  const from = params.get('from');
  const to = params.get('to');
  if (from && c.discovered_on < from) return false;
  if (to && c.discovered_on > to) return false;
  return true;
}

function deadlineCell(entries) {
  return h('td', {class: 'deadlines'}, (entries || []).map((d) => h('div', {
    class: d.past_limit || d.breached ? 'late' : 'due',
    title: basisOf(d)},
    t('deadline.due', d.label, d.due_on),
    d.breached ? h('span', {class: 'badge bad'}, t('deadline.breached')) : null,
    d.past_limit ? h('span', {class: 'badge bad'}, t('deadline.past_limit', d.limit_on)) : null,
    !d.breached && !d.past_limit && typeof d.days_left === 'number'
        ? h('span', {class: 'days'}, t('deadline.days_left', d.days_left)) : null,
    d.past_limit || d.breached ? h('div', {class: 'why'}, basisOf(d)) : null)));
}

function row(c, deadlines) {
  const late = (deadlines || []).some((d) => d.past_limit || d.breached);
  return h('tr', {class: late ? 'late' : deadlines ? 'due' : '', 'data-case': c.case_id},
    h('td', {}, h('a', {href: '#/case/' + encodeURIComponent(c.case_id)}, c.case_id)),
    h('td', {}, label('state', c.state)),
    h('td', {}, c.item_code),
    h('td', {}, unitName(c.township)),
    h('td', {}, subjectName(c.handling_subject)),
    h('td', {class: 'party'}, c.party_name || ''),
    h('td', {}, c.discovered_on),
    h('td', {}, (c.last_event_at || '').slice(0, 16).replace('T', ' ')),
    deadlineCell(deadlines));
}

async function load(params) {
  const asOf = params.get('as_of') || '';
  const filter = {township: params.get('township'), subject: params.get('subject'),
                  state: params.get('state'), item: params.get('item'), as_of: asOf};
  const [cases, deadlines] = await Promise.all([
    api.get('/v1/cases', {...filter, open: openOnly(params) ? 'true' : ''}),
    api.get('/v1/deadlines', filter)]);
  const byCase = {};
  for (const d of deadlines) (byCase[d.case_id] = byCase[d.case_id] || []).push(d);
  const shown = cases.filter((c) => matches(c, params));
  shown.sort((a, b) => (b.last_event_at || '').localeCompare(a.last_event_at || '') ||
                       b.case_id.localeCompare(a.case_id));
  return {shown, byCase};
}

function table({shown, byCase}) {
  const late = shown.filter((c) => (byCase[c.case_id] || []).some((d) => d.past_limit || d.breached));
  const head = ['case', 'state', 'item', 'township', 'subject', 'party', 'discovered', 'last',
                'deadlines'].map((k) => h('th', {}, t('col.' + k)));
  return h('div', {id: 'docket-table'},
    h('p', {class: 'summary'}, h('span', {id: 'docket-count'}, t('docket.count', shown.length)),
      shown.length > kShown ? t('docket.shown', kShown) : '',
      late.length ? h('span', {class: 'badge bad'}, t('docket.late', late.length)) : null),
    shown.length === 0 ? h('p', {class: 'note'}, t('docket.none')) :
    h('div', {class: 'scroll'}, h('table', {class: 'docket'}, h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, shown.slice(0, kShown).map((c) => row(c, byCase[c.case_id]))))));
}

// Time travel by slider over the days from the first case listed to
// today; moving it sets as_of and keeps the other filters.
function slider(params, shown) {
  const today = todayInChina();
  const asOf = params.get('as_of') || '';
  let first = asOf || today;
  for (const c of shown) if (c.discovered_on && c.discovered_on < first) first = c.discovered_on;
  return dateSlider('docket-slider', 'docket.slider', days(first, today), asOf, (date) => {
    const next = {};
    for (const k of kFields) next[k] = params.get(k);
    next.as_of = date;
    go(['docket'], next);
  });
}

export async function renderDocket(view, params) {
  const live = h('span', {id: 'live', class: 'live'});
  const holder = h('div', {});
  const sliderHolder = h('div', {class: 'travel-slider'});
  add(clear(view), h('h1', {}, t('docket.title'), live), filterForm(params), sliderHolder, holder);
  const refresh = async () => {
    try {
      const data = await load(params);
      if (!sliderHolder.firstChild) sliderHolder.replaceChildren(slider(params, data.shown));
      holder.replaceChildren(table(data));
    } catch (e) {
      holder.replaceChildren(errorBox(e));
    }
  };
  await refresh();
  if (params.get('as_of')) {
    live.textContent = t('live.off');
    return;
  }
  // Live: each event of a case stream reloads the list (at most every
  // 300 ms while a burst arrives).
  const stop = new AbortController();
  session.stop = () => stop.abort();
  let timer = null;
  api.follow({from: 'end', prefix: 'case/'}, () => {
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      await refresh();
      live.textContent = t('live.on') + ' · ' +
          t('live.updated', new Date().toLocaleTimeString('zh-CN', {hour12: false}));
    }, 300);
  }, (state) => {
    live.textContent = t(state === 'live' ? 'live.on' : 'live.retrying');
    live.dataset.state = state;
  }, stop.signal);
}
