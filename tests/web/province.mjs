// The dashboard of a province after 2025-07-01, in Debian's chromium:
// its communes directly under it, no district.
//
// node province.mjs HUB_URL TOKENS_JSON SHOTS_DIR CHROMIUM PROFILE_DIR
//
// Prints "ok NAME" or "FAIL NAME: why" per check and "N passed, N failed".

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, assert, finish } from './check.mjs';
import { openBrowser, waitLoaded, setRange } from './browser.mjs';

const [url, tokensPath, shots, chromiumPath, profileBase] = process.argv.slice(2);
const tokens = JSON.parse(readFileSync(tokensPath, 'utf8'));


const rowNames = (page) => page.$$eval('[data-table="units"] tbody th', (ths) => ths.map((t) => t.textContent.replace(/\s*›$/, '').trim()));

const browser = await openBrowser(chromiumPath, profileBase, { width: 1920, height: 1200 });
const { ctx } = browser;
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await check('the province token opens its dashboard', async () => {
    await page.goto(`${url}/dashboard/#token=${tokens.unit}`);
    await waitLoaded(page);
    const crumbs = await page.textContent('#crumbs');
    assert(crumbs.includes('Tỉnh Quảng Trị'), crumbs);
  });

  await check('after 2025-07-01: the communes directly under the province, no district', async () => {
    await setRange(page, tokens.after[0], tokens.after[1]);
    const names = await rowNames(page);
    for (const want of ['Xã Vĩnh Linh', 'Xã Cửa Tùng', 'Xã Vĩnh Hoàng', 'Xã Bến Quan', 'Phường Đồng Hới']) {
      assert(names.includes(want), `no row "${want}": ${names.join(' | ')}`);
    }
    const districts = names.filter((n) => /^(Huyện|Thành phố|Thị xã|Thị trấn|Tỉnh Quảng Bình)/.test(n));
    assert(!districts.length, `district-level rows after the merge: ${districts.join(' | ')}`);
    const total = Number((await page.textContent('#kpis .kpi:nth-child(3) .kpi-value')).replace(/\D/g, ''));
    assert(total > 0, 'no responses in the period');
    const kiosks = await page.$$eval('[data-table="completeness"] tbody th', (ths) => ths.map((t) => t.textContent.trim()));
    const gone = kiosks.filter((n) => /^(Huyện|Thành phố|Thị trấn|Tỉnh Quảng Bình)/.test(n));
    assert(!gone.length, `merged units in the completeness table: ${gone.join(' | ')}`);
    await page.screenshot({ path: join(shots, 'dashboard-province-2025.png') });
  });

  await check('a commune opens to its own units', async () => {
    await page.click('[data-table="units"] tbody th button:has-text("Xã Vĩnh Linh")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes('Xã Vĩnh Linh'));
    await waitLoaded(page);
    const names = await rowNames(page);
    assert(names.some((n) => n.startsWith('Trung tâm Phục vụ hành chính công xã Vĩnh Linh')), names.join(' | '));
    assert(!names.some((n) => n.startsWith('Huyện')), names.join(' | '));
  });

  await check('no script errors', async () => {
    assert(!errors.length, errors.join(' | '));
  });
} finally {
  await browser.close();
}
finish('province web');
