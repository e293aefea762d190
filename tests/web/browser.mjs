// What the browser tests share: Debian's chromium in a fresh profile, and
// waiting for the dashboard to have loaded or for a period to be set.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// chromium headless, Vietnamese, in Hà Nội's time zone, in a profile of
// its own under profileBase; close() ends it and removes the profile.
export async function openBrowser(chromiumPath, profileBase, viewport) {
  const profile = mkdtempSync(join(profileBase || '/tmp', 'chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  return {
    ctx,
    close: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// The page shown, its figures loaded, and every one of ready (selectors)
// in it.
export async function waitLoaded(page, ready = ['[data-table="units"] table'], timeout = 15000) {
  await page.waitForFunction((sels) => {
    const s = document.querySelector('#status');
    return document.querySelector('#main') && !document.querySelector('#main').hidden &&
      document.querySelector('#kpis .kpi') && s && !s.textContent.includes('…') &&
      sels.every((sel) => document.querySelector(sel));
  }, ready, { timeout });
}

// The period as the analyst types it: "custom", then both dates; each
// load waited for up to timeout ms.
export async function setRange(page, from, to, ready, timeout = 15000) {
  await page.selectOption('#p-kind', 'custom');
  await waitLoaded(page, ready, timeout);
  await page.evaluate(([f, t]) => {
    document.querySelector('#p-from').value = f;
    document.querySelector('#p-to').value = t;
    document.querySelector('#p-to').dispatchEvent(new Event('change', { bubbles: true }));
  }, [from, to]);
  await page.waitForFunction(([f]) => {
    const [y, m, d] = f.split('-');
    return document.querySelector('#period-text').textContent.includes(`${d}/${m}/${y}`);
  }, [from], { timeout });
  await waitLoaded(page, ready, timeout);
}

// Text that does not fit its box on the dashboard: the page must show
// whole words; the texts clipped, each cut to 40 characters.
export const clipped = (page) => page.evaluate(() => {
  const bad = [];
  for (const e of document.querySelectorAll('#main h2, #main th, #main td, #main .kpi-value, #main .badge, #crumbs, #national-note, header h1, header p')) {
    if (e.offsetParent === null) continue;
    if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto') bad.push(e.textContent.trim().slice(0, 40));
  }
  // The drill-down's table fits its panel: nothing to scroll sideways to.
  for (const e of document.querySelectorAll('[data-table="units"] .tbl')) {
    if (e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1) bad.push(`the units table (${e.scrollWidth} > ${e.clientWidth})`);
  }
  return bad;
});
