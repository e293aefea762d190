// Talking to the hub and reading its answers: the API calls with the
// analyst's token, reporting periods, and one normalised shape for a
// statistics group (docs/STATS_API.md).
//
// Every figure is the hub's. Only when a hub sends counts without the
// percentages (an older hub) does normaliseGroup() compute them, with the
// formulas of app/core/indices.c: share of answers 4-5 with a 95% Wilson
// interval per question, element = mean of its questions, index = mean of
// the five elements, intervals of means = means of the bounds. Such a
// group is marked `derived` and the page says so.

import { ELEMENT_ORDER, PRIORITY_FIELDS } from './i18n.js';

const TOKEN_KEY = 'sipas.token';
export const TOKEN_RE = /^[0-9a-f]{64}$/;

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}
export function setToken(t) {
  try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch { /* private mode */ }
}

export class ApiError extends Error {
  constructor(kind, status, code, message) {
    super(message || kind);
    this.kind = kind; // 'auth', 'forbidden', 'network', 'busy', 'server', 'missing'
    this.status = status;
    this.code = code;
  }
}

// GET path?params with the token; the parsed JSON or an ApiError.
export async function apiGet(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const url = q.toString() ? `${path}?${q}` : path;
  let res;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${getToken()}`, Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError('network', 0, '', String(e));
  }
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (res.ok && body) return body;
  const code = body && body.error ? body.error : '';
  const msg = body && body.message ? body.message : res.statusText;
  if (res.status === 401) throw new ApiError('auth', 401, code, msg);
  if (res.status === 403) throw new ApiError('forbidden', 403, code, msg);
  if (res.status === 404) throw new ApiError('missing', 404, code, msg);
  if (res.status === 503) throw new ApiError('busy', 503, code, msg);
  throw new ApiError('server', res.status, code, msg);
}

// ---- dates and periods (local dates, Asia/Ho_Chi_Minh) ------------------

const pad = (n) => String(n).padStart(2, '0');
export const ymd = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;
export const monthDays = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// Today in the province, whatever the browser's time zone.
export function today() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

export function defaultPeriod() {
  const t = today();
  return { kind: 'quarter', year: t.y, quarter: Math.floor((t.m - 1) / 3) + 1, month: t.m, half: t.m <= 6 ? 1 : 2, from: ymd(t.y, t.m, 1), to: ymd(t.y, t.m, t.d) };
}

// {from, to} of a period picked on the page.
export function periodRange(p) {
  const y = p.year;
  switch (p.kind) {
    case 'month': return { from: ymd(y, p.month, 1), to: ymd(y, p.month, monthDays(y, p.month)) };
    case 'half': { const a = p.half === 1 ? 1 : 7, b = a + 5; return { from: ymd(y, a, 1), to: ymd(y, b, monthDays(y, b)) }; }
    case 'year': return { from: ymd(y, 1, 1), to: ymd(y, 12, 31) };
    case 'custom': return { from: p.from, to: p.to };
    default: { const b = p.quarter * 3; return { from: ymd(y, b - 2, 1), to: ymd(y, b, monthDays(y, b)) }; }
  }
}

// The window of the trend chart: 12 months or 8 quarters ending with the
// month or quarter in which the chosen period ends.
export function trendRange(to, by) {
  const [y, m] = to.split('-').map(Number);
  if (by === 'quarter') {
    const qEnd = Math.ceil(m / 3) * 3;
    const start = new Date(Date.UTC(y, qEnd - 24, 1));
    return { from: ymd(start.getUTCFullYear(), start.getUTCMonth() + 1, 1), to: ymd(y, qEnd, monthDays(y, qEnd)) };
  }
  const start = new Date(Date.UTC(y, m - 12, 1));
  return { from: ymd(start.getUTCFullYear(), start.getUTCMonth() + 1, 1), to: ymd(y, m, monthDays(y, m)) };
}

// Every period key of a trend window, so months without data still show.
export function trendKeys(range, by) {
  const keys = [];
  let [y, m] = range.from.split('-').map(Number);
  const [ty, tm] = range.to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    keys.push(by === 'quarter' ? `${y}-Q${Math.ceil(m / 3)}` : `${y}-${pad(m)}`);
    m += by === 'quarter' ? 3 : 1;
    if (m > 12) { m -= 12; y += 1; }
  }
  return keys;
}

// ---- figures -------------------------------------------------------------

const Z = 1.96;

// Wilson score interval of k in n, in percent.
export function wilson(k, n) {
  if (!n) return null;
  const p = k / n, z2 = Z * Z;
  const den = 1 + z2 / n;
  const mid = (p + z2 / (2 * n)) / den;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, mid - half) * 100, Math.min(1, mid + half) * 100];
}

const isScale = (counts) => counts && Object.keys(counts).every((k) => ['1', '2', '3', '4', '5'].includes(k));

function rateQuestion(q) {
  if (q.satisfied_pct !== undefined) return { value: q.satisfied_pct, ci: q.ci95 || null, n: q.n ?? sum(q.counts) };
  if (!isScale(q.counts)) return null;
  const n = sum(q.counts);
  if (!n) return { value: null, ci: null, n: 0 };
  const k = (q.counts['4'] || 0) + (q.counts['5'] || 0);
  return { value: (100 * k) / n, ci: wilson(k, n), n };
}

const sum = (o) => Object.values(o || {}).reduce((a, b) => a + (Number(b) || 0), 0);

function meanOf(parts) {
  const ok = parts.filter((p) => p && p.value !== null && p.value !== undefined);
  if (!ok.length) return { value: null, ci: null, n: 0 };
  const avg = (f) => ok.reduce((a, p) => a + f(p), 0) / ok.length;
  const withCi = ok.every((p) => p.ci);
  return { value: avg((p) => p.value), ci: withCi ? [avg((p) => p.ci[0]), avg((p) => p.ci[1])] : null, n: ok.reduce((a, p) => a + (p.n || 0), 0) };
}

// One group of /api/v1/stats as the page uses it:
// {key, name, responses, partial, suppressed, index:{value,ci,n},
//  overall:{value,ci,n}, elements:{slug:{value,ci,n}}, reasons:{code:n},
//  targets:[...], derived, withheld}
// minGroup is the answer's min_group: a group the hub withheld for the
// officers' privacy (suppressed_group) keeps its counts but no figure, and
// each of its figures carries {withheld: minGroup} so that the page can say
// why it is empty instead of "no data".
export function normaliseGroup(g, minGroup) {
  const out = {
    key: g.key || {}, responses: g.responses ?? 0, partial: g.partial ?? 0, suppressed: g.suppressed ?? 0,
    suppressedGroup: !!g.suppressed_group, targets: Array.isArray(g.targets) ? g.targets : [], derived: false,
  };
  const questions = Array.isArray(g.questions) ? g.questions : [];
  // Elements.
  out.elements = {};
  for (const slug of ELEMENT_ORDER) {
    const e = g.elements && g.elements[slug];
    if (e) out.elements[slug] = { value: e.index ?? e.satisfied_pct ?? null, ci: e.ci95 || null, n: e.n ?? null };
  }
  if (!g.elements) {
    for (const slug of ELEMENT_ORDER) {
      const parts = questions.filter((q) => q.element === slug).map(rateQuestion);
      if (parts.length) {
        out.elements[slug] = meanOf(parts);
        if (questions.some((q) => q.element === slug && q.satisfied_pct === undefined)) out.derived = true;
      }
    }
  }
  // Index.
  if (g.index !== undefined) out.index = { value: g.index, ci: g.index_ci95 || null, n: null };
  else {
    out.index = meanOf(ELEMENT_ORDER.map((s) => out.elements[s]).filter(Boolean));
    out.index.n = null;
    if (questions.length) out.derived = true;
  }
  // Overall question.
  if (g.overall) out.overall = { value: g.overall.satisfied_pct ?? null, ci: g.overall.ci95 || null, n: g.overall.n ?? null };
  else out.overall = meanOf(questions.filter((q) => q.element === 'overall').map(rateQuestion));
  if (out.suppressedGroup) {
    const held = () => ({ value: null, ci: null, n: null, withheld: minGroup ?? true });
    out.withheld = minGroup ?? true;
    out.index = held();
    out.overall = held();
    for (const slug of ELEMENT_ORDER) out.elements[slug] = held();
  }
  // Reasons.
  if (g.reasons) out.reasons = { ...g.reasons };
  else {
    out.reasons = {};
    for (const q of questions) {
      if (q.id !== 'reasons' && q.element !== 'reasons') continue;
      for (const [code, n] of Object.entries(q.counts || {})) out.reasons[code] = (out.reasons[code] || 0) + n;
    }
  }
  return out;
}

// The target a group's main figure is held against: the field's own when
// it has one (land/construction/investment, health/education), else the
// procedure-handling one, the service one or the health one (the first of
// these the hub could judge), else the first that applies.
export function primaryTarget(group, field) {
  const t = group.targets || [];
  if (!t.length) return null;
  const want = [];
  if (PRIORITY_FIELDS.includes(field)) want.push('tthc-dat-dai-xay-dung-dau-tu');
  if (field === 'y-te' || field === 'giao-duc') want.push('y-te-giao-duc');
  want.push('tthc', 'phuc-vu-hcnn', 'y-te-giao-duc');
  // A hospital's unit has no administrative answers: its health target,
  // which has a figure, says more than an administrative one without.
  const found = want.map((w) => t.find((x) => x.indicator === w)).filter(Boolean);
  return found.find((x) => x.value !== null && x.value !== undefined) || found[0] || t[0];
}

// The figure the hub held a target against: the index over the target's
// own fields (administrative ones for "tthc" and "phuc-vu-hcnn", health and
// education for "y-te-giao-duc"), which is not the figure of every field
// drawn beside it when a unit mixes both. null when the hub found no data
// in those fields; the value shown when the hub sent no value (an older
// hub).
export function judgedValue(target, shown) {
  if (target && Object.prototype.hasOwnProperty.call(target, 'value')) return target.value ?? null;
  return shown;
}

// Met or not for a value held against a target; null when either is
// missing. The hub's own verdict wins when it gave one for this value.
export function isMet(value, target) {
  if (!target || value === null || value === undefined) return null;
  if (typeof target.met === 'boolean' && target.value === value) return target.met;
  return target.operator === '>' ? value > target.threshold : value >= target.threshold;
}

// The units of /api/v1/completeness less those merged into another
// (merged_into in /api/v1/units, today's tree) and whatever hangs under
// them. Without the tree (an older hub), the units as they are.
export function liveUnits(units, tree) {
  const merged = new Set((Array.isArray(tree) ? tree : []).filter((u) => u.merged_into).map((u) => u.code));
  if (!merged.size) return units;
  const gone = new Set(units.filter((u) => merged.has(u.code)).map((u) => u.code));
  for (let grew = true; grew;) {
    grew = false;
    for (const u of units) {
      if (!gone.has(u.code) && u.parent && gone.has(u.parent)) { gone.add(u.code); grew = true; }
    }
  }
  return units.filter((u) => !gone.has(u.code));
}

// ---- the national view ---------------------------------------------------

// A province whose hub pushed nothing for three forwarding rounds (five
// minutes each by default) is stale: its figures may lag what it holds.
export const STALE_MS = 15 * 60 * 1000;
export const isStale = (lastPushAt, now) => !lastPushAt || now - lastPushAt > STALE_MS;

// The province (a root of the tree) that holds code.
export function provinceOf(code, units) {
  const byCode = new Map(units.map((u) => [u.code, u]));
  let u = byCode.get(code);
  for (let i = 0; u && u.parent && i < 16; i++) u = byCode.get(u.parent);
  return u ? u.code : null;
}

// The codes from below root down to code (root itself left out), for a
// link that opens the dashboard at one unit: [] when code is not under it.
export function pathTo(code, root, units) {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const path = [];
  for (let u = byCode.get(code), i = 0; u && i < 16; u = byCode.get(u.parent), i++) {
    if (u.code === root) return path;
    path.unshift(u.code);
    if (!u.parent) return root === null ? path : [];
  }
  return [];
}
