// The measuring half of scripts/bench/console.sh (run by it, with Playwright's own node).
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_PACKAGE);
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const url = process.env.BENCH_URL;
const token = process.env.BENCH_TOKEN;
const rounds = Number(process.env.BENCH_ROUNDS || 5);
const cli = process.env.BENCH_CLI;
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const api = async (method, route, body) => {
  const response = await fetch(url + route, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.json();
};

// A fresh profile each time: nothing cached, as on a responder's first visit.
async function withBrowser(work) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'leopass-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args, viewport: { width: 1280, height: 800 } });
  try { return await work(context); } finally { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); }
}

async function firstLoad() {
  return withBrowser(async context => {
    const page = context.pages()[0] || await context.newPage();
    let transferred = 0;
    const sizes = [];
    let designer = 0;
    page.on('requestfinished', request => sizes.push(request.sizes().then(s => {
      transferred += s.responseBodySize;
      if (request.url().includes('LeoPass.Recovery.Console.Designer')) designer += s.responseBodySize;
    })));
    const start = Date.now();
    await page.goto(url + '/');
    await page.waitForSelector('#token', { state: 'visible' });
    const signInReady = Date.now() - start;
    await page.fill('#token', token);
    const submitted = Date.now();
    await page.click('button[type=submit]');
    await page.waitForSelector('section.badge[data-rpo-level]');
    const dashboard = Date.now() - submitted;
    await Promise.all(sizes);
    const designerOnFirstLoad = designer;
    // The designer: the list (its code is downloaded now, once), then a definition of sixty steps.
    await page.click('nav[aria-label=Main] >> text=Workflows');
    await page.waitForSelector('table.workflows tr[data-workflow=bench-sixty] a');
    const clicked = Date.now();
    await page.click('table.workflows tr[data-workflow=bench-sixty] a');
    await page.waitForFunction(() => document.querySelectorAll('section.canvas [role=option]').length === 60);
    const sixty = Date.now() - clicked;
    return { signInReady, dashboard, transferred, designerOnFirstLoad, sixty };
  });
}

async function updateLatency() {
  return withBrowser(async context => {
    const started = await api('POST', '/api/runs', { definition: 'bench-gated' });
    const id = started.run.id;
    for (let i = 0; i < 200; i++) {
      if ((await api('GET', `/api/runs/${id}`)).run.state === 'WaitingForApproval') break;
      await new Promise(r => setTimeout(r, 50));
    }
    const page = context.pages()[0] || await context.newPage();
    await page.goto(`${url}/runs/${id}`);
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('.run-header .state-chip[data-state=WaitingForApproval]');
    await page.waitForSelector('.live-live');
    // The page notes, on its own clock, when the state it shows changes.
    await page.evaluate(() => new Promise(resolve => {
      const chip = () => document.querySelector('.run-header .state-chip');
      new MutationObserver(() => {
        if (!window.changedAt && chip() && chip().dataset.state !== 'WaitingForApproval') window.changedAt = Date.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      resolve();
    }));
    // Another process changes the run, as another node would: the server learns of it from the database.
    execFileSync(cli, ['run', 'approve', String(id), '--step', 'gated', '--note', 'bench'], { stdio: 'ignore' });
    await page.waitForFunction(() => window.changedAt !== undefined, null, { timeout: 30000 });
    const shownAt = await page.evaluate(() => window.changedAt);
    const details = await api('GET', `/api/runs/${id}`);
    const approval = details.audit.find(a => a.action === 'gate.approve');
    return shownAt - Date.parse(approval.at);
  });
}

function brotliBytesOfAllFiles(root) {
  let total = 0;
  const walk = dir => fs.readdirSync(dir, { withFileTypes: true }).forEach(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p); else if (p.endsWith('.br') && !p.endsWith('.map.br') && !p.endsWith('.pdb.br')) total += fs.statSync(p).size;
  });
  walk(root);
  return total;
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const row = (name, xs, unit, aim) => console.log(`| ${name} | ${median(xs).toFixed(0)} ${unit} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ${unit} | ${aim} |`);

(async () => {
  const loads = [];
  const latencies = [];
  for (let i = 0; i < rounds; i++) {
    loads.push(await firstLoad());
    latencies.push(await updateLatency());
    process.stderr.write(`round ${i + 1}/${rounds}: sign-in form ${loads[i].signInReady} ms, dashboard ${loads[i].dashboard} ms, sixty steps ${loads[i].sixty} ms, update ${latencies[i]} ms\n`);
  }
  console.log(`\nConsole benchmark, ${rounds} rounds, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end\n`);
  console.log('| measure | median | range | aim |');
  console.log('| --- | --- | --- | --- |');
  row('first load, cold: / until the sign-in form is usable', loads.map(l => l.signInReady), 'ms', '< 2 s');
  row('sign-in until the dashboard shows', loads.map(l => l.dashboard), 'ms', '');
  row('run changed by another process until the page shows it', latencies, 'ms', '< 1 s');
  row('designer: a definition of 60 steps, click until drawn', loads.map(l => l.sixty), 'ms', '< 1 s');
  row('first load, bytes transferred (brotli)', loads.map(l => l.transferred / 1024), 'KiB', '');
  row('first load, of which the designer (lazy-loaded)', loads.map(l => l.designerOnFirstLoad / 1024), 'KiB', '0');
  console.log(`| all of the app's files, brotli (maps and symbols excluded) | ${(brotliBytesOfAllFiles(process.env.BENCH_WWWROOT) / 1024).toFixed(0)} KiB | | |`);
})().catch(e => { console.error(e); process.exit(1); });
