// The national dashboard on a generated country (tests/bench/hub_country.sh
// with COUNTRY_KEEP): the country with a row per province, then one
// province's units, for a whole year; every province listed, no text
// clipped; screenshots national-country34-*.png and
// national-country34-province-*.png at 1280x800 and 1920x1080.
//
// node country.mjs HUB_URL TOKEN YEAR PROVINCES SHOTS_DIR CHROMIUM PROFILE_DIR
//
// Prints "ok NAME" or "FAIL NAME: why" per check and "N passed, N failed".

import { join } from 'node:path';
import { check, assert, finish } from './check.mjs';
import { openBrowser, waitLoaded as waitBase, setRange as setBase, clipped } from './browser.mjs';

const [url, token, year, provinces, shots, chromiumPath, profileBase] = process.argv.slice(2);
const SIZES = [[1280, 800], [1920, 1080]];
const READY = ['[data-table="units"] table, [data-table="units"] .elsewhere'];
// A year of 34 provinces: each row its own request, so more time.
const waitLoaded = (page) => waitBase(page, READY, 120000);

async function shoot(page, name) {
  const bad = [];
  for (const [w, hgt] of SIZES) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.waitForTimeout(600); // the charts redraw at the new width
    bad.push(...(await clipped(page)).map((b) => `${w}x${hgt}: ${b}`));
    await page.screenshot({ path: join(shots, `national-${name}-${w}x${hgt}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert(!bad.length, `clipped: ${bad.join(' | ')}`);
}

const rowNames = (page) => page.$$eval('[data-table="units"] tbody tr',
  (trs) => trs.map((tr) => tr.children[0].textContent.replace(/\s*›$/, '').trim()));

const browser = await openBrowser(chromiumPath, profileBase, { width: 1280, height: 800 });
try {
  const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await check(`the country: ${provinces} provinces, a year`, async () => {
    await page.goto(`${url}/dashboard/#token=${token}`);
    await waitLoaded(page);
    await setBase(page, `${year}-01-01`, `${year}-12-31`, READY, 120000);
    const names = await rowNames(page);
    assert(names.length === Number(provinces), `${names.length} rows: ${names.join(' | ')}`);
    assert(names.includes('Thành phố Hồ Chí Minh') && names.includes('Tỉnh Đắk Lắk'), names.join(' | '));
    await shoot(page, 'country34');
  });

  await check('one province: its units', async () => {
    await page.click('[data-table="units"] tbody th button:has-text("Thành phố Hà Nội")');
    await page.waitForFunction(() => document.querySelector('#crumbs').textContent.includes("Thành phố Hà Nội"));
    await waitLoaded(page);
    const names = await rowNames(page);
    assert(names.length > 5, `${names.length} rows`);
    await shoot(page, 'country34-province');
  });

  await check('no script errors', async () => {
    assert(!errors.length, errors.join(' | '));
  });
} finally {
  await browser.close();
}
finish('country');
