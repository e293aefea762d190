// Charts of the dashboard on Chart.js (bundled, window.Chart), with three
// small plugins of our own: 95% interval whiskers on bars, a target line,
// and a text at the end of each bar (value and met/not met mark), so the
// chart says in words what its colour says.

export const COLORS = {
  met: '#1b7a3d',
  notMet: '#b3261e',
  none: '#52606d',
  main: '#1f5fa8',
  band: 'rgba(31, 95, 168, 0.16)',
  target: '#8a4b00',
  whisker: '#1d2733',
  priority: 'rgba(255, 196, 0, 0.20)',
  grid: '#d9dee4',
  text: '#1d2733',
};

const Chart = () => window.Chart;

// Whiskers: dataset.ci[i] = [low, high] on the value axis.
const ciPlugin = {
  id: 'ciWhiskers',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const horizontal = chart.options.indexAxis === 'y';
    chart.data.datasets.forEach((ds, di) => {
      if (!ds.ci) return;
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      const vScale = horizontal ? chart.scales.x : chart.scales.y;
      meta.data.forEach((bar, i) => {
        const ci = ds.ci[i];
        if (!ci) return;
        const a = vScale.getPixelForValue(ci[0]), b = vScale.getPixelForValue(ci[1]);
        const c = horizontal ? bar.y : bar.x;
        const cap = Math.max(4, Math.min(8, (horizontal ? bar.height : bar.width) / 4 || 6));
        ctx.save();
        ctx.strokeStyle = COLORS.whisker;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(a, c); ctx.lineTo(b, c);
          ctx.moveTo(a, c - cap); ctx.lineTo(a, c + cap);
          ctx.moveTo(b, c - cap); ctx.lineTo(b, c + cap);
        } else {
          ctx.moveTo(c, a); ctx.lineTo(c, b);
          ctx.moveTo(c - cap, a); ctx.lineTo(c + cap, a);
          ctx.moveTo(c - cap, b); ctx.lineTo(c + cap, b);
        }
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

// options.plugins.targetLine = {value, label}: a dashed line across.
const targetPlugin = {
  id: 'targetLine',
  afterDatasetsDraw(chart, _args, opts) {
    if (!opts || opts.value === null || opts.value === undefined) return;
    const { ctx, chartArea: area } = chart;
    const horizontal = chart.options.indexAxis === 'y';
    const scale = horizontal ? chart.scales.x : chart.scales.y;
    const p = scale.getPixelForValue(opts.value);
    ctx.save();
    ctx.strokeStyle = COLORS.target;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    if (horizontal) { ctx.moveTo(p, area.top); ctx.lineTo(p, area.bottom); } else { ctx.moveTo(area.left, p); ctx.lineTo(area.right, p); }
    ctx.stroke();
    ctx.setLineDash([]);
    if (opts.label) {
      ctx.fillStyle = COLORS.target;
      ctx.font = `600 12px ${chart.options.font?.family || 'sans-serif'}`;
      if (horizontal) {
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        ctx.fillText(opts.label, Math.min(p, area.right - 40), area.top - 2);
      } else {
        ctx.textAlign = 'left';
        ctx.textBaseline = 'bottom';
        ctx.fillText(opts.label, area.left + 4, p - 3);
      }
    }
    ctx.restore();
  },
};

// dataset.texts[i]: drawn after the end of bar i.
const textPlugin = {
  id: 'barTexts',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const horizontal = chart.options.indexAxis === 'y';
    chart.data.datasets.forEach((ds, di) => {
      if (!ds.texts) return;
      const meta = chart.getDatasetMeta(di);
      meta.data.forEach((bar, i) => {
        const t = ds.texts[i];
        if (!t) return;
        const ci = ds.ci && ds.ci[i];
        const vScale = horizontal ? chart.scales.x : chart.scales.y;
        ctx.save();
        ctx.font = `600 12px ${chart.options.font?.family || 'sans-serif'}`;
        ctx.fillStyle = ds.textColors ? ds.textColors[i] : COLORS.text;
        if (horizontal) {
          const end = Math.max(bar.x, ci ? vScale.getPixelForValue(ci[1]) : bar.x);
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          // On a white ground, so a target line behind stays readable.
          const w = ctx.measureText(t).width;
          const fg = ctx.fillStyle;
          ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
          ctx.fillRect(end + 3, bar.y - 9, w + 6, 18);
          ctx.fillStyle = fg;
          ctx.fillText(t, end + 6, bar.y);
        } else {
          const top = Math.min(bar.y, ci ? vScale.getPixelForValue(ci[1]) : bar.y);
          ctx.textAlign = 'center';
          ctx.textBaseline = 'bottom';
          ctx.fillText(t, bar.x, top - 4);
        }
        ctx.restore();
      });
    });
  },
};

// options.plugins.rowBands = {indices: [...]}: a band behind those rows.
const bandPlugin = {
  id: 'rowBands',
  beforeDatasetsDraw(chart, _args, opts) {
    if (!opts || !opts.indices || !opts.indices.length) return;
    const { ctx, chartArea: area } = chart;
    const y = chart.scales.y;
    const step = y.getPixelForValue(1) - y.getPixelForValue(0);
    ctx.save();
    ctx.fillStyle = COLORS.priority;
    for (const i of opts.indices) {
      const c = y.getPixelForValue(i);
      ctx.fillRect(area.left - 4, c - step / 2, area.right - area.left + 4, step);
    }
    ctx.restore();
  },
};

let registered = false;
function setup() {
  if (registered) return;
  const C = Chart();
  C.register(ciPlugin, targetPlugin, textPlugin, bandPlugin);
  C.defaults.font.family = "'Noto Sans', system-ui, sans-serif";
  C.defaults.font.size = 12;
  C.defaults.color = COLORS.text;
  C.defaults.animation = false;
  C.defaults.maintainAspectRatio = false;
  C.defaults.responsive = true;
  registered = true;
}

function replace(canvas, config) {
  setup();
  const old = Chart().getChart(canvas);
  if (old) old.destroy();
  return new (Chart())(canvas, config);
}

const pctTick = (fmt) => (v) => fmt(v, 0) + '%';

// A long unit name ("Trung tâm Phục vụ hành chính công tỉnh ...") would be
// cut at the chart's left edge: it is drawn on lines of at most
// LABEL_LINE characters, broken between words.
const LABEL_LINE = 28;
function wrapLabel(label) {
  if (typeof label !== 'string' || label.length <= LABEL_LINE) return label;
  const lines = [];
  let line = '';
  for (const word of label.split(' ')) {
    if (line && line.length + 1 + word.length > LABEL_LINE) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

// Horizontal bars of percentages with whiskers, end texts and a target.
// opts: {labels, values, ci, colors, texts, textColors, target, targetLabel,
//        bands, onClick(i), fmt, tooltip(i)}
export function barChart(canvas, o) {
  return replace(canvas, {
    type: 'bar',
    data: {
      labels: o.labels,
      datasets: [{ data: o.values, ci: o.ci, texts: o.texts, textColors: o.textColors, backgroundColor: o.colors, borderColor: o.borders || o.colors, borderWidth: o.borders ? 2 : 0, barPercentage: 0.7, categoryPercentage: 0.9 }],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { right: 130, top: 18 } },
      scales: {
        x: { min: 0, max: 100, ticks: { callback: pctTick(o.fmt), stepSize: 20 }, grid: { color: COLORS.grid } },
        y: { ticks: { autoSkip: false, callback(v) { return wrapLabel(this.getLabelForValue(v)); }, font: (c) => ({ weight: o.bold && o.bold[c.index] ? '700' : '400' }) }, grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        targetLine: { value: o.target, label: o.targetLabel },
        rowBands: { indices: o.bands || [] },
        tooltip: { callbacks: { label: (c) => (o.tooltip ? o.tooltip(c.dataIndex) : String(c.raw)) } },
      },
      onClick: o.onClick ? (_e, els) => { if (els.length) o.onClick(els[0].index); } : undefined,
      onHover: o.onClick ? (e, els) => { e.native.target.style.cursor = els.length ? 'pointer' : 'default'; } : undefined,
    },
  });
}

// Vertical bars of counts (reasons).
export function countChart(canvas, o) {
  return replace(canvas, {
    type: 'bar',
    data: { labels: o.labels, datasets: [{ data: o.values, texts: o.texts, backgroundColor: COLORS.main, barPercentage: 0.7 }] },
    options: {
      indexAxis: 'y',
      layout: { padding: { right: 70 } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: COLORS.grid } }, y: { ticks: { autoSkip: false }, grid: { display: false } } },
      plugins: { legend: { display: false } },
    },
  });
}

// The trend: index line, its interval as a band, the target as a dashed
// step line. opts: {labels, values, lo, hi, target (array), names, fmt}
export function trendChart(canvas, o) {
  const hasTarget = o.target.some((v) => v !== null);
  const datasets = [
    { label: o.names.ci, data: o.hi, borderWidth: 0, pointRadius: 0, pointStyle: 'rect', fill: '+1', backgroundColor: COLORS.band, spanGaps: false, order: 3 },
    { label: '_lo', data: o.lo, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false, order: 3 },
    { label: o.names.index, data: o.values, borderColor: COLORS.main, backgroundColor: COLORS.main, borderWidth: 2.5, pointStyle: 'circle', pointRadius: 4, pointHoverRadius: 6, spanGaps: false, order: 1 },
  ];
  if (hasTarget) datasets.push({ label: o.names.target, data: o.target, borderColor: COLORS.target, backgroundColor: COLORS.target, borderDash: [6, 4], borderWidth: 2, pointStyle: 'line', pointRadius: 0, stepped: 'middle', fill: false, order: 2 });
  return replace(canvas, {
    type: 'line',
    data: { labels: o.labels, datasets },
    options: {
      scales: {
        y: { min: o.min, max: 100, ticks: { callback: pctTick(o.fmt) }, grid: { color: COLORS.grid } },
        x: { grid: { display: false } },
      },
      plugins: {
        legend: { labels: { filter: (item) => !item.text.startsWith('_'), usePointStyle: true, boxHeight: 8 } },
        tooltip: { filter: (item) => item.datasetIndex >= 2, callbacks: { label: (c) => (o.tooltip ? o.tooltip(c.dataIndex, c.datasetIndex) : String(c.raw)) } },
      },
    },
  });
}

// Per day: kiosks expected (line) and kiosks that reported (bars).
export function completenessChart(canvas, o) {
  return replace(canvas, {
    type: 'bar',
    data: {
      labels: o.labels,
      datasets: [
        { type: 'line', label: o.names.expected, data: o.expected, borderColor: COLORS.text, backgroundColor: COLORS.text, borderWidth: 2, borderDash: [5, 3], pointRadius: 0, pointStyle: 'line', stepped: 'middle', order: 1 },
        { label: o.names.reported, data: o.reported, backgroundColor: o.colors, pointStyle: 'rect', barPercentage: 1, categoryPercentage: 0.9, order: 2 },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: COLORS.grid } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } } },
      plugins: { legend: { labels: { usePointStyle: true, pointStyleWidth: 28, boxHeight: 10 } } },
    },
  });
}

export function destroyAll(root) {
  for (const c of root.querySelectorAll('canvas')) { const ch = Chart().getChart(c); if (ch) ch.destroy(); }
}
