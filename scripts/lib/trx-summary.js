// Prints one closing line, "N passed, N failed, N skipped", summed over every TRX file.
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith(".trx")) continue;
  const xml = fs.readFileSync(path.join(dir, f), "utf8");
  const m = xml.match(/<Counters [^>]*>/);
  if (!m) continue;
  const n = (k) => Number((m[0].match(new RegExp(` ${k}="(\\d+)"`)) || [0, 0])[1]);
  passed += n("passed"); failed += n("failed") + n("error") + n("timeout") + n("aborted");
  skipped += n("notExecuted");
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
