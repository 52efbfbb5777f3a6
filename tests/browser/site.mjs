// Opens a generated docs site from file:// in headless Chromium, as a
// reader would: the index, an entity page, the data inventory and the
// anomalies load with no console error or failed request, the diagrams
// are drawn, the search finds a column, and a link between entities leads
// to the other entity. Screenshots of the pages go to the directory given.
//
//     node site.mjs SITE_DIR SCREENSHOT_DIR COLUMN
//
// puppeteer-core (no browser download of its own) is installed by .ci/run
// into SCHEMAC_MERMAID_DIR; the browser is the system's Chromium
// (SCHEMAC_CHROMIUM, else /usr/bin/chromium).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.SCHEMAC_MERMAID_DIR;
const require = createRequire(join(dir, 'package.json'));
const { default: puppeteer } = await import(pathToFileURL(require.resolve('puppeteer-core')).href);

const [site, shots, column] = process.argv.slice(2);
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };

const browser = await puppeteer.launch({
  executablePath: process.env.SCHEMAC_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`${page.url()}: cannot load ${r.url()}`));
  const open = async (file) => {
    const response = await page.goto(pathToFileURL(join(site, file)).href, { waitUntil: 'load' });
    check(response === null || response.ok(), `${file}: did not load`);
  };
  // A diagram is drawn when its SVG has boxes of a real size on screen.
  const diagrams = () => page.$$eval('.diagram svg', (svgs) => svgs
    .filter((s) => s.closest('details') === null || s.closest('details').open)
    .map((s) => {
      const r = s.getBoundingClientRect();
      return { w: r.width, h: r.height, boxes: s.querySelectorAll('.entity').length };
    }));

  await open('index.html');
  const drawn = await diagrams();
  check(drawn.length > 0 && drawn.every((d) => d.w > 100 && d.h > 100 && d.boxes > 0),
    `index.html: the diagram is not drawn: ${JSON.stringify(drawn)}`);
  await page.screenshot({ path: join(shots, 'index.png'), fullPage: true });

  // The search lists the column, and its result leads to the column's row.
  await page.type('#search', column);
  const results = await page.$$eval('#results a', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  const hit = results.find((r) => r.text.endsWith(`.${column}`));
  check(hit !== undefined, `search for ${column} found no column: ${JSON.stringify(results.slice(0, 10))}`);
  await page.screenshot({ path: join(shots, 'search.png') });
  if (hit) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`#results a[href="${hit.href}"]`)]);
    const anchor = hit.href.split('#')[1];
    check(await page.$(`[id="${anchor}"]`) !== null, `${page.url()}: no row #${anchor}`);
    const entityDiagrams = await diagrams();
    check(entityDiagrams.length > 0 && entityDiagrams.every((d) => d.boxes > 0),
      `${page.url()}: the neighbourhood is not drawn`);
    await page.screenshot({ path: join(shots, 'entity.png'), fullPage: true });

    // A link to another entity, in the page's text, opens that entity.
    const here = page.url().split('/').pop().split('#')[0];
    const next = await page.evaluate((here) => {
      const a = [...document.querySelectorAll('main a[href$=".html"]')].find((a) => a.closest('svg') === null
        && !a.getAttribute('href').includes('/') && a.getAttribute('href') !== here && a.textContent.trim() !== '');
      if (!a) return undefined;
      a.setAttribute('data-next', '');
      return { href: a.getAttribute('href'), text: a.textContent.trim() };
    }, here);
    check(next !== undefined, `${page.url()}: no link to another entity`);
    if (next) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[data-next]')]);
      check(page.url().endsWith(`/entities/${next.href}`), `link ${next.href} led to ${page.url()}`);
      const h1 = await page.$eval('h1', (h) => h.textContent);
      check(h1.includes(next.text), `${page.url()}: heading "${h1}" is not "${next.text}"`);
    }
  }

  await open('inventory.html');
  check(await page.$('main table') !== null, 'inventory.html: no table');
  await page.screenshot({ path: join(shots, 'inventory.png'), fullPage: true });

  await open('anomalies.html');
  check(await page.$('main h1') !== null, 'anomalies.html: no heading');
  await page.screenshot({ path: join(shots, 'anomalies.png'), fullPage: true });
} finally {
  await browser.close();
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
