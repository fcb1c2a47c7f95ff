// Opens every page of the built book in headless Chromium and reports what a reader would meet, as
// JSON on stdout. tests/browser.rs serves the book, runs this, and asserts on the report.
//
// Three passes: every page at 1280 px (light theme: errors, images, copy buttons, search, play
// buttons), every page at 390 px (a phone: terminal output must wrap, pictures must fit and their
// text stay readable), and the pages with pictures at 390 px in the coal theme (dark pictures).
// Each pass measures the ```text blocks (lines wider than the column, blocks that scroll sideways)
// and the pictures (alt text, rendered width, smallest rendered text in px).
//
// Input (environment): BOOK_URL (the served book, ending in /), CHROMIUM (the browser binary),
// PAGES (JSON list of page paths, e.g. ["introduction.html", ...]), SHOTS (directory for
// screenshots), PLAY_PAGE (the page whose std-only steps have a play button).
// Nothing leaves 127.0.0.1: the playground's crate list and run requests are answered here.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BOOK_URL = process.env.BOOK_URL;
const PAGES = JSON.parse(process.env.PAGES);
const SHOTS = process.env.SHOTS;
const PLAY_PAGE = process.env.PLAY_PAGE;
const PLAYGROUND = 'https://play.rust-lang.org/';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const report = {
  pages: [], phone: [], dark: [], sidebar: [], search: null, play: null, screenshots: [], external: [],
};
const profile = mkdtempSync(join(tmpdir(), 'xkeys-chromium-'));

// A fresh profile (--user-data-dir) each run. Flags: as root Chromium needs --no-sandbox; the
// network is closed, so no background traffic.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  timeout: 30000,
  viewport: DESKTOP,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

try {
  context.setDefaultTimeout(15000);
  let runRequest = null;
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(BOOK_URL)) {
      return route.continue();
    }
    if (url === `${PLAYGROUND}meta/crates`) {
      // The playground's crate list: none needed, the play-button snippets use std only.
      return route.fulfill({ contentType: 'application/json', body: '{"crates":[]}' });
    }
    if (url === `${PLAYGROUND}evaluate.json`) {
      runRequest = JSON.parse(route.request().postData() || '{}');
      return route.fulfill({ contentType: 'application/json', body: '{"result":"(run in the test)"}' });
    }
    report.external.push(url);
    return route.abort();
  });

  for (const path of PAGES) {
    const page = await context.newPage();
    const entry = {
      path, status: 0, consoleErrors: [], pageErrors: [], failedRequests: [], brokenImages: [],
      images: 0, codeBlocks: 0, codeBlocksWithoutCopy: 0, playButtons: 0, editors: 0,
    };
    page.on('console', (msg) => { if (msg.type() === 'error') entry.consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => entry.pageErrors.push(String(err)));
    page.on('requestfailed', (req) => {
      if (req.url().startsWith(BOOK_URL)) entry.failedRequests.push(req.url());
    });
    page.on('response', (resp) => {
      if (resp.url().startsWith(BOOK_URL) && resp.status() >= 400) {
        entry.failedRequests.push(`${resp.status()} ${resp.url()}`);
      }
    });
    const resp = await page.goto(BOOK_URL + path, { waitUntil: 'load' });
    entry.status = resp ? resp.status() : 0;
    await page.waitForLoadState('networkidle');

    Object.assign(entry, await page.evaluate(() => {
      const images = Array.from(document.querySelectorAll('main img'));
      const blocks = Array.from(document.querySelectorAll('main pre')).filter((pre) => pre.querySelector('code'));
      return {
        images: images.length,
        brokenImages: images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
        codeBlocks: blocks.length,
        codeBlocksWithoutCopy: blocks.filter((pre) => !pre.querySelector('.clip-button')).length,
        editors: document.querySelectorAll('main .ace_editor').length,
      };
    }));
    Object.assign(entry, await measure(page));
    // Shown by mdBook once the playground's crate list arrives (the buttons appear on hover).
    entry.playButtons = await page.evaluate(() => Array.from(document.querySelectorAll('main pre .play-button'))
      .filter((b) => !b.hidden && !b.classList.contains('hidden')).length);

    if (report.sidebar.length === 0) {
      report.sidebar = await page.evaluate(() => Array.from(
        document.querySelectorAll('#mdbook-sidebar mdbook-sidebar-scrollbox a[href]'),
      ).map((a) => new URL(a.href, document.baseURI).pathname));
    }

    if (path === 'introduction.html') {
      await shot(page, 'introduction.png');
      // Search, as a reader does it: press `s`, type, read the results.
      await page.keyboard.press('s');
      await page.locator('#mdbook-searchbar').pressSequentially('Access Token Secret'); // search runs on keyup
      await page.locator('#mdbook-searchresults li').first().waitFor();
      report.search = await page.evaluate(() => Array.from(
        document.querySelectorAll('#mdbook-searchresults li a'),
      ).map((a) => ({ href: new URL(a.href, document.baseURI).pathname, text: a.textContent })));
    }

    if (path === PLAY_PAGE) {
      // A reader changes a parameter in the base-string step and presses ▶.
      const step = page.locator('main pre.playground', { hasText: 'let base_string = format!' });
      const edited = await page.evaluate(() => {
        const ed = window.editors.find((e) => e.getValue().includes('let base_string = format!'));
        if (!ed) return false;
        ed.setValue(ed.getValue().replace('Hello Ladies', 'Hello Readers'), 1);
        return true;
      });
      await step.hover();
      await step.locator('.play-button').click();
      await step.locator('.result').filter({ hasText: '(run in the test)' }).waitFor();
      report.play = { edited, request: runRequest };
      await setTheme(page, 'coal');
      await page.locator('main img').first().scrollIntoViewIfNeeded();
      await shot(page, 'how-a-signature-is-made-dark.png');
      await step.scrollIntoViewIfNeeded();
      await shot(page, 'how-a-signature-is-made-editor.png');
    }

    if (path === 'verify-your-keys.html') {
      await setTheme(page, 'navy');
      await shot(page, 'verify-your-keys.png');
    }
    report.pages.push(entry);
    await page.close();
  }

  // A phone, light theme: every page.
  for (const path of PAGES) {
    const page = await context.newPage();
    await page.setViewportSize(PHONE);
    await open(page, path, 'light');
    const entry = { path, ...(await measure(page)) };
    await shootPictures(page, path, 'phone');
    if (path === 'troubleshooting.html') {
      await page.locator('main pre code.language-text').first().scrollIntoViewIfNeeded();
      await shot(page, 'phone-troubleshooting-report.png');
    }
    if (path === 'introduction.html' && await page.locator('main .xk-box-start').count() > 0) {
      await page.locator('main .xk-box-start').first().scrollIntoViewIfNeeded();
      await shot(page, 'phone-introduction-start-here.png');
    }
    report.phone.push(entry);
    await page.close();
  }

  // A phone, dark theme (coal): the pages with pictures.
  for (const path of PAGES) {
    const page = await context.newPage();
    await page.setViewportSize(PHONE);
    await open(page, path, 'coal');
    if (await page.locator('main img').count() === 0) {
      await page.close();
      continue;
    }
    const entry = { path, ...(await measure(page)) };
    await shootPictures(page, path, 'phone-coal');
    if (path === 'get-the-api-key-and-secret.html' && await page.locator('main .xk-box').count() > 0) {
      await page.locator('main .xk-box').first().scrollIntoViewIfNeeded();
      await shot(page, 'phone-coal-get-the-api-key-and-secret.png');
    }
    report.dark.push(entry);
    await page.close();
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

process.stdout.write(JSON.stringify(report));

// Opens a page in the given theme (the theme menu's choice persists: the first pass leaves navy).
async function open(page, path, theme) {
  await page.goto(BOOK_URL + path, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  if (!(await page.evaluate((t) => document.documentElement.classList.contains(t), theme))) {
    await setTheme(page, theme);
  }
}

// Every picture of the page, alone, as a reader sees it.
async function shootPictures(page, path, prefix) {
  const pictures = page.locator('main label.checkbox-label > img');
  const count = await pictures.count();
  for (let i = 0; i < count; i += 1) {
    const img = pictures.nth(i);
    const src = await img.getAttribute('src');
    const name = src.split('/').pop().replace(/\.svg$/, '');
    await img.scrollIntoViewIfNeeded();
    const file = join(SHOTS, `${prefix}-${name}.png`);
    await img.screenshot({ path: file });
    report.screenshots.push(file);
  }
}

// What the page's ```text blocks and pictures look like at the current width.
async function measure(page) {
  return page.evaluate(async () => {
    const canvas = document.createElement('canvas').getContext('2d');
    const textBlocks = Array.from(document.querySelectorAll('main pre > code.language-text'));
    let wideLines = 0;
    let widestLine = 0;
    const overflowing = [];
    const copyDiffers = [];
    for (const code of textBlocks) {
      const pre = code.parentElement;
      const style = getComputedStyle(code);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const column = code.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      for (const line of code.textContent.split('\n')) {
        const width = canvas.measureText(line).width;
        if (width > column + 1) wideLines += 1;
        widestLine = Math.max(widestLine, Array.from(line).length);
      }
      // The copy button copies innerText: the hanging-indent boxes must not change it.
      if (code.innerText.replace(/\n$/, '') !== code.textContent.replace(/\n$/, '')) {
        copyDiffers.push(code.textContent.split('\n')[0].slice(0, 60));
      }
      const scroll = Math.max(pre.scrollWidth - pre.clientWidth, code.scrollWidth - code.clientWidth);
      if (scroll > 1) {
        overflowing.push(`${scroll}px: ${code.textContent.split('\n').find((l) => l.length > 0).slice(0, 60)}`);
      }
    }

    // The pictures a reader sees (mdBook keeps a second, hidden copy of each for zooming).
    const pictures = [];
    for (const img of document.querySelectorAll('main img')) {
      if (img.closest('.img-wrapper')) continue;
      const picture = {
        src: img.getAttribute('src'),
        alt: img.getAttribute('alt') || '',
        loaded: img.complete && img.naturalWidth > 0,
        width: img.clientWidth,
        column: img.closest('main').clientWidth,
        filter: getComputedStyle(img).filter,
        minTextPx: null,
        smallestText: null,
        texts: 0,
      };
      if (picture.src.endsWith('.svg') && picture.loaded) {
        // Lay the SVG out at the picture's rendered width and read each text's size on screen.
        const source = await (await fetch(img.src)).text();
        const svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
        const holder = document.createElement('div');
        holder.style.cssText = `position:absolute;left:-20000px;top:0;width:${img.clientWidth}px`;
        svg.setAttribute('width', String(img.clientWidth));
        svg.removeAttribute('height');
        holder.appendChild(document.importNode(svg, true));
        document.body.appendChild(holder);
        for (const text of holder.querySelectorAll('text')) {
          if (!text.textContent.trim()) continue;
          const matrix = text.getScreenCTM();
          const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
          picture.texts += 1;
          if (picture.minTextPx === null || px < picture.minTextPx) {
            picture.minTextPx = Math.round(px * 10) / 10;
            picture.smallestText = text.textContent.trim();
          }
        }
        holder.remove();
      }
      pictures.push(picture);
    }
    return {
      theme: ['light', 'rust', 'coal', 'navy', 'ayu'].find((t) => document.documentElement.classList.contains(t)),
      textBlocks: textBlocks.length,
      wideLines,
      widestLine,
      overflowingTextBlocks: overflowing,
      copyDiffers,
      pageScrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
      pictures,
    };
  });
}

async function shot(page, name) {
  const file = join(SHOTS, name);
  await page.screenshot({ path: file });
  report.screenshots.push(file);
}

// mdBook's theme menu, as a reader uses it.
async function setTheme(page, theme) {
  await page.locator('#mdbook-theme-toggle').click();
  await page.locator(`#mdbook-theme-${theme}`).click();
  await page.waitForFunction((t) => document.documentElement.classList.contains(t), theme);
  await page.keyboard.press('Escape'); // close the menu
  await page.locator('#mdbook-theme-list').waitFor({ state: 'hidden' });
}
