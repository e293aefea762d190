// The national dashboard in Debian's chromium: a country of three
// provinces drilled down to a commune, each level's figures equal to what
// the province's own hub answered (EXPECT_JSON, kept by national.sh), each
// against the province's own target, the stale province marked, and the
// counters left to the province's dashboard.
//
// node national.mjs HUB_URL EXPECT_JSON SHOTS_DIR CHROMIUM PROFILE_DIR
//
// Prints "ok NAME" or "FAIL NAME: why" per check and "N passed, N failed".

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, assert, finish } from './check.mjs';
import { openBrowser, waitLoaded as waitBase, setRange as setBase, clipped } from './browser.mjs';

const [url, expectPath, shots, chromiumPath, profileBase] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectPath, 'utf8'));
const SIZES = [[1280, 800], [1920, 1080]];

// A figure as the page writes it in Vietnamese: "85,5%".
const pct = (v) => `${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)}%`;
// What the page must show for a group as its hub answered it: the index,
// or the words of a group withheld for the officers' privacy.
const shown = (g) => (g.suppressed_group ? 'Ẩn để bảo vệ cán bộ (có cán bộ dưới 5 phiếu)' : pct(g.index));
// The threshold of a province's tthc target, as its own hub answered.
const tthc = (g) => (g.targets || []).find((t) => t.indicator === 'tthc');

// Loaded: the units table, or the words sending to the province's page.
const READY = ['[data-table="units"] table, [data-table="units"] .elsewhere'];
const waitLoaded = (page) => waitBase(page, READY, 20000);
const setRange = (page, from, to) => setBase(page, from, to, READY);

// The units table: per row, its name and cells' text; the index cell's
// figure alone (its <strong>), or its words when withheld.
const unitRows = (page) => page.$$eval('[data-table="units"] tbody tr', (trs) => trs.map((tr) => {
  const cells = [...tr.children];
  const idx = cells[2];
  return {
    name: cells[0].textContent.replace(/\s*›$/, '').trim(),
    responses: cells[1].textContent.trim(),
    index: idx.querySelector('strong') ? idx.querySelector('strong').textContent.trim() : idx.textContent.trim(),
    target: cells[3].textContent.trim(),
    status: cells[4].textContent.trim(),
    pushed: cells[5] ? cells[5].textContent.trim() : null,
  };
}));
const byName = (rows, name) => rows.find((r) => r.name === name);

// Screenshots at both sizes, each checked for clipped text first.
async function shoot(page, name) {
  const bad = [];
  for (const [w, hgt] of SIZES) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.waitForTimeout(400); // the charts redraw at the new width
    bad.push(...(await clipped(page)).map((b) => `${w}x${hgt}: ${b}`));
    await page.screenshot({ path: join(shots, `national-${name}-${w}x${hgt}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert(!bad.length, `clipped: ${bad.join(' | ')}`);
}

const browser = await openBrowser(chromiumPath, profileBase, { width: 1280, height: 800 });
const { ctx } = browser;
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await check('the national token opens the country, in Vietnamese', async () => {
    await page.goto(`${url}/dashboard/#token=${expect.token}`);
    await waitLoaded(page);
    await setRange(page, '2025-10-01', '2025-10-31');
    const crumbs = await page.textContent('#crumbs');
    assert(crumbs.includes('Toàn quốc'), crumbs);
    const sub = await page.textContent('header p');
    assert(sub.includes('toàn quốc'), sub);
    assert(await page.isHidden('#panel-kiosks'), 'the kiosks panel on a national hub');
    assert(await page.isHidden('#panel-completeness'), 'the completeness panel on a national hub');
  });

  await check('country: each province with its own figures and its own target', async () => {
    const rows = await unitRows(page);
    const names = { HN: 'Thành phố Hà Nội', QT: 'Tỉnh Quảng Trị', VL: 'Tỉnh Vĩnh Long' };
    for (const [code, name] of Object.entries(names)) {
      const r = byName(rows, name);
      const g = expect.provinces[code];
      assert(r, `no row ${name}: ${rows.map((x) => x.name).join(' | ')}`);
      assert(r.responses === String(g.responses), `${name} responses ${r.responses}, its hub ${g.responses}`);
      assert(r.index === shown(g), `${name} index ${r.index}, its hub ${shown(g)}`);
      if (g.suppressed_group) continue; // no figure, no target to hold it against
      assert(r.target.startsWith(`≥ ${tthc(g).threshold}%`), `${name} target ${r.target}, its own ${tthc(g).threshold}`);
      const met = tthc(g).met ? 'Đạt' : 'Chưa đạt';
      assert(r.status.includes(met), `${name}: ${r.status}, its hub says met=${tthc(g).met}`);
    }
    assert(byName(rows, names.QT).pushed.includes('Chậm cập nhật'), `QT not stale: ${byName(rows, names.QT).pushed}`);
    assert(!byName(rows, names.HN).pushed.includes('Chậm cập nhật'), `HN stale: ${byName(rows, names.HN).pushed}`);
    assert(byName(rows, names.QT).pushed.includes('2 giờ trước'), `QT's last push: ${byName(rows, names.QT).pushed}`);
    const total = Number((await page.textContent('#kpis .kpi:nth-child(3) .kpi-value')).replace(/\D/g, ''));
    const sum = Object.values(expect.provinces).reduce((a, g) => a + g.responses, 0);
    assert(total === sum, `the country's responses ${total}, the provinces' ${sum}`);
    await shoot(page, 'country');
  });

  await check('province: its communes as its own hub has them, the stale one said', async () => {
    await page.click('[data-table="units"] tbody th button:has-text("Tỉnh Quảng Trị")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Tỉnh Quảng Trị'));
    await waitLoaded(page);
    const note = await page.textContent('#national-note');
    assert(note.includes('Tỉnh Quảng Trị') && note.includes('chưa gửi số liệu mới'), note);
    const rows = await unitRows(page);
    for (const [code, name] of [['QT-DONGHOI', 'Phường Đồng Hới'], ['QT-VINHLINH', 'Xã Vĩnh Linh']]) {
      const r = byName(rows, name);
      const g = expect.units[code];
      assert(r && r.index === pct(g.index), `${name}: ${r && r.index}, its hub ${pct(g.index)}`);
      assert(r.target.startsWith(`≥ ${tthc(g).threshold}%`), `${name} target ${r.target}`);
    }
    const kpi = await page.textContent('#kpis .kpi:nth-child(1) .kpi-value');
    assert(kpi.trim() === pct(expect.provinces.QT.index), `QT's index ${kpi}, its hub ${pct(expect.provinces.QT.index)}`);
    await shoot(page, 'province');
  });

  await check('a commune withheld by its province is withheld nationally', async () => {
    await page.click('#crumbs button:has-text("Toàn quốc")');
    await waitLoaded(page);
    await page.click('[data-table="units"] tbody th button:has-text("Tỉnh Vĩnh Long")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Tỉnh Vĩnh Long'));
    await waitLoaded(page);
    const rows = await unitRows(page);
    const r = byName(rows, 'Xã Long Hồ');
    assert(expect.units['VL-LONGHO'].suppressed_group === true, 'the province did not withhold Xã Long Hồ');
    assert(r && /ẩn|bảo vệ/i.test(r.index) && !/%/.test(r.index), `Xã Long Hồ: ${JSON.stringify(r)}`);
    const tv = byName(rows, 'Phường Trà Vinh');
    assert(tv.index === pct(expect.units['VL-TRAVINH'].index), `Trà Vinh: ${tv.index}`);
  });

  await check('commune: its figures, and its counters on the province\'s dashboard', async () => {
    await page.click('#crumbs button:has-text("Toàn quốc")');
    await waitLoaded(page);
    await page.click('[data-table="units"] tbody th button:has-text("Thành phố Hà Nội")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Hà Nội'));
    await waitLoaded(page);
    await page.click('[data-table="units"] tbody th button:has-text("Phường Hoàn Kiếm")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Phường Hoàn Kiếm'));
    await waitLoaded(page);
    const kpi = await page.textContent('#kpis .kpi:nth-child(1) .kpi-value');
    assert(kpi.trim() === pct(expect.units['HN-HOANKIEM'].index), `Hoàn Kiếm ${kpi}, its hub ${pct(expect.units['HN-HOANKIEM'].index)}`);
    const target = await page.textContent('#kpis .kpi:nth-child(1) .kpi-target');
    assert(target.includes('≥ 95%'), `Hà Nội's own target at the commune: ${target}`);
    const href = await page.getAttribute('#counters-link', 'href');
    assert(href === `${expect.urls.HN}/dashboard/#unit=HN-HOANKIEM`, `link ${href}`);
    const note = await page.textContent('#national-note');
    assert(note.includes('Thành phố Hà Nội') && !note.includes('chưa gửi'), note);
    await shoot(page, 'commune');
  });

  await check('the link opens the province\'s own dashboard at the commune\'s counters', async () => {
    const href = await page.getAttribute('#counters-link', 'href');
    const prov = await ctx.newPage();
    try {
      await prov.goto(href);
      await prov.waitForSelector('#token-view:not([hidden])');
      await prov.fill('#token-input', expect.tokens.HN);
      await prov.click('#token-form button[type=submit]');
      await prov.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Phường Hoàn Kiếm'), null, { timeout: 20000 });
      await waitLoaded(prov);
      await setRange(prov, '2025-10-01', '2025-10-31');
      const head = await prov.textContent('#h-units');
      assert(head.startsWith('Theo quầy'), head);
      const rows = await unitRows(prov);
      assert(rows.length === 1 && rows[0].name === 'Quầy 1', JSON.stringify(rows));
      const sub = await prov.textContent('header p');
      assert(!sub.includes('toàn quốc'), `the province's page: ${sub}`);
    } finally {
      await prov.close();
    }
  });

  await check('diacritics as sent', async () => {
    const text = await page.textContent('body');
    assert(text.normalize('NFC') === text, 'text not in NFC');
  });

  await check('no script errors', async () => {
    assert(!errors.length, errors.join(' | '));
  });
} finally {
  await browser.close();
}
finish('national web');
