#!/usr/bin/env node
// Dependency audit for CI: `npm audit --omit=dev` at high severity, minus the documented
// exceptions in audit-exceptions.json. When the registry's audit endpoint cannot be reached
// (an offline mirror answers 405 or 404, or there is no network), the step says so plainly and
// does not fail the build: an unreachable audit is not a vulnerability.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LEVELS = ['info', 'low', 'moderate', 'high', 'critical'];
const threshold = LEVELS.indexOf('high');
const exceptionsFile = fileURLToPath(new URL('./audit-exceptions.json', import.meta.url));
const { exceptions = [] } = JSON.parse(readFileSync(exceptionsFile, 'utf8'));
const today = new Date().toISOString().slice(0, 10);

let out;
try {
  out = execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
} catch (err) {
  out = err.stdout ?? '';
}
let report;
try {
  report = JSON.parse(out);
} catch {
  report = {};
}
if (!report.vulnerabilities) {
  const why = report.message ?? report.error?.summary ?? 'no answer';
  console.log(`dependency audit: SKIPPED, the registry's audit endpoint is unreachable (${why}); run \`npm audit --omit=dev\` where it is`);
  process.exit(0);
}

const findings = [];
for (const [name, v] of Object.entries(report.vulnerabilities)) {
  for (const via of v.via) {
    if (typeof via === 'string') continue; // reached through another vulnerable package, reported there
    if (LEVELS.indexOf(via.severity) < threshold) continue;
    const id = String(via.url ?? via.source);
    const exception = exceptions.find((e) => id.includes(e.advisory) && (!e.expires || e.expires >= today));
    findings.push({ name, severity: via.severity, title: via.title, id, exception });
  }
}
for (const f of findings) {
  console.log(`${f.exception ? 'excepted' : 'FAILING '} ${f.severity} ${f.name}: ${f.title} (${f.id})${f.exception ? ` because ${f.exception.reason}` : ''}`);
}
const failing = findings.filter((f) => !f.exception);
console.log(`dependency audit: ${failing.length} high or critical advisories in production dependencies, ${findings.length - failing.length} excepted`);
process.exit(failing.length > 0 ? 1 : 0);
