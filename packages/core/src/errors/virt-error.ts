import { ERROR_CODES, ERROR_DOMAINS, type ErrorCode, type ErrorDomain } from './error-codes.js';
import { ERROR_MESSAGES } from './error-messages.js';

export interface VirtErrorOptions {
  /** Subsystem that raised the error; libvirt's VIR_FROM_*. Defaults to NONE. */
  domain?: ErrorDomain;
  /**
   * The message is `detail` as given, without the code's text around it: libvirt raises
   * some errors this way (virReportInvalidArg, virCheckFlags' "unsupported flags …").
   */
  verbatim?: boolean;
  cause?: unknown;
}

/** Formats `detail` the way libvirt's virErrorMsg does for `code`. */
export function formatErrorMessage(code: ErrorCode, detail?: string): string {
  const texts = ERROR_MESSAGES[code];
  if (!texts) return detail ?? 'unknown error';
  return detail === undefined ? texts.bare : texts.withDetail.replace('%s', detail);
}

/**
 * Marks every VirtError, whichever copy of core made it: an application (the bundled CLI) and a
 * driver package it imports by name can each load their own core.
 */
const VIRT_ERROR = Symbol.for('@virtkit/core:VirtError');

/** The one error type virtkit throws: libvirt's error code, error domain and message text. */
export class VirtError extends Error {
  /** `instanceof VirtError` holds for a VirtError of any core copy; subclasses check as usual. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about, maybe a subclass.
    if (this !== VirtError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && VIRT_ERROR in value;
  }

  readonly [VIRT_ERROR] = true;
  override readonly name = 'VirtError';
  readonly code: ErrorCode;
  readonly domain: ErrorDomain;
  /** The caller-specific part of the message, without libvirt's prefix. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options: VirtErrorOptions = {}) {
    super(
      options.verbatim && detail !== undefined ? detail : formatErrorMessage(code, detail),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.domain = options.domain ?? 'NONE';
    this.detail = detail;
  }

  /** libvirt's numeric virErrorNumber, as carried on the wire. */
  get codeNumber(): number {
    return ERROR_CODES[this.code];
  }

  /** libvirt's numeric virErrorDomain, as carried on the wire. */
  get domainNumber(): number {
    return ERROR_DOMAINS[this.domain];
  }
}

export function isVirtError(value: unknown, code?: ErrorCode): value is VirtError {
  return value instanceof VirtError && (code === undefined || value.code === code);
}
