import { VirtError } from '../errors/index.js';

/** One `name=value` pair of a URI query, percent-decoded. */
export interface UriParam {
  readonly name: string;
  readonly value: string;
}

/**
 * A parsed libvirt connection URI: `driver[+transport]://[user@][host][:port]/path[?query]`.
 * Like libvirt's virURI, user, host and path are percent-decoded, IPv6 brackets are
 * stripped from the host, and the query is kept raw beside its decoded params.
 */
export interface VirtUri {
  /** The whole scheme, e.g. `qemu+ssh`. */
  readonly scheme: string;
  /** The part before `+`: which hypervisor driver, e.g. `qemu`. */
  readonly driver: string;
  /** The part after `+`, e.g. `ssh`; absent for a plain scheme. */
  readonly transport?: string;
  readonly user?: string;
  /** Absent when the URI has no authority or an empty one (`qemu:///system`). */
  readonly host?: string;
  /** Absent when not given (libvirt's 0). */
  readonly port?: number;
  /** `''` when absent, as libvirt normalises it. */
  readonly path: string;
  /** The raw (still percent-encoded) query, without `?`. */
  readonly query?: string;
  /** Query params in order of appearance. */
  readonly params: readonly UriParam[];
  readonly fragment?: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
// RFC 3986 character classes, the grammar libxml2's xmlParseURI applies for libvirt.
const USERINFO = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*$`);
const REG_NAME = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*$`);
const PATH = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:@/]|${PCT})*$`);
const QUERY = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:@/?]|${PCT})*$`);
// libxml2 takes anything up to `]` as an IP literal; this also admits an IPv6 zone (`%25eth0`).
const IP_LITERAL = /^\[(?:[0-9A-Za-z:._~-]|%[0-9A-Fa-f]{2})+\]$/;
const PORT = /^[0-9]*$/;

function parseError(text: string): VirtError {
  return new VirtError('INTERNAL_ERROR', `Unable to parse URI ${text}`, { domain: 'URI' });
}

function decode(text: string, original: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw parseError(original);
  }
}

/**
 * Parses a libvirt URI. Errors are libvirt's: a string that is not a URI gives
 * "internal error: Unable to parse URI …"; one without a scheme gives
 * virConnectOpen's "no connection driver available for URI '…' does not include a driver name".
 */
export function parseUri(text: string): VirtUri {
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (colon <= 0 || (slash >= 0 && slash < colon)) {
    const path = text.split(/[?#]/, 1)[0] ?? '';
    // A relative reference's first segment cannot hold a colon (RFC 3986 path-noscheme).
    if (!PATH.test(path) || (path.split('/', 1)[0] ?? '').includes(':')) throw parseError(text);
    throw new VirtError('NO_CONNECT', `URI '${text}' does not include a driver name`);
  }
  const scheme = text.slice(0, colon);
  if (!SCHEME.test(scheme)) throw parseError(text);

  let rest = text.slice(colon + 1);
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (!QUERY.test(fragment)) throw parseError(text);
    fragment = decode(fragment, text);
  }
  let query: string | undefined;
  const question = rest.indexOf('?');
  if (question >= 0) {
    query = rest.slice(question + 1);
    rest = rest.slice(0, question);
    if (!QUERY.test(query)) throw parseError(text);
  }

  let authority: Authority = {};
  let path = rest;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    authority = parseAuthority(end < 0 ? rest.slice(2) : rest.slice(2, end), text);
    path = end < 0 ? '' : rest.slice(end);
  }
  if (!PATH.test(path)) throw parseError(text);

  const plus = scheme.indexOf('+');
  return {
    scheme,
    driver: plus < 0 ? scheme : scheme.slice(0, plus),
    ...(plus < 0 ? {} : { transport: scheme.slice(plus + 1) }),
    ...authority,
    path: decode(path, text),
    ...(query === undefined ? {} : { query }),
    params: parseParams(query ?? '', text),
    ...(fragment === undefined ? {} : { fragment }),
  };
}

interface Authority {
  user?: string;
  host?: string;
  port?: number;
}

function parseAuthority(authority: string, text: string): Authority {
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostport = authority.slice(at + 1);
  if (userinfo !== undefined && !USERINFO.test(userinfo)) throw parseError(text);

  let host = hostport;
  let port: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    host = close < 0 ? hostport : hostport.slice(0, close + 1);
    if (!IP_LITERAL.test(host)) throw parseError(text);
    const after = hostport.slice(host.length);
    if (after !== '' && !after.startsWith(':')) throw parseError(text);
    if (after !== '') port = after.slice(1);
    host = decode(host.slice(1, -1), text);
  } else {
    const portColon = hostport.lastIndexOf(':');
    if (portColon >= 0) {
      host = hostport.slice(0, portColon);
      port = hostport.slice(portColon + 1);
    }
    if (!REG_NAME.test(host)) throw parseError(text);
    host = decode(host, text);
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) throw parseError(text);

  return {
    ...(userinfo === undefined ? {} : { user: decode(userinfo, text) }),
    // libvirt ignores the port when there is no server.
    ...(host === '' ? {} : { host, ...(port ? { port: Number(port) } : {}) }),
  };
}

/** CGI-style params, as libvirt's virURIParseParams: `&` or `;` separated, `name` alone means `''`, `=value` is ignored. */
function parseParams(query: string, text: string): UriParam[] {
  const params: UriParam[] = [];
  for (const section of query.split(/[&;]/)) {
    if (section === '' || section.startsWith('=')) continue;
    const eq = section.indexOf('=');
    const name = eq < 0 ? section : section.slice(0, eq);
    const value = eq < 0 ? '' : section.slice(eq + 1);
    params.push({ name: decode(name, text), value: decode(value, text) });
  }
  return params;
}

/** The value of the first param named `name`, as libvirt's virURIGetParam. */
export function getUriParam(uri: VirtUri, name: string): string | undefined {
  return uri.params.find((param) => param.name === name)?.value;
}

// Characters kept as they are when formatting each component; the rest is percent-encoded.
const KEEP_USER = /[A-Za-z0-9\-._~!$&'()*+,;=:]/;
const KEEP_HOST = /[A-Za-z0-9\-._~!$&'()*+,;=]/;
const KEEP_PATH = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

function encode(text: string, keep: RegExp): string {
  let out = '';
  for (const char of text) out += keep.test(char) ? char : encodeURIComponent(char);
  return out;
}

/**
 * Formats a URI back to text, as libvirt's virURIFormat: IPv6 hosts regain their
 * brackets, a URI without host keeps the empty authority (`qemu:///system`), and
 * the raw query is used as it is (or rebuilt from params when absent).
 */
export function formatUri(uri: VirtUri): string {
  let text = `${uri.scheme}:`;
  const user = uri.user === undefined ? '' : `${encode(uri.user, KEEP_USER)}@`;
  const host =
    uri.host === undefined ? '' : uri.host.includes(':') ? `[${uri.host}]` : encode(uri.host, KEEP_HOST);
  const port = uri.port === undefined || uri.host === undefined ? '' : `:${uri.port}`;
  text += `//${user}${host}${port}${encode(uri.path, KEEP_PATH)}`;
  const query = uri.query ?? formatParams(uri.params);
  if (query !== '') text += `?${query}`;
  if (uri.fragment !== undefined) text += `#${encode(uri.fragment, KEEP_PATH)}`;
  return text;
}

/** `name=value&…` with values percent-encoded, as libvirt's virURIFormatParams. */
export function formatParams(params: readonly UriParam[]): string {
  return params.map((param) => `${param.name}=${encodeURIComponent(param.value)}`).join('&');
}
