import { formatDevice, sortDevices } from './devices/devices.js';
import type { DomainDef, FormatFlags } from './domain-def.js';
import { DOMAIN_SHAPE } from './domain-shape.js';
import { shapedElement } from './element-shape.js';
import { formatClock } from './sections/clock.js';
import { formatCpu } from './sections/cpu.js';
import { formatFeatures } from './sections/features.js';
import { formatMemory, formatVcpu } from './sections/memory.js';
import { formatOs } from './sections/os.js';
import { element, textElement, type XmlChild, type XmlElement } from './xml-node.js';
import { writeXml } from './xml-writer.js';

/** Builds the `<domain>` element tree for a definition. */
export function domainToElement(def: DomainDef, flags: FormatFlags = {}): XmlElement {
  const memory = formatMemory(def.memory);
  const devices = element('devices', {}, [
    textElement('emulator', def.emulator),
    ...sortDevices([...def.devices]).map((d) => formatDevice(d, flags)),
  ]);
  const domain = shapedElement(
    DOMAIN_SHAPE,
    'domain',
    { type: def.type, id: flags.inactive ? undefined : def.id, ...def.rootRest?.attrs },
    [
      textElement('name', def.name),
      textElement('uuid', def.uuid),
      textElement('title', def.title),
      textElement('description', def.description),
      def.metadata,
      memory.max,
      memory.memory,
      memory.current,
      formatVcpu(def.vcpu),
      formatOs(def.os),
      def.features && formatFeatures(def.features),
      def.cpu && formatCpu(def.cpu),
      formatClock(def.clock),
      textElement('on_poweroff', def.onPoweroff),
      textElement('on_reboot', def.onReboot),
      textElement('on_crash', def.onCrash),
      devices,
    ],
    def.rest,
  );
  // Driver namespace data (qemu:commandline, lxc:namespace, …) is written last.
  const isNamespaced = (c: XmlChild) => typeof c !== 'string' && c.name.includes(':');
  domain.children = [
    ...domain.children.filter((c) => !isNamespaced(c)),
    ...domain.children.filter(isNamespaced),
  ];
  return domain;
}

/** Formats a definition as libvirt's virDomainDefFormat does. */
export function formatDomainXml(def: DomainDef, flags: FormatFlags = {}): string {
  return writeXml(domainToElement(def, flags));
}
