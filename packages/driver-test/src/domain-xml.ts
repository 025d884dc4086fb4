import { type DomainDef, formatDomainXml, ofKind, parseDomainXml, type XmlDescOptions } from '@virtkit/core';

/** The `test:` namespace (runstate, transient, …) is read by the node loader and never formatted back. */
const TEST_NAMESPACE_PREFIX = 'test:';

/**
 * Parses domain XML as libvirt's test driver does: inactive, i686 by default, test namespace
 * dropped, and each interface without a target named testnetN (testDomainGenerateIfnames).
 */
export function parseTestDomain(xml: string): DomainDef {
  const def = parseDomainXml(xml, { inactive: true, defaultArch: 'i686' });
  if (def.rest) {
    def.rest.children = def.rest.children.filter((c) => !c.name.startsWith(TEST_NAMESPACE_PREFIX));
  }
  if (def.rootRest) delete def.rootRest.attrs['xmlns:test'];
  const nets = ofKind(def.devices, 'interface');
  const taken = new Set(nets.map((net) => net.targetDev));
  let next = 0;
  for (const net of nets) {
    if (net.targetDev !== undefined) continue;
    while (taken.has(`testnet${next}`)) next++;
    net.targetDev = `testnet${next}`;
    taken.add(net.targetDev);
  }
  return def;
}

/** virDomainGetXMLDesc: `id` only while the domain runs. */
export function formatTestDomain(def: DomainDef, id: number, options: XmlDescOptions): string {
  const live = !options.inactive && id >= 0;
  return formatDomainXml({ ...def, id: live ? id : undefined }, options);
}
