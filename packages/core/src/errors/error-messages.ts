import type { ErrorCode } from './error-codes.js';

interface ErrorMessageTexts {
  bare: string;
  withDetail: string;
}

/** Most of libvirt's texts append the detail after a colon. */
function colon(bare: string): ErrorMessageTexts {
  return { bare, withDetail: `${bare}: %s` };
}

/** The rest put it elsewhere (or show the detail alone), so both texts are spelled out. */
function texts(bare: string, withDetail: string): ErrorMessageTexts {
  return { bare, withDetail };
}

/**
 * libvirt 9.x's virErrorMsgStrings (src/util/virerror.c), one entry per code
 * except OK, which has no text. `satisfies` makes a missing code a type error.
 */
const MESSAGES = {
  INTERNAL_ERROR: colon('internal error'),
  NO_MEMORY: colon('out of memory'),
  NO_SUPPORT: colon('this function is not supported by the connection driver'),
  UNKNOWN_HOST: texts('unknown host', 'unknown host %s'),
  NO_CONNECT: texts('no connection driver available', 'no connection driver available for %s'),
  INVALID_CONN: texts('invalid connection pointer in', 'invalid connection pointer in %s'),
  INVALID_DOMAIN: texts('invalid domain pointer in', 'invalid domain pointer in %s'),
  INVALID_ARG: colon('invalid argument'),
  OPERATION_FAILED: colon('operation failed'),
  GET_FAILED: colon('GET operation failed'),
  POST_FAILED: colon('POST operation failed'),
  HTTP_ERROR: texts('got unknown HTTP error code', 'got unknown HTTP error code %s'),
  SEXPR_SERIAL: colon('failed to serialize S-Expr'),
  NO_XEN: texts('could not use Xen hypervisor entry', 'could not use Xen hypervisor entry %s'),
  XEN_CALL: texts('failed Xen syscall', 'failed Xen syscall %s'),
  OS_TYPE: texts('unknown OS type', 'unknown OS type %s'),
  NO_KERNEL: colon('missing kernel information'),
  NO_ROOT: texts('missing root device information', 'missing root device information in %s'),
  NO_SOURCE: texts('missing source information for device', 'missing source information for device %s'),
  NO_TARGET: texts('missing target information for device', 'missing target information for device %s'),
  NO_NAME: texts('missing name information', 'missing name information in %s'),
  NO_OS: texts('missing operating system information', 'missing operating system information for %s'),
  NO_DEVICE: texts('missing devices information', 'missing devices information for %s'),
  NO_XENSTORE: texts('could not connect to Xen Store', 'could not connect to Xen Store %s'),
  DRIVER_FULL: texts('too many drivers registered', 'too many drivers registered in %s'),
  CALL_FAILED: colon('library call failed'),
  XML_ERROR: texts('XML description is invalid or not well formed', 'XML error: %s'),
  DOM_EXIST: texts('this domain exists already', 'domain %s exists already'),
  OPERATION_DENIED: texts('operation forbidden for read only access', 'operation forbidden: %s'),
  OPEN_FAILED: texts('failed to open configuration file', 'failed to open configuration file %s'),
  READ_FAILED: texts('failed to read configuration file', 'failed to read configuration file %s'),
  PARSE_FAILED: texts('failed to parse configuration file', 'failed to parse configuration file %s'),
  CONF_SYNTAX: colon('configuration file syntax error'),
  WRITE_FAILED: colon('failed to write configuration file'),
  XML_DETAIL: texts('parser error', '%s'),
  INVALID_NETWORK: texts('invalid network pointer in', 'invalid network pointer in %s'),
  NETWORK_EXIST: texts('this network exists already', 'network %s exists already'),
  SYSTEM_ERROR: texts('system call error', '%s'),
  RPC: texts('RPC error', '%s'),
  GNUTLS_ERROR: texts('GNUTLS call error', '%s'),
  WAR_NO_NETWORK: colon('Failed to find the network'),
  NO_DOMAIN: colon('Domain not found'),
  NO_NETWORK: colon('Network not found'),
  INVALID_MAC: colon('invalid MAC address'),
  AUTH_FAILED: colon('authentication failed'),
  INVALID_STORAGE_POOL: texts('invalid storage pool pointer in', 'invalid storage pool pointer in %s'),
  INVALID_STORAGE_VOL: texts('invalid storage volume pointer in', 'invalid storage volume pointer in %s'),
  WAR_NO_STORAGE: colon('Failed to find a storage driver'),
  NO_STORAGE_POOL: colon('Storage pool not found'),
  NO_STORAGE_VOL: colon('Storage volume not found'),
  WAR_NO_NODE: colon('Failed to find a node driver'),
  INVALID_NODE_DEVICE: texts('invalid node device pointer', 'invalid node device pointer in %s'),
  NO_NODE_DEVICE: colon('Node device not found'),
  NO_SECURITY_MODEL: colon('Security model not found'),
  OPERATION_INVALID: colon('Requested operation is not valid'),
  WAR_NO_INTERFACE: colon('Failed to find the interface'),
  NO_INTERFACE: colon('Interface not found'),
  INVALID_INTERFACE: texts('invalid interface pointer in', 'invalid interface pointer in %s'),
  MULTIPLE_INTERFACES: colon('multiple matching interfaces found'),
  WAR_NO_NWFILTER: colon('Failed to start the nwfilter driver'),
  INVALID_NWFILTER: colon('Invalid network filter'),
  NO_NWFILTER: colon('Network filter not found'),
  BUILD_FIREWALL: colon('Error while building firewall'),
  WAR_NO_SECRET: colon('Failed to find a secret storage driver'),
  INVALID_SECRET: colon('Invalid secret'),
  NO_SECRET: colon('Secret not found'),
  CONFIG_UNSUPPORTED: colon('unsupported configuration'),
  OPERATION_TIMEOUT: colon('Timed out during operation'),
  MIGRATE_PERSIST_FAILED: colon('Failed to make domain persistent after migration'),
  HOOK_SCRIPT_FAILED: colon('Hook script execution failed'),
  INVALID_DOMAIN_SNAPSHOT: colon('Invalid domain snapshot'),
  NO_DOMAIN_SNAPSHOT: colon('Domain snapshot not found'),
  INVALID_STREAM: texts('invalid stream pointer', 'invalid stream pointer in %s'),
  ARGUMENT_UNSUPPORTED: colon('argument unsupported'),
  STORAGE_PROBE_FAILED: colon('Storage pool probe failed'),
  STORAGE_POOL_BUILT: colon('Storage pool already built'),
  SNAPSHOT_REVERT_RISKY: colon('revert requires force'),
  OPERATION_ABORTED: colon('operation aborted'),
  AUTH_CANCELLED: colon('authentication cancelled'),
  NO_DOMAIN_METADATA: colon('metadata not found'),
  MIGRATE_UNSAFE: colon('Unsafe migration'),
  OVERFLOW: colon('numerical overflow'),
  BLOCK_COPY_ACTIVE: colon('block copy still active'),
  OPERATION_UNSUPPORTED: colon('Operation not supported'),
  SSH: colon('SSH transport error'),
  AGENT_UNRESPONSIVE: colon('Guest agent is not responding'),
  RESOURCE_BUSY: colon('resource busy'),
  ACCESS_DENIED: colon('access denied'),
  DBUS_SERVICE: colon('error from service'),
  STORAGE_VOL_EXIST: texts('this storage volume exists already', 'storage volume %s exists already'),
  CPU_INCOMPATIBLE: colon('the CPU is incompatible with host CPU'),
  XML_INVALID_SCHEMA: colon('XML document failed to validate against schema'),
  MIGRATE_FINISH_OK: colon('migration successfully aborted'),
  AUTH_UNAVAILABLE: colon('authentication unavailable'),
  NO_SERVER: colon('Server not found'),
  NO_CLIENT: colon('Client not found'),
  AGENT_UNSYNCED: colon('guest agent replied with wrong id to guest-sync command'),
  LIBSSH: colon('libssh transport error'),
  DEVICE_MISSING: colon('device not found'),
  INVALID_NWFILTER_BINDING: colon('Invalid network filter binding'),
  NO_NWFILTER_BINDING: colon('Network filter binding not found'),
  INVALID_DOMAIN_CHECKPOINT: colon('Invalid domain checkpoint'),
  NO_DOMAIN_CHECKPOINT: colon('Domain checkpoint not found'),
  NO_DOMAIN_BACKUP: colon('Domain backup job id not found'),
  INVALID_NETWORK_PORT: colon('Invalid network port pointer'),
  NETWORK_PORT_EXIST: texts('this network port exists already', 'network port %s exists already'),
  NO_NETWORK_PORT: colon('network port not found'),
  NO_HOSTNAME: colon('no hostname found'),
  CHECKPOINT_INCONSISTENT: colon('checkpoint inconsistent'),
  MULTIPLE_DOMAINS: colon('multiple matching domains found'),
  NO_NETWORK_METADATA: colon('metadata not found'),
} satisfies Record<Exclude<ErrorCode, 'OK'>, ErrorMessageTexts>;

/**
 * The text libvirt gives for each code: `bare` when the caller supplies no
 * detail, `withDetail` with `%s` standing for the detail. OK has none.
 */
export const ERROR_MESSAGES: Partial<Record<ErrorCode, ErrorMessageTexts>> = MESSAGES;
