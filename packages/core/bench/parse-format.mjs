// Parse + format throughput over every corpus domain XML input. Run after `tsc` (imports dist/).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDomainXml, parseDomainXml } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../..', '../shared/libvirt-testdata');
const DIRS = [
  'generic-xml2xml/genericxml2xmlindata',
  'qemu-xml2argv/qemuxml2argvdata',
  'lxc/lxcxml2xmldata',
  'xen-xl/xlconfigdata',
];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function tryRoundTrip(xml) {
  try {
    formatDomainXml(parseDomainXml(xml), { secure: true });
    return true;
  } catch {
    return false;
  }
}

const inputs = DIRS.flatMap((dir) =>
  readdirSync(path.join(corpus, dir))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(path.join(corpus, dir, f), 'utf8')),
).filter(tryRoundTrip);
const bytes = inputs.reduce((sum, xml) => sum + Buffer.byteLength(xml), 0);

// Warm up the JIT before measuring.
for (const xml of inputs) tryRoundTrip(xml);

let domains = 0;
let processed = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(SECONDS * 1e9);
while (process.hrtime.bigint() < deadline) {
  for (const xml of inputs) formatDomainXml(parseDomainXml(xml), { secure: true });
  domains += inputs.length;
  processed += bytes;
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`parse+format: ${inputs.length} corpus domains, ${(bytes / 1024).toFixed(0)} KiB per pass`);
console.log(
  `${(domains / elapsed).toFixed(0)} domains/s, ${(processed / elapsed / 1e6).toFixed(2)} MB/s over ${elapsed.toFixed(1)} s`,
);
