// Statistics of a period (GET /v1/statistics): the seed's figures, bars of
// delegated cases by township, and a grid of townships coloured by open
// cases (GET /v1/cases?open=true as of the period's end).
import * as api from './api.js';
import {h, add, clear} from './dom.js';
import {t, label} from './i18n.js';
import {session, unitName, errorBox, go} from './shared.js';

function percent(x) {
  return typeof x === 'number' ? (x * 100).toFixed(0) + ' %' : '';
}

function bars(id, entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('div', {class: 'bars', id}, entries.map(([name, n]) => {
    const bar = h('span', {class: 'bar'});
    // CSSOM, not a style attribute: the CSP allows no inline style.
    bar.style.width = (100 * n / max).toFixed(1) + '%';
    return h('div', {class: 'bar-row', 'data-key': name}, h('span', {class: 'bar-label'}, unitName(name)),
             h('span', {class: 'bar-track'}, bar), h('span', {class: 'bar-value'}, n));
  }));
}

// Each township a tile, its shade one of five steps of the open cases.
function grid(openByTownship) {
  const townships = Object.keys(session.names.townships).sort();
  const max = Math.max(1, ...townships.map((x) => openByTownship[x] || 0));
  return h('div', {class: 'township-grid', id: 'township-grid'}, townships.map((x) => {
    const n = openByTownship[x] || 0;
    const step = n === 0 ? 0 : 1 + Math.min(3, Math.floor(4 * n / (max + 1)));
    return h('a', {class: 'tile level' + step, 'data-township': x,
                   href: '#/docket?' + new URLSearchParams({township: x, open: 'true'}).toString()},
             h('span', {class: 'tile-name'}, unitName(x)), h('span', {class: 'tile-count'}, n));
  }));
}

function figures(s) {
  return h('div', {class: 'figures'},
    h('div', {class: 'card figure'}, h('div', {class: 'k'}, t('stats.cases')),
      h('div', {class: 'big', id: 'cases-equation'},
        `${s.cases_total} = ${s.cases_online} + ${s.cases_offline}`)),
    h('div', {class: 'card figure'}, h('div', {class: 'k'}, t('stats.delegated')),
      h('div', {class: 'big', id: 'delegated'}, s.delegated_cases),
      h('div', {}, t('stats.yoy', s.delegated_cases_prior_year,
                     (s.yoy_growth >= 0 ? '+' : '') + percent(s.yoy_growth))),
      s.prior_period_incomplete ? h('div', {class: 'note'}, t('stats.incomplete', s.cases_recorded_from)) : null),
    h('div', {class: 'card figure'}, h('div', {}, t('stats.enterprise', s.enterprise_cases, s.leniency_applied)),
      h('div', {}, t('stats.inspect', s.inspection_visits, s.inspection_visits_saved,
                     percent(s.inspection_reduction_rate)))));
}

export async function renderStats(view, params) {
  const from = params.get('from') || '2023-09-10';
  const to = params.get('to') || '2023-12-31';
  const fromInput = h('input', {type: 'date', id: 's-from', value: from});
  const toInput = h('input', {type: 'date', id: 's-to', value: to});
  const form = h('form', {class: 'filters', id: 'stats-form', onsubmit: (e) => {
    e.preventDefault();
    go(['stats'], {from: fromInput.value, to: toInput.value});
  }}, h('label', {class: 'field'}, h('span', {}, t('stats.from')), fromInput),
     h('label', {class: 'field'}, h('span', {}, t('stats.to')), toInput),
     h('button', {type: 'submit'}, t('filter.apply')));
  const body = h('div', {id: 'stats-body'});
  add(clear(view), h('h1', {}, t('stats.title')), form, body);
  try {
    const [s, open] = await Promise.all([
      api.get('/v1/statistics', {from, to}),
      api.get('/v1/cases', {open: 'true', as_of: to})]);
    const openBy = {};
    for (const c of open) openBy[c.township] = (openBy[c.township] || 0) + 1;
    const byTownship = Object.entries(s.delegated_cases_by_township || {}).sort((a, b) => b[1] - a[1]);
    const byList = Object.entries(s.leniency_by_list || {});
    add(clear(body), figures(s), h('div', {class: 'case-grid'},
      h('div', {class: 'card'}, h('h2', {}, t('stats.by_township')), bars('by-township', byTownship)),
      h('div', {class: 'card'}, h('h2', {}, t('stats.open_grid', to)), grid(openBy))),
      byList.length ? h('div', {class: 'card'}, h('h2', {}, t('stats.by_list')),
        h('ul', {}, byList.map(([k, v]) => h('li', {}, label('list', k), '：',
          typeof v === 'object' ? JSON.stringify(v) : v)))) : null);
  } catch (e) {
    body.replaceChildren(errorBox(e));
  }
}
