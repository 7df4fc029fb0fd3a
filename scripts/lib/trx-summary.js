// Prints the failed tests (name and the first lines of their message), then one closing line,
// "N passed, N failed, N skipped", summed over every TRX file. The failures come last on purpose:
// a CI log is often read from its tail.
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const failures = [];
const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&#xD;/g, "").replace(/&#xA;/g, "\n").replace(/&amp;/g, "&");
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith(".trx")) continue;
  const xml = fs.readFileSync(path.join(dir, f), "utf8");
  const m = xml.match(/<Counters [^>]*>/);
  if (!m) continue;
  const n = (k) => Number((m[0].match(new RegExp(` ${k}="(\\d+)"`)) || [0, 0])[1]);
  passed += n("passed"); failed += n("failed") + n("error") + n("timeout") + n("aborted");
  skipped += n("notExecuted");
  for (const r of xml.matchAll(/<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="(Failed|Error|Timeout|Aborted)"[^>]*>([\s\S]*?)<\/UnitTestResult>/g)) {
    const message = (r[3].match(/<Message>([\s\S]*?)<\/Message>/) || [, ""])[1];
    const lines = unescape(message).split("\n").filter((l) => l.trim()).slice(0, 40);
    failures.push(`FAILED ${unescape(r[1])}\n  ${lines.join("\n  ")}`);
  }
}
for (const f of failures) console.log(f);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
