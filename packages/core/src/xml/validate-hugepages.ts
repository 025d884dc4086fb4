import type { DomainDef } from './domain-def.js';
import { overlaps, parseCpuSet } from './sections/cpu-set.js';
import { xmlDetail } from './xml-errors.js';
import { childElement, childElements } from './xml-node.js';

/**
 * virDomainDefMemtuneValidate: hugepage sizes may not claim the same NUMA node twice, at most one
 * size applies to all nodes, and only existing nodes can be named. Sizes are already in KiB.
 */
export function validateHugepages(def: DomainDef): void {
  const backing = def.rest?.children.find((c) => c.name === 'memoryBacking');
  const hugepages = childElement(backing, 'hugepages');
  if (!hugepages) return;
  const numa = def.cpu?.rest?.children.find((c) => c.name === 'numa');
  const nodeCount = childElements(numa, 'cell').length;
  const pages = childElements(hugepages, 'page').map((p) => ({
    size: p.attrs.size ?? '0',
    nodes: p.attrs.nodeset === undefined ? undefined : parseCpuSet(p.attrs.nodeset, 'nodeset'),
  }));
  pages.forEach((page, i) => {
    for (const earlier of pages.slice(0, i)) {
      if (page.nodes && earlier.nodes && overlaps(page.nodes, earlier.nodes)) {
        throw xmlDetail(`nodeset attribute of hugepages of sizes ${page.size} and ${earlier.size} intersect`);
      }
      if (!page.nodes && !earlier.nodes) {
        throw xmlDetail(`two master hugepages detected: ${page.size} and ${earlier.size}`);
      }
    }
    const missing = [...(page.nodes ?? [])].filter((n) => n >= nodeCount).sort((a, b) => a - b)[0];
    if (missing !== undefined) throw xmlDetail(`hugepages: node ${missing} not found`);
  });
}
