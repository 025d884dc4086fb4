import type { DriverConnection } from './driver.js';

/** The optional DriverConnection methods: the capabilities a driver may have. */
export type DriverOperation = Exclude<
  keyof DriverConnection,
  'close' | 'getUri' | 'listDomains' | 'lookupDomain'
>;

interface OperationInfo {
  /** The libvirt API it stands for: named in NO_SUPPORT and read-only errors. */
  readonly api: string;
  /** Changes something, so a read-only connection refuses it. */
  readonly write: boolean;
}

export const OPERATIONS: Readonly<Record<DriverOperation, OperationInfo>> = {
  defineXml: { api: 'virDomainDefineXMLFlags', write: true },
  undefine: { api: 'virDomainUndefineFlags', write: true },
  createXml: { api: 'virDomainCreateXML', write: true },
  start: { api: 'virDomainCreateWithFlags', write: true },
  shutdown: { api: 'virDomainShutdownFlags', write: true },
  reboot: { api: 'virDomainReboot', write: true },
  reset: { api: 'virDomainReset', write: true },
  destroy: { api: 'virDomainDestroyFlags', write: true },
  suspend: { api: 'virDomainSuspend', write: true },
  resume: { api: 'virDomainResume', write: true },
  getState: { api: 'virDomainGetState', write: false },
  getInfo: { api: 'virDomainGetInfo', write: false },
  getXmlDesc: { api: 'virDomainGetXMLDesc', write: false },
  getAutostart: { api: 'virDomainGetAutostart', write: false },
  setAutostart: { api: 'virDomainSetAutostart', write: true },
  isPersistent: { api: 'virDomainIsPersistent', write: false },
  hasManagedSave: { api: 'virDomainHasManagedSaveImage', write: false },
  getDomainHostname: { api: 'virDomainGetHostname', write: false },
  getOsType: { api: 'virDomainGetOSType', write: false },
  getVcpusFlags: { api: 'virDomainGetVcpusFlags', write: false },
  getSecurityLabel: { api: 'virDomainGetSecurityLabel', write: false },
  getHostname: { api: 'virConnectGetHostname', write: false },
  getType: { api: 'virConnectGetType', write: false },
  getSecurityModel: { api: 'virNodeGetSecurityModel', write: false },
  getVersion: { api: 'virConnectGetVersion', write: false },
  getLibVersion: { api: 'virConnectGetLibVersion', write: false },
  getNodeInfo: { api: 'virNodeGetInfo', write: false },
  getCapabilities: { api: 'virConnectGetCapabilities', write: false },
  getMaxVcpus: { api: 'virConnectGetMaxVcpus', write: false },
};
