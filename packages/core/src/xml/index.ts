export { generateMac } from './devices/interface.js';
export { type DeviceOfKind, ofKind } from './devices/of-kind.js';
export type {
  ChardevDef,
  ChardevKind,
  ChrBackedDeviceDef,
  ChrSource,
  ClockDef,
  ControllerDef,
  CpuDef,
  CpuFeature,
  CpuTopology,
  DeviceAddress,
  DeviceDef,
  DeviceInfo,
  DiskDef,
  DiskDriver,
  DiskSource,
  DomainDef,
  DomainXmlFlags,
  FeaturesDef,
  FilesystemDef,
  FormatFlags,
  GenericDeviceDef,
  GraphicsDef,
  GraphicsListen,
  InputDef,
  InterfaceDef,
  LifecycleAction,
  MemoryDef,
  OsDef,
  ParseFlags,
  VcpuDef,
  VideoDef,
  VirtType,
} from './domain-def.js';
export { LIFECYCLE_ACTIONS } from './domain-def.js';
export { domainToElement, formatDomainXml } from './format-domain.js';
export { parseMac } from './mac.js';
export { parseDomainXml, VIRT_TYPES } from './parse-domain.js';
export { formatCpuSet, parseCpuSet } from './sections/cpu-set.js';
export { hasFeature } from './sections/features.js';
export { scaleInteger, toKiB } from './units.js';
export { generateUuid, parseUuid } from './uuid.js';
export {
  childElement,
  childElements,
  element,
  textContent,
  type XmlChild,
  type XmlElement,
  type XmlParent,
  type XmlRest,
} from './xml-node.js';
export { decodeEntities, readXml } from './xml-reader.js';
export { escapeXml, writeXml } from './xml-writer.js';
