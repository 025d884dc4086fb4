import type { DriverConnection } from './driver.js';

/** The optional DriverConnection methods: the capabilities a driver may have. */
export type DriverOperation = Exclude<
  keyof DriverConnection,
  'close' | 'getUri' | 'listDomains' | 'lookupDomain' | 'watchEvents'
>;

interface OperationInfo {
  /** The libvirt API it stands for: named in NO_SUPPORT and read-only errors. */
  readonly api: string;
  /** Changes something, so a read-only connection refuses it. */
  readonly write: boolean;
  /**
   * The API a client calls when it sets no option (virsh calls virDomainDestroy, not
   * virDomainDestroyFlags, without --graceful): the one errors then name.
   */
  readonly plainApi?: string;
}

export const OPERATIONS: Readonly<Record<DriverOperation, OperationInfo>> = {
  defineXml: { api: 'virDomainDefineXMLFlags', write: true, plainApi: 'virDomainDefineXML' },
  undefine: { api: 'virDomainUndefineFlags', write: true, plainApi: 'virDomainUndefine' },
  createXml: { api: 'virDomainCreateXML', write: true },
  start: { api: 'virDomainCreateWithFlags', write: true, plainApi: 'virDomainCreate' },
  shutdown: { api: 'virDomainShutdownFlags', write: true, plainApi: 'virDomainShutdown' },
  reboot: { api: 'virDomainReboot', write: true },
  reset: { api: 'virDomainReset', write: true },
  destroy: { api: 'virDomainDestroyFlags', write: true, plainApi: 'virDomainDestroy' },
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
  openConsole: { api: 'virDomainOpenConsole', write: true },
  getHostname: { api: 'virConnectGetHostname', write: false },
  getType: { api: 'virConnectGetType', write: false },
  getSecurityModel: { api: 'virNodeGetSecurityModel', write: false },
  getVersion: { api: 'virConnectGetVersion', write: false },
  getLibVersion: { api: 'virConnectGetLibVersion', write: false },
  getNodeInfo: { api: 'virNodeGetInfo', write: false },
  getCapabilities: { api: 'virConnectGetCapabilities', write: false },
  getDomainCapabilities: { api: 'virConnectGetDomainCapabilities', write: false },
  // libvirt refuses it on read-only connections: the conversion may read host files.
  domainXmlToNative: { api: 'virConnectDomainXMLToNative', write: true },
  domainXmlFromNative: { api: 'virConnectDomainXMLFromNative', write: true },
  getMaxVcpus: { api: 'virConnectGetMaxVcpus', write: false },
  setKeepAlive: { api: 'virConnectSetKeepAlive', write: false },
};

/** The libvirt API a call stands for: the plain one when its options set nothing. */
export function apiName(operation: DriverOperation, args: readonly unknown[]): string {
  const { api, plainApi } = OPERATIONS[operation];
  if (plainApi === undefined) return api;
  const options = args.at(-1);
  const setsNothing =
    typeof options !== 'object' || options === null || !Object.values(options).some((value) => value);
  return setsNothing ? plainApi : api;
}
