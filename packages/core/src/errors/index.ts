export { ERROR_CODES, ERROR_DOMAINS, type ErrorCode, type ErrorDomain } from './error-codes.js';
export { ERROR_MESSAGES } from './error-messages.js';
export { formatErrorMessage, isVirtError, VirtError, type VirtErrorOptions } from './virt-error.js';
