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

// The period as the analyst types it: "custom", then both dates.
export async function setRange(page, from, to, ready) {
  await page.selectOption('#p-kind', 'custom');
  await waitLoaded(page, ready);
  await page.evaluate(([f, t]) => {
    document.querySelector('#p-from').value = f;
    document.querySelector('#p-to').value = t;
    document.querySelector('#p-to').dispatchEvent(new Event('change', { bubbles: true }));
  }, [from, to]);
  await page.waitForFunction(([f]) => {
    const [y, m, d] = f.split('-');
    return document.querySelector('#period-text').textContent.includes(`${d}/${m}/${y}`);
  }, [from]);
  await waitLoaded(page, ready);
}
