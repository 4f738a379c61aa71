// Statistics of a period and area (GET /v1/statistics): the seed's figures as
// charts (Chart.js from Debian, compiled into zfcli as
// /console/vendor/chart.min.js and loaded when this page opens), bars of
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

// Chart.js, loaded once on demand; null when this zfcli has none.
let chartLoad = null;
function loadChart() {
  if (!chartLoad) {
    chartLoad = new Promise((resolve) => {
      const script = h('script', {src: '/console/vendor/chart.min.js'});
      script.addEventListener('load', () => resolve(window.Chart || null));
      script.addEventListener('error', () => resolve(null));
      document.head.append(script);
    });
  }
  return chartLoad;
}

// The calendar months of [from, to], each cut to the period:
// [{label: '2023-09', from: '2023-09-10', to: '2023-09-30'}, ...].
export function months(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  for (;;) {
    const label = `${y}-${String(m).padStart(2, '0')}`;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const start = label + '-01' < from ? from : label + '-01';
    const end = `${label}-${String(last).padStart(2, '0')}` > to ? to : `${label}-${String(last).padStart(2, '0')}`;
    if (start > to) break;
    out.push({label, from: start, to: end});
    if (out.length >= 36) break;  // at most three years of bars
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

const kRed = '#9b1c1c';
const kGrey = '#9aa5b1';

function chartCard(id, titleKey) {
  const canvas = h('canvas', {id, role: 'img', 'aria-label': t(titleKey)});
  return {canvas, card: h('div', {class: 'card'}, h('h2', {}, t(titleKey)),
                          h('div', {class: 'chart'}, canvas))};
}

function barChart(Chart, canvas, labels, datasets, stacked) {
  return new Chart(canvas, {
    type: 'bar',
    data: {labels, datasets},
    options: {responsive: true, maintainAspectRatio: false, animation: false,
              scales: {x: {stacked}, y: {stacked, beginAtZero: true}},
              plugins: {legend: {display: datasets.length > 1}}}});
}

// The four charts of issue 19: cases per month online and offline; cases
// on delegated items, the same period a year before and now; enterprise
// cases under the four lists, by list; inspect-once visits.
async function charts(holder, s, from, to, scope) {
  const Chart = await loadChart();
  if (!Chart) {
    holder.replaceChildren(h('p', {class: 'note'}, t('stats.no_charts')));
    return;
  }
  const spans = months(from, to);
  const perMonth = await Promise.all(spans.map((x) => api.get('/v1/statistics', {from: x.from, to: x.to, ...scope})));
  const a = chartCard('chart-months', 'chart.months');
  const b = chartCard('chart-delegated', 'chart.delegated');
  const c = chartCard('chart-lists', 'chart.lists');
  const d = chartCard('chart-inspect', 'chart.inspect');
  holder.replaceChildren(h('div', {class: 'charts'}, a.card, b.card, c.card, d.card));
  barChart(Chart, a.canvas, spans.map((x) => x.label), [
    {label: t('chart.online'), data: perMonth.map((x) => x.cases_online), backgroundColor: kRed},
    {label: t('chart.offline'), data: perMonth.map((x) => x.cases_offline), backgroundColor: kGrey}], true);
  barChart(Chart, b.canvas, [t('chart.prior'), t('chart.now')],
           [{label: t('stats.delegated'), data: [s.delegated_cases_prior_year, s.delegated_cases],
             backgroundColor: [kGrey, kRed]}], false);
  const lists = Object.entries(s.leniency_by_list || {});
  barChart(Chart, c.canvas, lists.map(([k]) => label('list', k)),
           [{label: t('chart.cases'), data: lists.map(([, n]) => n), backgroundColor: kRed}], false);
  if (lists.length === 0) add(c.card, h('p', {class: 'note'}, t('chart.no_lists')));
  barChart(Chart, d.canvas, [t('chart.separately'), t('chart.once')],
           [{label: t('chart.visits'),
             data: [s.inspection_visits + s.inspection_visits_saved, s.inspection_visits],
             backgroundColor: [kGrey, kRed]}], false);
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

// The area and township filters: '' (all) or an id; a township token's
// township is fixed (the API answers only its own).
function select(id, labelKey, options, value) {
  return h('label', {class: 'field'}, h('span', {}, t(labelKey)),
           h('select', {id}, h('option', {value: ''}, t('stats.all')),
             options.map(([key, name]) => h('option', {value: key, selected: key === value}, name))));
}

export async function renderStats(view, params) {
  const from = params.get('from') || '2023-09-10';
  const to = params.get('to') || '2023-12-31';
  const area = params.get('area') || '';
  const township = params.get('township') || '';
  const own = (session.me && session.me.township) || '';
  const fromInput = h('input', {type: 'date', id: 's-from', value: from});
  const toInput = h('input', {type: 'date', id: 's-to', value: to});
  const names = session.names || {areas: {}, townships: {}};
  const areaField = select('s-area', 'stats.area',
                           Object.entries(names.areas || {}).sort(), area);
  const townshipField = select('s-township', 'filter.township',
                               Object.entries(names.townships || {}).sort()
                                 .filter(([key]) => !own || key === own), own || township);
  const form = h('form', {class: 'filters', id: 'stats-form', onsubmit: (e) => {
    e.preventDefault();
    go(['stats'], {from: fromInput.value, to: toInput.value,
                   area: areaField.querySelector('select').value,
                   township: townshipField.querySelector('select').value});
  }}, h('label', {class: 'field'}, h('span', {}, t('stats.from')), fromInput),
     h('label', {class: 'field'}, h('span', {}, t('stats.to')), toInput),
     areaField, townshipField,
     h('button', {type: 'submit'}, t('filter.apply')));
  const body = h('div', {id: 'stats-body'});
  const scope = {};
  if (area) scope.area = area;
  if (township) scope.township = township;
  add(clear(view), h('h1', {}, t('stats.title')), form,
      own ? h('p', {class: 'note', id: 'stats-limited'}, t('stats.limited', unitName(own))) : null,
      body);
  try {
    const [s, open] = await Promise.all([
      api.get('/v1/statistics', {from, to, ...scope}),
      api.get('/v1/cases', {open: 'true', as_of: to, ...scope})]);
    const openBy = {};
    for (const c of open) openBy[c.township] = (openBy[c.township] || 0) + 1;
    const byTownship = Object.entries(s.delegated_cases_by_township || {}).sort((a, b) => b[1] - a[1]);
    const chartHolder = h('div', {id: 'charts'});
    add(clear(body), figures(s), chartHolder, h('div', {class: 'case-grid'},
      h('div', {class: 'card'}, h('h2', {}, t('stats.by_township')), bars('by-township', byTownship)),
      h('div', {class: 'card'}, h('h2', {}, t('stats.open_grid', to)), grid(openBy))));
    await charts(chartHolder, s, from, to, scope);
  } catch (e) {
    body.replaceChildren(errorBox(e));
  }
}
