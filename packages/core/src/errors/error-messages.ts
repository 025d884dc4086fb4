import type { ErrorCode } from './error-codes.js';

/**
 * The text libvirt gives for each code (virErrorMsgStrings): `bare` when the
 * caller supplies no detail, `withDetail` with `%s` standing for the detail.
 * Codes not listed fall back to libvirt's generic text.
 */
export const ERROR_MESSAGES: Partial<Record<ErrorCode, { bare: string; withDetail: string }>> = {
  INTERNAL_ERROR: { bare: 'internal error', withDetail: 'internal error: %s' },
  NO_MEMORY: { bare: 'out of memory', withDetail: 'out of memory: %s' },
  NO_SUPPORT: {
    bare: 'this function is not supported by the connection driver',
    withDetail: 'this function is not supported by the connection driver: %s',
  },
  NO_CONNECT: { bare: 'no connection driver available', withDetail: 'no connection driver available for %s' },
  INVALID_CONN: { bare: 'invalid connection pointer in', withDetail: 'invalid connection pointer in %s' },
  INVALID_DOMAIN: { bare: 'invalid domain pointer in', withDetail: 'invalid domain pointer in %s' },
  INVALID_ARG: { bare: 'invalid argument', withDetail: 'invalid argument: %s' },
  OPERATION_FAILED: { bare: 'operation failed', withDetail: 'operation failed: %s' },
  OS_TYPE: { bare: 'unknown OS type', withDetail: 'unknown OS type %s' },
  NO_NAME: { bare: 'missing name information', withDetail: 'missing name information in %s' },
  NO_OS: { bare: 'missing operating system information', withDetail: 'missing operating system information for %s' },
  NO_DEVICE: { bare: 'missing devices information', withDetail: 'missing devices information for %s' },
  XML_ERROR: { bare: 'XML description is invalid or not well formed', withDetail: 'XML error: %s' },
  DOM_EXIST: { bare: 'this domain exists already', withDetail: 'domain %s exists already' },
  OPERATION_DENIED: {
    bare: 'operation forbidden for read only access',
    withDetail: 'operation forbidden: %s',
  },
  OPEN_FAILED: { bare: 'failed to open configuration file', withDetail: 'failed to open configuration file %s' },
  READ_FAILED: { bare: 'failed to read configuration file', withDetail: 'failed to read configuration file %s' },
  PARSE_FAILED: { bare: 'failed to parse configuration file', withDetail: 'failed to parse configuration file %s' },
  CONF_SYNTAX: { bare: 'configuration file syntax error', withDetail: 'configuration file syntax error: %s' },
  WRITE_FAILED: { bare: 'failed to write configuration file', withDetail: 'failed to write configuration file: %s' },
  XML_DETAIL: { bare: 'parser error', withDetail: '%s' },
  SYSTEM_ERROR: { bare: 'system call error', withDetail: '%s' },
  RPC: { bare: 'RPC error', withDetail: 'RPC error: %s' },
  NO_DOMAIN: { bare: 'Domain not found', withDetail: 'Domain not found: %s' },
  INVALID_MAC: { bare: 'invalid MAC address', withDetail: 'invalid MAC address: %s' },
  AUTH_FAILED: { bare: 'authentication failed', withDetail: 'authentication failed: %s' },
  OPERATION_INVALID: {
    bare: 'Requested operation is not valid',
    withDetail: 'Requested operation is not valid: %s',
  },
  CONFIG_UNSUPPORTED: { bare: 'unsupported configuration', withDetail: 'unsupported configuration: %s' },
  OPERATION_TIMEOUT: { bare: 'Timed out during operation', withDetail: 'Timed out during operation: %s' },
  HOOK_SCRIPT_FAILED: { bare: 'Hook script execution failed', withDetail: 'Hook script execution failed: %s' },
  ARGUMENT_UNSUPPORTED: { bare: 'argument unsupported', withDetail: 'argument unsupported: %s' },
  OPERATION_ABORTED: { bare: 'operation aborted', withDetail: 'operation aborted: %s' },
  AUTH_CANCELLED: { bare: 'authentication cancelled', withDetail: 'authentication cancelled: %s' },
  OVERFLOW: { bare: 'numerical overflow', withDetail: 'numerical overflow: %s' },
  OPERATION_UNSUPPORTED: { bare: 'Operation not supported', withDetail: 'Operation not supported: %s' },
  AGENT_UNRESPONSIVE: { bare: 'Guest agent is not responding', withDetail: 'Guest agent is not responding: %s' },
  RESOURCE_BUSY: { bare: 'resource busy', withDetail: 'resource busy: %s' },
  ACCESS_DENIED: { bare: 'access denied', withDetail: 'access denied: %s' },
  XML_INVALID_SCHEMA: {
    bare: 'XML document failed to validate against schema',
    withDetail: 'XML document failed to validate against schema: %s',
  },
  DEVICE_MISSING: { bare: 'device not found', withDetail: 'device not found: %s' },
  MULTIPLE_DOMAINS: { bare: 'multiple matching domains found', withDetail: 'multiple matching domains found: %s' },
};
