// Where a test run's time went, from its TRX files: each test project's wall-clock span (first
// test start to last test end, so overlapping projects show as overlapping spans) and the test
// classes that took longest, with their summed test time and their own wall-clock span (a class
// whose span is shorter than its sum ran its tests in parallel with each other's collections).
// Usage: node trx-timing.js <results-dir> [number of classes to print, default 15]
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
const top = Number(process.argv[3] || 15);
const seconds = (d) => { const [h, m, s] = d.split(":").map(Number); return h * 3600 + m * 60 + s; };
const clock = (ms) => new Date(ms).toISOString().slice(11, 19);
const projects = [], classes = new Map();
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith(".trx")) continue;
  const xml = fs.readFileSync(path.join(dir, f), "utf8");
  const storage = (xml.match(/<UnitTest [^>]*storage="([^"]*)"/) || [, f])[1];
  const project = path.basename(storage).replace(/\.dll$/i, "");
  let first = Infinity, last = 0, count = 0;
  for (const r of xml.matchAll(/<UnitTestResult [^>]*>/g)) {
    const attr = (k) => (r[0].match(new RegExp(` ${k}="([^"]*)"`)) || [, ""])[1];
    const start = Date.parse(attr("startTime")), end = Date.parse(attr("endTime"));
    if (!attr("duration")) continue;
    const name = attr("testName").replace(/\(.*$/s, "");
    const cls = name.slice(0, name.lastIndexOf("."));
    const c = classes.get(cls) || { sum: 0, first: Infinity, last: 0, count: 0, project };
    c.sum += seconds(attr("duration")); c.count++;
    c.first = Math.min(c.first, start); c.last = Math.max(c.last, end);
    classes.set(cls, c);
    first = Math.min(first, start); last = Math.max(last, end); count++;
  }
  if (count) projects.push({ project, first, last, count });
}
projects.sort((a, b) => a.first - b.first);
console.log("project                                  tests    from      to   wall s");
for (const p of projects) {
  console.log(`${p.project.padEnd(40)} ${String(p.count).padStart(5)} ${clock(p.first)} ${clock(p.last)} ${((p.last - p.first) / 1000).toFixed(0).padStart(7)}`);
}
console.log(`\nslowest ${top} test classes                                              tests  sum s  wall s`);
for (const [name, c] of [...classes].sort((a, b) => b[1].sum - a[1].sum).slice(0, top)) {
  const shortName = name.replace(/^LeoPass\.Recovery\./, "");
  console.log(`${shortName.padEnd(70)} ${String(c.count).padStart(5)} ${c.sum.toFixed(0).padStart(6)} ${((c.last - c.first) / 1000).toFixed(0).padStart(7)}`);
}
