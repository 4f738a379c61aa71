// One case: its timeline in business time (who, the rule versions in
// force, each event's hash and its link to the one before), the reasoning
// of its decision as a 行政处罚决定书 gives it, time travel, verify, the
// dossier and the access trail.
import * as api from './api.js';
import {h, add, clear, yuan, shortHash} from './dom.js';
import {t, label, basisOf, inLang} from './i18n.js';
import {session, unitName, subjectName, officerName, errorBox, go, dateSlider} from './shared.js';

const enc = encodeURIComponent;

function header(view, asOf) {
  const party = view.party || {};
  const fact = (key, value) => h('div', {class: 'fact'}, h('span', {class: 'k'}, t(key)),
                                 h('span', {class: 'v', id: key.replace('.', '-')}, value));
  return h('div', {class: 'card facts'},
    fact('case.state', label('state', view.state)),
    fact('case.item', view.item_code + ' ' + (view.item_name || '')),
    fact('case.party', party.name || ''),
    fact('case.township', unitName(view.township)),
    fact('case.subject', view.handling_subject_name || subjectName(view.handling_subject)),
    asOf ? h('div', {class: 'badge travel', id: 'as-of-note'}, t('case.as_of_note', asOf)) : null);
}

function timeTravel(id, asOf) {
  const input = h('input', {type: 'date', id: 'as-of', value: asOf});
  input.addEventListener('change', () => go(['case', id], {as_of: input.value}));
  return h('span', {class: 'travel-control'}, h('label', {}, t('case.as_of'), ' ', input),
           h('button', {type: 'button', id: 'now', onclick: () => go(['case', id])}, t('case.today')));
}

// The rule versions each recorded decision applied, by the event's position.
function rulesByPosition(explained) {
  const map = {};
  for (const d of (explained && explained.decisions) || []) map[d.event.position] = d.rules || [];
  return map;
}

function timeline(events, explained, asOf) {
  const rules = rulesByPosition(explained);
  const items = [];
  let previous = null;
  for (const e of events) {
    // The chain link is checked on the whole stream, before time travel
    // leaves later events out.
    const linked = previous === null || e.prev_hash === previous.hash;
    previous = e;
    if (asOf && e.occurred_at.slice(0, 10) > asOf) continue;
    const applied = rules[e.position];
    items.push(h('li', {class: 'event', 'data-type': e.type, 'data-position': e.position},
      h('div', {class: 'when'}, e.occurred_at.slice(0, 16).replace('T', ' ')),
      h('div', {class: 'what'}, label('event', e.type)),
      h('div', {class: 'who'}, t('ev.actor'), ' ', officerName(e.actor.id), ' · ',
        label('role', e.actor.role), ' · ', unitName(e.actor.unit)),
      applied && applied.length ? h('div', {class: 'rules'}, t('ev.rules', applied.map(
        (r) => r.id + ' v' + r.version).join(t('sep')))) : null,
      h('div', {class: 'chain'}, t('ev.position', e.position), ' ', t('ev.hash'), ' ',
        shortHash(e.hash), ' ',
        h('span', {class: linked ? 'ok' : 'bad', title: t(linked ? 'ev.linked' : 'ev.broken')},
          t(linked ? 'ev.linked_short' : 'ev.broken_short')))));
  }
  return h('ol', {class: 'timeline', id: 'timeline'}, items);
}

function section(key, ...body) {
  return h('section', {class: 'reason', 'data-section': key}, h('h3', {}, t('ex.' + key)), body);
}

function competence(d, filed) {
  const basis = (filed && (filed.competence_basis ||
                 (filed.inputs && filed.inputs.competence && filed.inputs.competence.legal_basis))) || '';
  return section('competence', h('p', {}, t('ex.issuer', d.issuer_name || unitName(d.handling_subject))),
                 basis ? h('p', {class: 'basis'}, basis) : null);
}

function facts(d, view) {
  const c = d.computation || {};
  return section('facts',
    h('p', {}, view.item_code, ' ', view.item_name || ''),
    h('p', {id: 'decision-line'}, t('ex.decision', d.document_number || '',
                                    label('decision', d.decision_type || ''), d.decided_on || '')),
    typeof c.fine_fen === 'number' ? h('p', {id: 'fine'}, t('ex.fine', yuan(c.fine_fen))) : null);
}

function discretion(d) {
  const fine = (d.computation || {}).fine;
  if (!fine) return null;
  return section('discretion',
    h('p', {}, t('ex.level', label('level', fine.circumstance_level), label('adjust', fine.adjustment))),
    h('p', {id: 'range'}, t('ex.range', yuan(fine.allowed_min_fen), yuan(fine.allowed_max_fen),
                            yuan(fine.statutory_min_fen), yuan(fine.statutory_max_fen))),
    h('p', {class: fine.inside ? 'ok' : 'bad'}, t(fine.inside ? 'ex.inside' : 'ex.outside')),
    fine.level_criteria && fine.level_criteria.length
      ? h('div', {}, t('ex.criteria'), h('ul', {}, fine.level_criteria.map((x) => h('li', {}, x))))
      : null);
}

function leniency(d) {
  const ev = d.evaluation || {};
  const applied = (d.computation || {}).leniency_applied || [];
  return section('leniency',
    applied.length === 0 ? h('p', {}, t('ex.no_leniency')) : null,
    h('ul', {}, (ev.entries || []).map((e) => h('li', {},
      t('ex.entry', label('list', e.list_kind), e.entry_id, e.version,
        t(e.eligible ? 'ex.eligible' : 'ex.not_eligible')),
      h('ul', {class: 'why'}, (e.conditions || []).map((c) => h('li', {},
        t('pair', inLang(c, 'name', c.code), inLang(c, 'why', c.why)))))))));
}

function lawInTime(d) {
  const law = (d.evaluation || {}).law_in_time || (d.inputs || {}).law_in_time;
  if (!law) return null;
  return section('law_in_time', h('p', {}, t('ex.law', label('law', law.applied), law.decision_version)),
                 law.why ? h('p', {class: 'basis'}, inLang(law, 'why', law.why)) : null);
}

function hearing(d) {
  const x = (d.computation || {}).hearing;
  if (!x) return null;
  return section('hearing', h('p', {}, x.eligible ? t('ex.hearing_yes', yuan(x.threshold_fine_fen))
                                                  : t('ex.hearing_no', yuan(x.threshold_fine_fen))));
}

function deadlineStatus(d) {
  if (d.status === 'met') return t('status.met', d.met_on);
  return t('status.' + d.status);
}

function deadlines(list) {
  if (!list || list.length === 0) return null;
  return section('deadlines', h('ul', {id: 'deadline-list'}, list.map((d) => h('li', {},
    t('ex.deadline', d.label, d.start, t('unit.' + d.unit, d.length), d.due_on, deadlineStatus(d)),
    d.skipped && d.skipped.length
      ? h('div', {class: 'why'}, t('ex.skipped', d.skipped.map((s) => s.date).join(t('sep')))) : null,
    d.makeup_workdays && d.makeup_workdays.length
      ? h('div', {class: 'why'}, t('ex.makeup', d.makeup_workdays.map((s) => s.date || s).join(t('sep'))))
      : null,
    (d.calendar || []).map((c) => h('div', {class: 'why'}, t('ex.calendar', c.notice))),
    h('div', {class: 'basis'}, basisOf(d))))));
}

function relief(d) {
  const r = (d.computation || {}).relief;
  return r && r.text ? section('relief', h('p', {}, r.text)) : null;
}

function ruleVersions(d) {
  return section('rules', h('ul', {}, (d.rules || []).map((r) => {
    const p = r.provenance || {};
    return h('li', {}, t('ex.rule', r.id, r.version, r.name || ''), ' — ',
             t('ex.provenance', p.stream, p.version, p.position), ' ', shortHash(p.hash));
  })));
}

function explanation(explained, view, asOf) {
  const decisions = (explained && explained.decisions) || [];
  const d = [...decisions].reverse().find((x) => x.event.type === 'decision_made');
  if (!d) {
    return h('div', {id: 'explanation'}, h('p', {id: 'no-decision', class: 'note'},
      asOf ? t('case.no_decision', asOf) : t('case.no_decision_now')),
      deadlines(explained && explained.deadlines));
  }
  const filed = decisions.find((x) => x.event.type === 'case_filed');
  return h('div', {id: 'explanation'}, competence(d, filed), facts(d, view), discretion(d),
           leniency(d), lawInTime(d), hearing(d), deadlines(explained.deadlines), relief(d),
           ruleVersions(d));
}

async function verify(id, out) {
  out.replaceChildren(h('p', {class: 'note'}, t('verify.running')));
  try {
    const r = await api.get('/v1/cases/' + enc(id) + '/audit');
    const list = r.findings_list || [];
    out.replaceChildren(r.ok && list.length === 0
      ? h('p', {class: 'ok', id: 'verify-ok'}, t('verify.ok', r.commands_redecided ?? r.commands_checked))
      : h('div', {class: 'bad', id: 'verify-findings'}, t('verify.findings', list.length),
          h('ul', {}, list.map((f) => h('li', {}, t('pair', f.code || f.kind, f.message || ''))))));
  } catch (e) {
    out.replaceChildren(errorBox(e));
  }
}

async function dossier(id, out) {
  try {
    const blob = await api.getBlob('/v1/cases/' + enc(id) + '/dossier');
    const name = id + '.dossier.jsonl';
    const url = URL.createObjectURL(blob);
    const a = h('a', {href: url, download: name});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    out.replaceChildren(h('p', {class: 'ok', id: 'dossier-saved'}, t('dossier.saved', name)));
  } catch (e) {
    out.replaceChildren(errorBox(e));
  }
}

async function accessTrail(id, out) {
  try {
    const list = await api.get('/v1/access', {case: id});
    out.replaceChildren(list.length === 0 ? h('p', {}, t('access.none')) :
      h('table', {id: 'access-table'}, h('thead', {}, h('tr', {},
        ['when', 'who', 'what'].map((k) => h('th', {}, t('access.' + k))))),
        h('tbody', {}, list.map((r) => h('tr', {},
          h('td', {}, r.at.slice(0, 19).replace('T', ' ')),
          h('td', {}, t('me', officerName(r.reader.id), label('role', r.reader.role),
                        unitName(r.reader.unit))),
          h('td', {}, label('access', r.what), r.as_of ? ' @' + r.as_of : ''))))));
  } catch (e) {
    out.replaceChildren(errorBox(e));
  }
}

export async function renderCase(root, id, params) {
  const asOf = params.get('as_of') || '';
  const out = h('div', {id: 'action-result'});
  const sliderHolder = h('span', {id: 'case-slider-holder'});
  const actions = h('div', {class: 'actions'},
    timeTravel(id, asOf), sliderHolder,
    h('button', {type: 'button', id: 'verify', onclick: () => verify(id, out)}, t('case.verify')),
    h('button', {type: 'button', id: 'dossier', onclick: () => dossier(id, out)}, t('case.dossier')),
    h('button', {type: 'button', id: 'access', onclick: () => accessTrail(id, out)}, t('case.access')));
  const body = h('div', {id: 'case-body'});
  const title = h('h1', {id: 'case-title'}, id);
  add(clear(root), h('p', {}, h('a', {href: '#/docket', id: 'back'}, t('case.back'))),
      title, actions, out, body);
  const refresh = async () => {
    let view;
    try {
      view = await api.get('/v1/cases/' + enc(id), {as_of: asOf});
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return false;
    }
    const [history, explained] = await Promise.all([
      api.get('/v1/cases/' + enc(id) + '/history').catch((e) => e),
      api.get('/v1/cases/' + enc(id) + '/explain', {as_of: asOf}).catch((e) => e)]);
    const ok = (x) => !(x instanceof Error);
    if (ok(history) && !sliderHolder.firstChild) {
      // Over the case's business dates; the last position is now.
      const dates = [...new Set(history.map((e) => e.occurred_at.slice(0, 10)))].sort();
      sliderHolder.replaceChildren(dateSlider('case-slider', 'case.slider', dates, asOf,
                                              (date) => go(['case', id], date ? {as_of: date} : {})));
    }
    body.replaceChildren(header(view, asOf), h('div', {class: 'case-grid'},
      h('div', {class: 'card'}, h('h2', {}, t('case.timeline')),
        ok(history) ? timeline(history, ok(explained) ? explained : null, asOf) : errorBox(history)),
      h('div', {class: 'card'}, h('h2', {}, t('case.explain')),
        ok(explained) ? explanation(explained, view, asOf) : errorBox(explained))));
    return true;
  };
  if (!(await refresh()) || asOf) return;
  // Live: a new event of this case shows without reloading the page.
  const stop = new AbortController();
  session.stop = () => stop.abort();
  let timer = null;
  api.follow({from: 'end', prefix: 'case/' + id}, (event) => {
    if (event.stream !== 'case/' + id || timer) return;
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, 300);
  }, (state) => {
    title.dataset.live = state;
  }, stop.signal);
}
