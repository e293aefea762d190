// The analysts' dashboard: one page, plain ES modules, no framework.
// Reads /api/v1/stats, /api/v1/kiosks and /api/v1/completeness with the
// analyst's token (kept in sessionStorage, sent as a Bearer token). On a
// national hub (one that provinces push to, /api/v1/national/provinces)
// the same page drills from the country to a province, its communes and
// on to the province's own dashboard for the counters, which stay there.

import { STRINGS, FIELDS, ELEMENTS, ELEMENT_ORDER, PRIORITY_FIELDS } from './i18n.js';
import {
  apiGet, ApiError, getToken, setToken, TOKEN_RE, defaultPeriod, periodRange, trendRange, trendKeys,
  normaliseGroup, primaryTarget, isMet, judgedValue, today, liveUnits, isStale, provinceOf, pathTo,
} from './data.js';
import { barChart, countChart, trendChart, completenessChart, COLORS } from './charts.js';

const $ = (sel) => document.querySelector(sel);
const LANG_KEY = 'sipas.lang';

const state = {
  lang: 'vi',
  period: defaultPeriod(),
  method: 'share',
  trendBy: 'month',
  units: [],          // from /api/v1/completeness: {code, name, parent, depth, ...}
  rootCode: null,     // the token's scope root (null: several roots)
  rootName: '',
  path: [],           // codes below the root, down to the unit shown
  reasons: {},        // code -> {vi, en}
  data: {},           // last answers, by panel, for re-rendering
  load: 0,            // generation of the latest load, to drop stale answers
  national: null,     // on a national hub: {byCode: province -> its pushes, now}
  wantUnit: null,     // a unit the link opened the page at (#unit=CODE)
};

// ---- words and numbers -----------------------------------------------

function t(key, ...args) {
  const s = STRINGS[state.lang][key] ?? STRINGS.vi[key] ?? key;
  return typeof s === 'function' ? s(...args) : s;
}
const locale = () => (state.lang === 'vi' ? 'vi-VN' : 'en-GB');
function fmtNum(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}
const fmtInt = (v) => (v === null || v === undefined ? '—' : new Intl.NumberFormat(locale()).format(v));
const fmtPct = (v) => (v === null || v === undefined ? '—' : `${fmtNum(v)}%`);
const fmtCi = (ci) => (ci ? `${fmtNum(ci[0])}–${fmtNum(ci[1])}%` : '—');
function fmtDate(s) {
  if (!s) return '—';
  const [y, m, d] = s.split('-');
  return state.lang === 'vi' ? `${d}/${m}/${y}` : `${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1]} ${y}`;
}
function fmtTime(ms) {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));
}
function fmtAgo(ms, now) {
  if (!ms) return t('never');
  const min = Math.max(0, Math.round((now - ms) / 60000));
  if (min < 2) return t('justNow');
  if (min < 90) return t('ago', t('minutes', min));
  if (min < 48 * 60) return t('ago', t('hours', Math.round(min / 60)));
  return t('ago', t('days', Math.round(min / 1440)));
}
function fmtBytes(b) {
  if (b === null || b === undefined) return '—';
  if (b >= 1e9) return `${fmtNum(b / 1e9)} GB`;
  return `${fmtNum(b / 1e6, 0)} MB`;
}
const fieldName = (f) => (FIELDS[f] ? FIELDS[f][state.lang] : f);
const elementName = (e) => (ELEMENTS[e] ? ELEMENTS[e][state.lang] : e);
const reasonName = (c) => (state.reasons[c] ? state.reasons[c][state.lang] || state.reasons[c].vi : c);
const targetText = (tg) => (tg ? `${tg.operator === '>' ? '>' : '≥'} ${fmtNum(tg.threshold, tg.threshold % 1 ? 1 : 0)}%` : '');

// "≥ 90%", and the figure judged against it when that is not the one shown.
function targetCell(tg, shown) {
  if (!tg) return '—';
  const v = judgedValue(tg, shown);
  return v === shown || v === null || v === undefined ? targetText(tg) : `${targetText(tg)} (${t('judgedOn')} ${fmtPct(v)})`;
}

// held: the answer's min_group when the hub withheld the group for the
// officers' privacy; it is said in words, never shown as "no data".
function status(value, target, held) {
  if (held) return { cls: 'withheld', icon: '⊘', word: withheldText(held), met: null, withheld: true };
  const met = isMet(value, target);
  if (value === null || value === undefined) return { cls: 'none', icon: '·', word: t('noData'), met };
  if (met === null) return { cls: 'none', icon: '○', word: t('noTarget'), met };
  return met ? { cls: 'met', icon: '✔', word: t('met'), met } : { cls: 'not-met', icon: '✘', word: t('notMet'), met };
}
function withheldText(held) {
  return typeof held === 'number' ? t('withheld', held) : t('withheldPlain');
}
const statusColor = (st) => (st.met === true ? COLORS.met : st.met === false ? COLORS.notMet : COLORS.main);
const textColor = (st) => (st.met === null ? COLORS.text : statusColor(st));
// What a bar says at its end: the value, and the verdict when there is a
// target to hold it against (the table says "no target" in words).
const barText = (v, st, short) => (st.withheld ? st.word : v === null || v === undefined ? t('noData') : st.met === null ? fmtPct(v) : short ? `${fmtPct(v)} ${st.icon}` : `${fmtPct(v)} ${st.icon} ${st.word}`);

// ---- building the page ----------------------------------------------------

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}

// A badge: colour, icon and word, with the target it refers to.
function badge(value, target, held) {
  const st = status(value, target, held);
  // A withheld group's reason, with its threshold, is in the figure's own
  // cell; the badge names it briefly.
  return h('span', { class: `badge ${st.cls}` }, h('span', { 'aria-hidden': 'true' }, st.icon), ' ', st.withheld ? t('withheldPlain') : st.word);
}

function pctCell(fig, target) {
  if (fig && fig.withheld) return h('span', { class: 'withheld', text: withheldText(fig.withheld) });
  if (!fig || fig.value === null || fig.value === undefined) return h('span', { class: 'muted', text: t('noData') });
  return h('span', { class: 'pctcell' }, h('strong', { text: fmtPct(fig.value) }), ' ', h('span', { class: 'ci', text: `(${t('ciShort')} ${fmtCi(fig.ci)})` }));
}

function makeTable(caption, head, rows, opts = {}) {
  return h('table', { class: opts.cls || 'data' },
    h('caption', { class: 'sr-only', text: caption }),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label })))),
    h('tbody', {}, rows.map((r) => h('tr', { class: r.cls || null }, r.cells.map((c, i) => {
      const isHead = i === 0;
      const cell = h(isHead ? 'th' : 'td', { scope: isHead ? 'row' : null, class: head[i] && head[i].num ? 'num' : null });
      cell.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '—' : String(c)));
      return cell;
    })))));
}

// The table under a chart: always in the page for screen readers, shown
// on request (or as soon as a control inside it gets the focus).
function setTable(name, table, alwaysOpen = false) {
  const box = document.querySelector(`[data-table="${name}"]`);
  const wasOpen = box.dataset.open === '1';
  box.replaceChildren();
  const id = `tbl-${name}`;
  const wrap = h('div', { class: `tbl${alwaysOpen || wasOpen ? '' : ' collapsed'}`, id }, table);
  if (!alwaysOpen) {
    const btn = h('button', { type: 'button', class: 'btn-small tbl-toggle', 'aria-controls': id, 'aria-expanded': wasOpen ? 'true' : 'false', text: wasOpen ? t('hideTable') : t('showTable') });
    btn.addEventListener('click', () => {
      const open = box.dataset.open !== '1';
      box.dataset.open = open ? '1' : '0';
      wrap.classList.toggle('collapsed', !open);
      btn.setAttribute('aria-expanded', open ? 'true' : 'false');
      btn.textContent = open ? t('hideTable') : t('showTable');
    });
    box.append(btn);
  }
  box.append(wrap);
}

function panelMessage(name, text, kind = 'info') {
  const box = document.querySelector(`[data-table="${name}"]`);
  box.replaceChildren(h('p', { class: kind === 'error' ? 'msg-error' : 'muted', text }));
}

function setChartLabel(id, what) {
  $(id).setAttribute('aria-label', t('chartLabel', what));
}

function sizeBox(box, rows) {
  box.style.height = `${Math.max(150, rows * 34 + 56)}px`;
}

// ---- units ---------------------------------------------------------------

const unitByCode = (code) => state.units.find((u) => u.code === code);
const currentCode = () => (state.path.length ? state.path[state.path.length - 1] : state.rootCode);
function childrenOf(code) {
  return code === null ? state.units.filter((u) => u.depth === 0) : state.units.filter((u) => u.parent === code);
}
function unitName(code) {
  if (code === null && state.national) return t('scopeCountry');
  if (code === null) return state.rootName || t('scopeProvince');
  const u = unitByCode(code);
  return u ? u.name : code;
}
// 1 when code lies under ancestor (or is it).
function isUnder(code, ancestor) {
  for (let c = code, i = 0; c && i < 16; i++) {
    if (c === ancestor) return true;
    const u = unitByCode(c);
    c = u ? u.parent : null;
  }
  return false;
}

// ---- errors --------------------------------------------------------------

function errorText(e) {
  if (!(e instanceof ApiError)) return `${t('serverError')}: ${e.message || e}`;
  switch (e.kind) {
    case 'auth': return t('tokenInvalid');
    case 'forbidden': return t('forbidden');
    case 'network': return t('networkError');
    case 'busy': return t('busy');
    default: return `${t('serverError')} (${e.status}${e.code ? ` ${e.code}` : ''}): ${e.message}`;
  }
}

function handleAuth(e) {
  if (e instanceof ApiError && e.kind === 'auth') {
    setToken('');
    showToken(t('tokenInvalid'));
    return true;
  }
  return false;
}

function showStatus(text, kind = 'info', retry = false) {
  const box = $('#status');
  box.replaceChildren();
  box.className = `status ${kind}`;
  if (!text) return;
  box.append(h('span', { text }));
  if (retry) box.append(' ', h('button', { type: 'button', class: 'btn-small', text: t('retry'), onclick: () => loadAll() }));
}

// ---- the token -----------------------------------------------------------

function showToken(message) {
  $('#main').hidden = true;
  $('#token-btn').hidden = true;
  $('#token-view').hidden = false;
  const msg = $('#token-msg');
  msg.hidden = !message;
  msg.textContent = message || '';
  $('#token-input').value = '';
  $('#token-input').focus();
}

function onTokenSubmit(ev) {
  ev.preventDefault();
  const v = $('#token-input').value.trim().toLowerCase();
  if (!TOKEN_RE.test(v)) {
    const msg = $('#token-msg');
    msg.hidden = false;
    msg.textContent = t('tokenMalformed');
    $('#token-input').focus();
    return;
  }
  setToken(v);
  start();
}

// ---- period controls -----------------------------------------------------

function fillSelect(sel, items, value) {
  sel.replaceChildren(...items.map(([v, label]) => h('option', { value: String(v), text: label })));
  sel.value = String(value);
}

function renderControls() {
  const p = state.period;
  const now = today();
  const years = [];
  for (let y = now.y; y >= now.y - 6; y--) years.push([y, String(y)]);
  fillSelect($('#p-kind'), [['quarter', t('kindQuarter')], ['month', t('kindMonth')], ['half', t('kindHalf')], ['year', t('kindYear')], ['custom', t('kindCustom')]], p.kind);
  fillSelect($('#p-year'), years, p.year);
  fillSelect($('#p-quarter'), [1, 2, 3, 4].map((q) => [q, state.lang === 'vi' ? `Quý ${['I', 'II', 'III', 'IV'][q - 1]}` : `Q${q}`]), p.quarter);
  fillSelect($('#p-month'), Array.from({ length: 12 }, (_, i) => [i + 1, state.lang === 'vi' ? `Tháng ${i + 1}` : new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, i, 1)))]), p.month);
  fillSelect($('#p-half'), [[1, t('halfName', 1)], [2, t('halfName', 2)]], p.half);
  fillSelect($('#p-method'), [['share', t('methodShare')], ['mean', t('methodMean')]], state.method);
  $('#p-from').value = p.from;
  $('#p-to').value = p.to;
  for (const box of document.querySelectorAll('.controls [data-kinds]')) box.hidden = !box.dataset.kinds.split(' ').includes(p.kind);
  const r = periodRange(p);
  $('#period-text').textContent = `${t('period')}: ${t('periodLabel', fmtDate(r.from), fmtDate(r.to))}`;
}

function onControlsChange() {
  const p = state.period;
  p.kind = $('#p-kind').value;
  p.year = Number($('#p-year').value);
  p.quarter = Number($('#p-quarter').value);
  p.month = Number($('#p-month').value);
  p.half = Number($('#p-half').value);
  state.method = $('#p-method').value;
  const f = $('#p-from').value, to = $('#p-to').value;
  if (p.kind === 'custom' && (!f || !to || f > to)) { renderControls(); return; }
  p.from = f;
  p.to = to;
  renderControls();
  loadAll();
}

// ---- breadcrumb ----------------------------------------------------------

function renderCrumbs() {
  const nav = $('#crumbs');
  nav.setAttribute('aria-label', t('breadcrumb'));
  const list = h('ol', {});
  const levels = [state.rootCode, ...state.path];
  levels.forEach((code, i) => {
    const last = i === levels.length - 1;
    const name = unitName(code);
    list.append(h('li', {}, last
      ? h('span', { 'aria-current': 'page', class: 'crumb-current', text: name })
      : h('button', { type: 'button', class: 'crumb', text: name, onclick: () => { state.path = state.path.slice(0, i); loadAll(); } })));
  });
  nav.replaceChildren(h('span', { class: 'crumb-label', text: `${t('breadcrumb')}:` }), list);
  $('#up-btn').hidden = state.path.length === 0;
  renderProvinceNote();
}

// Below the country, when the province's figures came: how fresh they are.
function renderProvinceNote() {
  const box = $('#national-note');
  const cur = currentCode();
  const prov = state.national && cur ? provinceOf(cur, state.units) : null;
  const pushed = prov ? state.national.byCode.get(prov) : null;
  box.hidden = !prov;
  box.replaceChildren();
  if (!prov) return;
  const at = pushed ? pushed.last_push_at : 0;
  const stale = isStale(at, state.national.now);
  box.className = `national-note${stale ? ' warn' : ''}`;
  box.append(h('span', { text: t('provinceNote', unitName(prov), fmtTime(at), fmtAgo(at, state.national.now)) }));
  if (stale) box.append(' ', h('strong', { text: t('provinceStale') }));
}

// A province's pushes: how long ago it last sent (the time itself on
// hover), and the word "stale" when that is too long.
function pushedCell(p) {
  const at = p ? p.last_push_at : 0;
  const stale = isStale(at, state.national.now);
  return h('span', { title: fmtTime(at), class: stale ? 'bad' : 'muted' },
    stale ? '⚠ ' : '', fmtAgo(at, state.national.now), stale ? h('br') : null, stale ? t('stale') : null);
}

function drillTo(code) {
  state.path = [...state.path, code];
  loadAll().then(() => $('#c-units').focus({ preventScroll: true }));
}

// ---- loading -------------------------------------------------------------

// The trend ends with the period, or today when the period is not over.
function trendEnd(to) {
  const n = today();
  const now = `${n.y}-${String(n.m).padStart(2, '0')}-${String(n.d).padStart(2, '0')}`;
  return to < now ? to : now;
}

function statsParams(extra) {
  const r = periodRange(state.period);
  const p = { from: r.from, to: r.to, ...extra };
  const cur = currentCode();
  if (cur && !p.unit) p.unit = cur;
  if (state.method !== 'share') p.method = state.method;
  return p;
}

// The country's provinces in one answer (depth=1: each province's tree
// summed by the hub, each held against its own province's targets, as
// its own answer would be).
async function loadProvinceRows(kids) {
  const res = await apiGet('/api/v1/stats', statsParams({ group: 'unit', depth: 1 }));
  const byCode = new Map(res.groups.map((g) => [g.key.unit, normaliseGroup(g, res.min_group)]));
  const rows = kids.map((k) => {
    const g = byCode.get(k.code) || null;
    return { label: k.name, code: k.code, g: g && (g.responses || g.partial) ? g : null, pushed: state.national.byCode.get(k.code) || null };
  });
  return { provinces: true, rows };
}

async function loadUnitRows(cur, gen) {
  const kids = childrenOf(cur);
  if (state.national && cur === null) return loadProvinceRows(kids);
  // The national hub holds no counter: the province's dashboard does.
  if (state.national && !kids.length) return { counters: true, elsewhere: true, rows: [] };
  if (cur !== null && !kids.length) {
    const res = await apiGet('/api/v1/stats', statsParams({ group: 'counter' }));
    return { counters: true, rows: res.groups.map((g) => ({ label: g.key.counter || '—', code: null, g: normaliseGroup(g, res.min_group) })) };
  }
  const res = await apiGet('/api/v1/stats', statsParams({ group: 'unit' }));
  if (gen !== state.load) return null;
  const byCode = new Map(res.groups.map((g) => [g.key.unit, g]));
  // The page shows the children of the unit. A hub may group by the unit
  // each rating was recorded in (deeper than the children) or roll up to
  // another level: a child that is not a group of its own is then asked
  // for by itself (its subtree, one group), because indices and intervals
  // cannot be added up on the page. No question is asked when the groups
  // plainly hold nothing under that child.
  const below = (g) => kids.some((k) => isUnder(g.key.unit, k.code));
  const plain = !res.groups.length || (res.groups.every((g) => g.key.unit === cur || below(g)) && res.groups.some(below));
  const fetches = kids.map(async (k) => {
    if (byCode.has(k.code)) return { label: k.name, code: k.code, g: normaliseGroup(byCode.get(k.code), res.min_group) };
    if (plain && !res.groups.some((g) => isUnder(g.key.unit, k.code))) return { label: k.name, code: k.code, g: null };
    const one = await apiGet('/api/v1/stats', statsParams({ unit: k.code }));
    const g = one.groups.length ? normaliseGroup(one.groups[0], one.min_group) : null;
    return { label: k.name, code: k.code, g: g && (g.responses || g.partial) ? g : null };
  });
  const rows = await Promise.all(fetches);
  // Ratings recorded at the unit itself (a district's own one-stop
  // centre), when the groups are by recorded unit next to its children's.
  const own = cur !== null ? byCode.get(cur) : null;
  if (own && plain) rows.push({ label: `${unitName(cur)} (${t('ownUnit')})`, code: null, g: normaliseGroup(own, res.min_group), own: true });
  return { counters: false, rows };
}

async function loadAll() {
  const gen = ++state.load;
  const r = periodRange(state.period);
  const cur = currentCode();
  renderCrumbs();
  renderControls();
  showStatus(t('loading'), 'info');
  const tr = trendRange(trendEnd(r.to), state.trendBy);
  const jobs = {
    total: apiGet('/api/v1/stats', statsParams({})),
    trend: apiGet('/api/v1/stats', { ...statsParams({ group: state.trendBy }), from: tr.from, to: tr.to }).then((res) => ({ res, range: tr, by: state.trendBy })),
    units: loadUnitRows(cur, gen),
    fields: apiGet('/api/v1/stats', statsParams({ group: 'field' })),
  };
  // A national hub has no kiosks: the provinces' hubs watch theirs.
  if (!state.national) {
    jobs.kiosks = apiGet('/api/v1/kiosks', cur ? { unit: cur } : {});
    jobs.completeness = apiGet('/api/v1/completeness', { from: r.from, to: r.to, ...(cur ? { unit: cur } : {}) });
  }
  const errors = [];
  await Promise.all(Object.entries(jobs).map(([name, p]) => p.then((v) => {
    if (gen !== state.load) return;
    state.data[name] = v;
    render(name);
  }, (e) => {
    if (gen !== state.load) return;
    state.data[name] = { error: e };
    errors.push(e);
    render(name);
  })));
  if (gen !== state.load) return;
  if (errors.some((e) => handleAuth(e))) return;
  if (errors.length) showStatus(errorText(errors[0]), 'error', true);
  else showStatus('');
  $('#updated').textContent = t('updated', fmtTime(Date.now()));
}

// ---- rendering -------------------------------------------------------------

function render(name) {
  const d = state.data[name];
  if (!d) return;
  const fn = { total: renderTotal, trend: renderTrend, units: renderUnits, fields: renderFields, kiosks: renderKiosks, completeness: renderCompleteness }[name];
  if (d.error) {
    if (name === 'total') { renderTotal(); return; }
    panelMessage(name, errorText(d.error), 'error');
    return;
  }
  fn();
  renderDerivedNote();
}

function renderAll() {
  applyStaticWords();
  renderControls();
  renderCrumbs();
  for (const name of Object.keys(state.data)) render(name);
  $('#updated').textContent = '';
}

function renderDerivedNote() {
  const groups = [];
  const tot = state.data.total;
  if (tot && tot.groups) groups.push(...tot.groups);
  const derived = groups.some((g) => normaliseGroup(g).derived);
  const note = $('#derived-note');
  note.hidden = !derived;
  note.textContent = derived ? t('derived') : '';
}

function totalGroup() {
  const d = state.data.total;
  if (!d || d.error || !d.groups || !d.groups.length) return null;
  return normaliseGroup(d.groups[0], d.min_group);
}

function kpiCard(title, fig, target, extra) {
  const card = h('div', { class: 'kpi' }, h('h2', { class: 'kpi-title', text: title }));
  if (fig && fig.withheld) {
    card.append(h('p', { class: 'kpi-value withheld', text: withheldText(fig.withheld) }));
  } else if (!fig || fig.value === null || fig.value === undefined) {
    card.append(h('p', { class: 'kpi-value muted', text: t('noData') }));
  } else {
    card.append(h('p', { class: 'kpi-value', text: fmtPct(fig.value) }));
    card.append(h('p', { class: 'kpi-ci', text: `${t('ci')}: ${fmtCi(fig.ci)}` }));
  }
  const tl = h('p', { class: 'kpi-target' });
  const shown = fig ? fig.value : null;
  if (target) tl.append(`${t('target')} ${targetCell(target, shown)} · `, badge(judgedValue(target, shown), target));
  else if (target !== false) tl.append(badge(shown, null, fig ? fig.withheld : null));
  if (target !== false) card.append(tl);
  if (extra) card.append(extra);
  return card;
}

function renderTotal() {
  const box = $('#kpis');
  const g = totalGroup();
  const err = state.data.total && state.data.total.error;
  box.replaceChildren();
  if (err) { box.append(h('p', { class: 'msg-error', text: errorText(err) })); return; }
  if (!g) return;
  const tg = primaryTarget(g, null);
  box.append(kpiCard(t('kpiIndex'), g.index, tg, tg ? h('p', { class: 'kpi-note', text: [tg.name, tg.basis].filter(Boolean).join(' — ') }) : null));
  box.append(kpiCard(t('kpiOverall'), g.overall, false, h('p', { class: 'kpi-note', text: t('overallNotJudged') })));
  box.append(h('div', { class: 'kpi' },
    h('h2', { class: 'kpi-title', text: t('kpiResponses') }),
    h('p', { class: 'kpi-value', text: fmtInt(g.responses) }),
    h('p', { class: 'kpi-ci', text: `${fmtInt(g.partial)} ${t('partial')} · ${fmtInt(g.suppressed)} ${t('suppressedN')}` })));
  const c = state.data.completeness;
  const root = c && !c.error ? completenessRoot(c) : null;
  if (!state.national) box.append(h('div', { class: 'kpi' },
    h('h2', { class: 'kpi-title', text: t('kpiKiosks') }),
    h('p', { class: 'kpi-value', text: root ? `${fmtInt(root.complete)} / ${fmtInt(root.kiosks)}` : '—' }),
    h('p', { class: 'kpi-ci', text: root ? `${t('colDays')}: ${fmtPct(root.share)}` : '' })));
  renderElements(g, tg);
  renderReasons(g);
  render766();
}

// Decision 766 item 5.4: the hub's part only. Overdue dossiers and
// complaints live in the province's dossier system; the panel says so and
// never fills them in.
function render766() {
  const box = $('#d766-body');
  const d = state.data.total && !state.data.total.error ? state.data.total.decision_766 : null;
  box.replaceChildren();
  if (!d) return;
  const kids = [];
  if (!d.dossiers) {
    kids.push(h('p', { class: 'kpi-value muted', text: t('d766None') }));
  } else if (d.satisfied_pct === null || d.satisfied_pct === undefined) {
    kids.push(h('p', { class: 'kpi-value muted', text: t('d766NotJudged') }));
  } else {
    kids.push(h('p', { class: 'kpi-title', text: t('d766Satisfied') }));
    kids.push(h('p', { class: 'kpi-value', id: 'd766-value', text: fmtPct(d.satisfied_pct) }));
    kids.push(h('p', { class: 'kpi-ci', id: 'd766-formula', text: t('d766Formula', fmtInt(d.not_satisfied), fmtInt(d.judged), fmtPct(d.satisfied_pct)) }));
  }
  kids.push(h('p', { class: 'kpi-ci', text: t('d766Counts', fmtInt(d.ratings), fmtInt(d.dossiers), fmtInt(d.judged)) }));
  kids.push(h('p', { class: 'kpi-note', text: t('d766Rule') }));
  kids.push(h('p', { class: 'kpi-note', id: 'd766-missing', text: t('d766Missing') }));
  box.append(...kids);
}

function renderElements(g, tg) {
  $('#elements-hint').textContent = tg ? `${t('target')}: ${targetText(tg)} (${tg.name || tg.indicator})` : t('noTarget');
  const figs = ELEMENT_ORDER.map((e) => g.elements[e] || { value: null, ci: null, n: 0 });
  const sts = figs.map((f) => status(f.value, tg, f.withheld));
  sizeBox($('#elements-chart-box'), 5);
  barChart($('#c-elements'), {
    labels: ELEMENT_ORDER.map(elementName),
    values: figs.map((f) => f.value),
    ci: figs.map((f) => f.ci),
    colors: sts.map(statusColor),
    texts: figs.map((f, i) => barText(f.value, sts[i], false)),
    textColors: sts.map(textColor),
    target: tg ? tg.threshold : null,
    targetLabel: tg ? `${t('target')} ${targetText(tg)}` : null,
    fmt: fmtNum,
    tooltip: (i) => `${fmtPct(figs[i].value)} (${t('ciShort')} ${fmtCi(figs[i].ci)}) · ${sts[i].word}`,
  });
  setChartLabel('#c-elements', t('panelElements'));
  setTable('elements', makeTable(t('panelElements'),
    [{ label: t('colElement') }, { label: t('colValue') }, { label: t('colN'), num: true }, { label: t('colTarget') }, { label: t('colStatus') }],
    ELEMENT_ORDER.map((e, i) => ({ cells: [elementName(e), pctCell(figs[i]), fmtInt(figs[i].n), tg ? targetText(tg) : '—', badge(figs[i].value, tg, figs[i].withheld)] }))));
}

function renderReasons(g) {
  const entries = Object.entries(g.reasons || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const box = $('#reasons-chart-box');
  if (!entries.length) {
    box.hidden = true;
    setTable('reasons', h('p', { class: 'muted', text: t('reasonsNone') }), true);
    return;
  }
  box.hidden = false;
  sizeBox(box, entries.length);
  countChart($('#c-reasons'), {
    labels: entries.map(([c]) => reasonName(c)),
    values: entries.map(([, n]) => n),
    texts: entries.map(([, n]) => `${fmtInt(n)} (${fmtNum((100 * n) / total, 0)}%)`),
  });
  setChartLabel('#c-reasons', t('panelReasons'));
  setTable('reasons', makeTable(t('panelReasons'),
    [{ label: t('colReason') }, { label: t('colCount'), num: true }, { label: t('colShare'), num: true }],
    entries.map(([c, n]) => ({ cells: [reasonName(c), fmtInt(n), `${fmtNum((100 * n) / total)}%`] }))));
}

function renderTrend() {
  const { res, range, by } = state.data.trend;
  const keys = trendKeys(range, by);
  const byKey = new Map(res.groups.map((g) => [g.key.period || g.key[by] || '', normaliseGroup(g, res.min_group)]));
  const rows = keys.map((k) => ({ k, g: byKey.get(k) || null }));
  const fig = (r) => (r.g ? r.g.index : { value: null, ci: null });
  const tgs = rows.map((r) => (r.g ? primaryTarget(r.g, null) : null));
  // Periods without data carry the target of their neighbours.
  let lastT = tgs.find(Boolean) || null;
  const tline = tgs.map((x) => { if (x) lastT = x; return lastT ? lastT.threshold : null; });
  const label = (k) => (by === 'quarter' ? k.replace(/^(\d{4})-Q(\d)$/, state.lang === 'vi' ? 'Q$2/$1' : 'Q$2 $1') : k.replace(/^(\d{4})-(\d{2})$/, '$2/$1'));
  const values = rows.map((r) => fig(r).value);
  const lows = rows.map((r) => (fig(r).ci ? fig(r).ci[0] : null));
  const min = Math.max(0, Math.floor((Math.min(...lows.filter((v) => v !== null), ...tline.filter((v) => v !== null), 100) - 10) / 10) * 10);
  $('#trend-hint').textContent = `${t('trendBy')} ${by === 'quarter' ? t('trendQuarter') : t('trendMonth')}. ${t('trendNote')}`;
  trendChart($('#c-trend'), {
    labels: keys.map(label),
    values,
    lo: lows,
    hi: rows.map((r) => (fig(r).ci ? fig(r).ci[1] : null)),
    target: tline,
    min,
    fmt: fmtNum,
    names: { index: t('legendIndex'), ci: t('legendCi'), target: t('legendTarget') },
    tooltip: (i, ds) => (ds === 3 ? `${t('target')} ${tgs[i] ? targetText(tgs[i]) : fmtPct(tline[i])}` : `${fmtPct(values[i])} (${t('ciShort')} ${fmtCi(fig(rows[i]).ci)}) · ${(tgs[i] ? status(judgedValue(tgs[i], values[i]), tgs[i]) : status(values[i], lastT)).word}`),
  });
  setChartLabel('#c-trend', t('panelTrend'));
  setTable('trend', makeTable(t('panelTrend'),
    [{ label: t('colPeriod') }, { label: t('colIndex') }, { label: t('colResponses'), num: true }, { label: t('colTarget') }, { label: t('colStatus') }],
    rows.map((r, i) => ({ cells: [label(r.k), pctCell(fig(r)), r.g ? fmtInt(r.g.responses) : '0', targetCell(tgs[i], fig(r).value), badge(tgs[i] ? judgedValue(tgs[i], fig(r).value) : fig(r).value, tgs[i], fig(r).withheld)] }))));
}

// A commune on the national dashboard: its counters are on the province's.
function renderCountersElsewhere(cur) {
  const prov = state.national.byCode.get(provinceOf(cur, state.units));
  $('#units-chart-box').hidden = true;
  const link = prov && prov.dashboard
    ? h('a', { href: `${prov.dashboard.replace(/\/+$/, '')}/dashboard/#unit=${encodeURIComponent(cur)}`, target: '_blank', rel: 'noopener', id: 'counters-link', text: `${t('countersLink', unitName(cur))} ›` })
    : h('span', { class: 'muted', text: t('countersNoLink') });
  setTable('units', h('div', { class: 'elsewhere' }, h('p', { text: t('countersElsewhere') }), h('p', {}, link)), true);
}

function renderUnits() {
  const d = state.data.units;
  const rows = d.rows;
  const cur = currentCode();
  const title = d.provinces ? t('panelProvinces') : d.counters ? t('panelCounters') : t('panelUnits');
  $('#h-units').textContent = `${title} — ${unitName(cur)}`;
  $('#units-hint').textContent = d.elsewhere ? '' : d.provinces ? t('provincesHint') : d.counters ? t('countersHint') : t('unitsHint');
  // The country's provinces, with when each last sent, take the width.
  $('#panel-units').classList.toggle('provinces', !!d.provinces);
  if (d.elsewhere) { renderCountersElsewhere(cur); return; }
  const figs = rows.map((r) => (r.g ? r.g.index : { value: null, ci: null }));
  const tgs = rows.map((r) => (r.g ? primaryTarget(r.g, null) : null));
  const sts = figs.map((f, i) => status(judgedValue(tgs[i], f.value), tgs[i], f.withheld));
  const commonT = tgs.find(Boolean) || null;
  const box = $('#units-chart-box');
  box.hidden = rows.length === 0;
  sizeBox(box, rows.length);
  const chart = barChart($('#c-units'), {
    labels: rows.map((r) => `${r.label}${d.provinces && isStale(r.pushed ? r.pushed.last_push_at : 0, state.national.now) ? ' ⚠' : ''}${r.code ? ' ›' : ''}`),
    values: figs.map((f) => f.value),
    ci: figs.map((f) => f.ci),
    colors: sts.map(statusColor),
    texts: figs.map((f, i) => barText(f.value, sts[i], false)),
    textColors: sts.map(textColor),
    // Provinces are held against their own targets: no line for them all.
    target: commonT && !d.provinces ? commonT.threshold : null,
    targetLabel: commonT ? `${t('target')} ${targetText(commonT)}` : null,
    fmt: fmtNum,
    onClick: (i) => { if (rows[i].code) drillTo(rows[i].code); },
    tooltip: (i) => `${fmtPct(figs[i].value)} (${t('ciShort')} ${fmtCi(figs[i].ci)}) · ${sts[i].word} · ${fmtInt(rows[i].g ? rows[i].g.responses : 0)} ${t('responses')}`,
  });
  setChartLabel('#c-units', d.counters ? t('panelCounters') : t('panelUnits'));
  attachChartKeys($('#c-units'), chart, rows);
  setTable('units', makeTable(title,
    [{ label: d.counters ? t('colCounter') : t('colUnit') }, { label: t('colResponses'), num: true }, { label: t('colIndex') }, { label: t('colTarget') }, { label: t('colStatus') },
      ...(d.provinces ? [{ label: t('colPushed') }] : [])],
    rows.map((r, i) => ({
      cells: [
        r.code ? h('button', { type: 'button', class: 'link', 'aria-label': childrenOf(r.code).length ? t('drill', r.label) : t('drillCounters', r.label), text: `${r.label}\u00a0›`, onclick: () => drillTo(r.code) }) : r.label,
        r.g ? fmtInt(r.g.responses) : '0', pctCell(figs[i]), targetCell(tgs[i], figs[i].value), badge(judgedValue(tgs[i], figs[i].value), tgs[i], figs[i].withheld),
        ...(d.provinces ? [pushedCell(r.pushed)] : []),
      ],
    }))), true);
}

// Arrow keys move between the bars of a drill-down chart, Enter opens one.
function attachChartKeys(canvas, chart, rows) {
  canvas.onkeydown = (ev) => {
    if (!rows.length) return;
    let i = canvas.dataset.active ? Number(canvas.dataset.active) : -1;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowRight') i = Math.min(rows.length - 1, i + 1);
    else if (ev.key === 'ArrowUp' || ev.key === 'ArrowLeft') i = Math.max(0, i - 1);
    else if ((ev.key === 'Enter' || ev.key === ' ') && i >= 0) {
      ev.preventDefault();
      if (rows[i].code) drillTo(rows[i].code);
      return;
    } else return;
    ev.preventDefault();
    canvas.dataset.active = String(i);
    const el = [{ datasetIndex: 0, index: i }];
    chart.setActiveElements(el);
    chart.tooltip.setActiveElements(el, { x: 0, y: 0 });
    chart.update();
  };
  canvas.dataset.active = '';
}

function renderFields() {
  const res = state.data.fields;
  const byField = new Map(res.groups.map((g) => [g.key.field ?? '', normaliseGroup(g, res.min_group)]));
  const order = [...PRIORITY_FIELDS, ...Object.keys(FIELDS).filter((f) => !PRIORITY_FIELDS.includes(f) && byField.has(f)), ...[...byField.keys()].filter((f) => !(f in FIELDS))];
  const rows = order.map((f) => ({ f, g: byField.get(f) || null, prio: PRIORITY_FIELDS.includes(f) }));
  const figs = rows.map((r) => (r.g ? r.g.index : { value: null, ci: null }));
  const tgs = rows.map((r) => (r.g ? primaryTarget(r.g, r.f) : null));
  const sts = figs.map((f, i) => status(judgedValue(tgs[i], f.value), tgs[i], f.withheld));
  const box = $('#fields-chart-box');
  sizeBox(box, rows.length);
  // The priority fields' own target when there is one, else the general.
  const lineT = tgs.find((x, i) => x && rows[i].prio) || tgs.find(Boolean) || null;
  barChart($('#c-fields'), {
    labels: rows.map((r) => (r.prio ? `★ ${fieldName(r.f)}` : fieldName(r.f))),
    bold: rows.map((r) => r.prio),
    bands: rows.map((r, i) => (r.prio ? i : -1)).filter((i) => i >= 0),
    values: figs.map((f) => f.value),
    ci: figs.map((f) => f.ci),
    colors: sts.map(statusColor),
    texts: figs.map((f, i) => barText(f.value, sts[i], false)),
    textColors: sts.map(textColor),
    target: lineT ? lineT.threshold : null,
    targetLabel: lineT ? `${t('target')} ${targetText(lineT)}` : null,
    fmt: fmtNum,
    tooltip: (i) => `${fmtPct(figs[i].value)} (${t('ciShort')} ${fmtCi(figs[i].ci)}) · ${tgs[i] ? `${t('target')} ${targetText(tgs[i])} · ` : ''}${sts[i].word}`,
  });
  setChartLabel('#c-fields', t('panelFields'));
  setTable('fields', makeTable(t('panelFields'),
    [{ label: t('colField') }, { label: t('colResponses'), num: true }, { label: t('colIndex') }, { label: t('colTarget') }, { label: t('colStatus') }],
    rows.map((r, i) => ({
      cls: r.prio ? 'priority' : null,
      cells: [r.prio ? h('span', {}, h('span', { 'aria-hidden': 'true' }, '★ '), h('strong', { text: fieldName(r.f) }), h('span', { class: 'sr-only', text: ` (${t('priority')})` })) : fieldName(r.f),
        r.g ? fmtInt(r.g.responses) : '0', pctCell(figs[i]), targetCell(tgs[i], figs[i].value), badge(judgedValue(tgs[i], figs[i].value), tgs[i], figs[i].withheld)],
    }))));
}

function renderKiosks() {
  const d = state.data.kiosks;
  const list = [...d.kiosks].sort((a, b) => (b.silent - a.silent) || a.unit.localeCompare(b.unit) || a.counter.localeCompare(b.counter));
  const silent = list.filter((k) => k.silent).length;
  $('#kiosks-summary').textContent = t('kiosksSummary', list.length, silent, d.open_now);
  $('#kiosks-summary').className = `summary${silent ? ' warn' : ''}`;
  const stateCell = (k) => {
    if (k.revoked) return h('span', { class: 'badge none' }, h('span', { 'aria-hidden': 'true' }, '⊘'), ' ', t('stateRevoked'));
    if (k.silent) return h('span', { class: 'badge not-met' }, h('span', { 'aria-hidden': 'true' }, '⚠'), ' ', t('stateSilent'));
    return h('span', { class: 'badge met' }, h('span', { 'aria-hidden': 'true' }, '✔'), ' ', t('stateOk'));
  };
  const clock = (k) => {
    if (k.clock_synced === null || k.clock_synced === undefined) return t('unknown');
    const off = k.clock_offset_ms ? Math.round(k.clock_offset_ms / 1000) : 0;
    const text = k.clock_synced ? t('clockOk') : t('clockUnsynced');
    return Math.abs(off) >= 2 ? `${text}, ${t('clockOffset', off)}` : text;
  };
  // The latest installation record (sipasctl selftest): its verdict, when
  // it arrived, and the checks that did not pass, named by their ids.
  const selftest = (k) => {
    const rec = k.installation;
    if (!rec) return h('span', { class: 'muted', text: t('selftestNone') });
    const word = { pass: t('selftestPass'), warn: t('selftestWarn'), fail: t('selftestFail') }[rec.result] || rec.result;
    const cls = rec.result === 'pass' ? 'met' : 'not-met';
    const sign = rec.result === 'pass' ? '✔' : '⚠';
    const off = (rec.checks || []).filter((c) => c.status !== 'pass');
    return h('span', { title: off.map((c) => `${c.id}: ${c.message || ''}`).join('\n') },
      h('span', { class: `badge ${cls}` }, h('span', { 'aria-hidden': 'true' }, sign), ' ', word),
      off.length ? h('span', { class: 'muted', text: ` ${off.map((c) => c.id).join(', ')}` }) : null,
      h('br'), h('span', { class: 'muted', text: fmtAgo(rec.received_at, d.now) }));
  };
  setTable('kiosks', makeTable(t('panelKiosks'),
    [{ label: t('colKiosk') }, { label: t('colState') }, { label: t('colLastSeen') }, { label: t('colBacklog'), num: true }, { label: t('colClock') }, { label: t('colStorage'), num: true }, { label: t('colIntegrity') }, { label: t('colLastResponse') }, { label: t('colVersion') }, { label: t('colSelftest') }],
    list.map((k) => ({
      cls: k.silent ? 'silent' : k.revoked ? 'revoked' : null,
      cells: [
        h('span', { class: 'kiosk-id' }, h('strong', { text: k.counter || '—' }), h('br'), h('span', { class: 'muted', text: `${k.unit_name || k.unit} · ${k.install_id.slice(0, 8)}` })),
        stateCell(k),
        h('span', { title: fmtTime(k.last_seen_at), text: fmtAgo(k.last_seen_at, d.now) }),
        fmtInt(k.backlog), clock(k), fmtBytes(k.free_bytes),
        k.integrity === null || k.integrity === undefined ? t('unknown') : k.integrity === 'ok' ? 'ok' : h('span', { class: 'bad', text: k.integrity }),
        fmtTime(k.last_response_at), k.version || '—', selftest(k),
      ],
    })), { cls: 'data kiosks' }), true);
}

function completenessRoot(c) {
  const cur = currentCode();
  if (cur) return c.units.find((u) => u.code === cur) || null;
  const roots = c.units.filter((u) => u.depth === 0);
  if (roots.length === 1) return roots[0];
  return roots.reduce((a, u) => ({ kiosks: a.kiosks + u.kiosks, reported: a.reported + u.reported, complete: a.complete + u.complete, days_expected: a.days_expected + u.days_expected, days_reported: a.days_reported + u.days_reported, share: null }), { kiosks: 0, reported: 0, complete: 0, days_expected: 0, days_reported: 0 });
}

function renderCompleteness() {
  const c = state.data.completeness;
  $('#completeness-hint').textContent = t('completenessHint', c.through ? fmtDate(c.through) : null);
  const days = c.days.filter((x) => x.workday);
  completenessChart($('#c-completeness'), {
    labels: days.map((x) => fmtDate(x.day).slice(0, state.lang === 'vi' ? 5 : 6)),
    expected: days.map((x) => x.expected),
    reported: days.map((x) => x.reported),
    colors: days.map((x) => (x.reported < x.expected ? COLORS.notMet : COLORS.met)),
    names: { expected: t('legendExpected'), reported: t('legendReported') },
  });
  setChartLabel('#c-completeness', t('panelCompleteness'));
  const cur = currentCode();
  const rootRow = completenessRoot(c);
  const rows = [];
  // Units merged away are no rows (their kiosks count where they joined).
  const live = new Set(state.units.map((u) => u.code));
  const kids = c.units.filter((u) => live.has(u.code) && (cur ? u.parent === cur : u.depth === (state.rootCode ? 1 : 0)));
  const fmtShare = (u) => (u.share === null || u.share === undefined ? '—' : fmtPct(u.share));
  const shareBadge = (u) => {
    if (u.share === null || u.share === undefined) return h('span', { class: 'muted', text: t('noData') });
    const ok = u.complete === u.kiosks;
    return h('span', { class: `badge ${ok ? 'met' : 'not-met'}` }, h('span', { 'aria-hidden': 'true' }, ok ? '✔' : '✘'), ' ', fmtShare(u));
  };
  const line = (u, label, cls) => ({ cls, cells: [label, fmtInt(u.kiosks), fmtInt(u.reported), fmtInt(u.complete), `${fmtInt(u.days_reported)} / ${fmtInt(u.days_expected)}`, shareBadge(u)] });
  if (rootRow) rows.push(line(rootRow, unitName(cur ?? state.rootCode), 'total'));
  for (const u of kids) rows.push(line(u, u.name, null));
  setTable('completeness', makeTable(t('panelCompleteness'),
    [{ label: t('colUnit') }, { label: t('colKiosks'), num: true }, { label: t('colReported'), num: true }, { label: t('colComplete'), num: true }, { label: t('colDays'), num: true }, { label: t('colShare') }],
    rows), true);
  if (state.data.total && !state.data.total.error) renderTotal();
}

// ---- language ----------------------------------------------------------

function applyStaticWords() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  if (state.national) {
    $('[data-i18n="subtitle"]').textContent = t('subtitleNational');
    $('[data-i18n="footer"]').textContent = t('footerNational');
  }
  // A national hub has no kiosks and no dossiers: the provinces' hubs do.
  for (const id of ['#panel-kiosks', '#panel-completeness', '#panel-766']) $(id).hidden = !!state.national;
  const lb = $('#lang-btn');
  lb.textContent = t('langSwitch');
  lb.setAttribute('lang', state.lang === 'vi' ? 'en' : 'vi');
  lb.setAttribute('aria-label', t('langSwitchLabel'));
  $('#token-btn').textContent = t('tokenForget');
  $('#controls').setAttribute('aria-label', t('period'));
  $('#kpis').setAttribute('aria-label', state.lang === 'vi' ? 'Tóm tắt' : 'Summary');
}

function toggleLang() {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  try { sessionStorage.setItem(LANG_KEY, state.lang); } catch { /* private mode */ }
  renderAll();
}

// ---- start -------------------------------------------------------------

async function loadReasons() {
  try {
    const res = await fetch('/dashboard/sipas-short.json', { cache: 'no-cache' });
    const survey = await res.json();
    const q = (survey.questions || []).find((x) => x.id === 'reasons');
    for (const o of (q && q.options) || []) state.reasons[o.code] = o.label || {};
  } catch { /* codes are shown as they are */ }
}

async function start() {
  $('#token-view').hidden = true;
  $('#main').hidden = false;
  $('#token-btn').hidden = false;
  showStatus(t('loading'));
  const r = periodRange(state.period);
  try {
    // Today's tree says which units were merged away: their ratings count
    // under the unit they joined (rollup=current), so they are no rows of
    // their own, and a province since 2025-07-01 shows its communes only.
    const [c, tree] = await Promise.all([
      apiGet('/api/v1/completeness', { from: r.from, to: r.to }),
      apiGet('/api/v1/units', {}).catch((e) => { if (e instanceof ApiError && e.kind === 'auth') throw e; return null; }),
    ]);
    state.units = liveUnits(c.units, tree ? tree.units : null);
    const roots = c.units.filter((u) => u.depth === 0);
    state.rootCode = roots.length === 1 ? roots[0].code : null;
    state.rootName = roots.length === 1 ? roots[0].name : (c.scope && c.scope.name) || '';
    state.path = state.wantUnit ? pathTo(state.wantUnit, state.rootCode, state.units) : [];
    state.national = await loadNational();
    applyStaticWords();
  } catch (e) {
    if (handleAuth(e)) return;
    showStatus(errorText(e), 'error', true);
    return;
  }
  await loadAll();
}

// The provinces that push to this hub, when it is a national one (an
// answer with none, or a token that may not ask, is a province's hub).
async function loadNational() {
  try {
    const res = await apiGet('/api/v1/national/provinces', {});
    if (!res.provinces || !res.provinces.length) return null;
    return { byCode: new Map(res.provinces.map((p) => [p.province, p])), now: res.now };
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'auth') throw e;
    return null;
  }
}

// A link may open the page at one unit: #unit=CODE (the national
// dashboard's link to a commune's counters).
function readHashUnit() {
  const m = /(?:^#|&)unit=([A-Za-z0-9._-]{1,64})(?:&|$)/.exec(location.hash);
  state.wantUnit = m ? m[1] : null;
}

function readHashToken() {
  // A link may carry the token after '#': never sent to a server, and
  // removed from the address bar at once.
  const m = /(?:^#|&)token=([0-9a-fA-F]{64})(?:&|$)/.exec(location.hash);
  if (m) {
    setToken(m[1].toLowerCase());
    history.replaceState(null, '', location.pathname + location.search);
  }
}

async function main() {
  try { state.lang = sessionStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi'; } catch { /* default */ }
  applyStaticWords();
  renderControls();
  $('#lang-btn').addEventListener('click', toggleLang);
  $('#token-btn').addEventListener('click', () => { setToken(''); state.data = {}; showToken(''); });
  $('#token-form').addEventListener('submit', onTokenSubmit);
  $('#controls').addEventListener('change', onControlsChange);
  $('#controls').addEventListener('submit', (e) => e.preventDefault());
  $('#up-btn').addEventListener('click', () => { state.path = state.path.slice(0, -1); loadAll(); });
  for (const r of document.querySelectorAll('input[name="trend-by"]')) {
    r.addEventListener('change', () => {
      state.trendBy = r.value;
      const tr = trendRange(trendEnd(periodRange(state.period).to), state.trendBy);
      apiGet('/api/v1/stats', { ...statsParams({ group: state.trendBy }), from: tr.from, to: tr.to })
        .then((res) => { state.data.trend = { res, range: tr, by: state.trendBy }; render('trend'); },
          (e) => { if (!handleAuth(e)) panelMessage('trend', errorText(e), 'error'); });
    });
  }
  await Promise.all([loadReasons(), document.fonts ? document.fonts.ready : null]);
  readHashUnit();
  readHashToken();
  if (!window.Chart) { showStatus('chart.js missing', 'error'); return; }
  if (!getToken()) { showToken(''); return; }
  start();
}

main();
