import { VirtError } from '@virtkit/core';

/** libvirt's `?proxy=`: what the far side of an ssh transport runs to reach the daemon. */
export type SshProxy = 'auto' | 'netcat' | 'native';

export interface SshProxyOptions {
  /** `?proxy=`; absent means `auto`. */
  readonly proxy?: string;
  /** `?netcat=`: the netcat binary on the far side. */
  readonly netcat?: string;
  /** `?socket=`: the daemon socket on the far side. */
  readonly socket?: string;
  /** The URI virt-ssh-helper opens: the name sent in CONNECT_OPEN. */
  readonly name: string;
  readonly readonly: boolean;
}

/** libvirt's default far-side sockets (its LOCALSTATEDIR layout, /var/run not /run). */
const LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';
const LIBVIRT_SOCKET_RO = '/var/run/libvirt/libvirt-sock-ro';

/**
 * The one shell command ssh runs on the far side, as libvirt 9.0's virNetClientSSHHelperCommand
 * writes it, so a host set up for virsh works for virtkit too: `native` is virt-ssh-helper,
 * `netcat` joins the daemon's unix socket, and `auto` tries the helper and falls back to netcat.
 * A netcat or socket in the URI names a socket the helper would not use, so auto means netcat then.
 */
export function sshProxyCommand(options: SshProxyOptions): string {
  const proxy = proxyKind(options.proxy);
  if (proxy === 'native' && options.netcat !== undefined) {
    throw new VirtError('INVALID_ARG', 'netcat path not valid with native proxy mode');
  }
  const netcat = escapeTwice(options.netcat ?? 'nc');
  const socket = options.socket ?? (options.readonly ? LIBVIRT_SOCKET_RO : LIBVIRT_SOCKET);
  // The quotes around netcat close and reopen sh -c's own quotes; hence the second escape.
  const viaNetcat =
    `if '${netcat}' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;` +
    `'${netcat}' $ARG -U ${socket}`;
  const viaHelper = `virt-ssh-helper${options.readonly ? ' -r ' : ' '}'${escapeTwice(options.name)}'`;
  const explicitSocket = options.netcat !== undefined || options.socket !== undefined;
  if (proxy === 'netcat' || (proxy === 'auto' && explicitSocket)) return `sh -c '${viaNetcat}'`;
  if (proxy === 'native') return `sh -c '${viaHelper}'`;
  return (
    "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then " +
    `    ${viaHelper}; else    ${viaNetcat}; fi'`
  );
}

function proxyKind(value: string | undefined): SshProxy {
  if (value === undefined || value === 'auto' || value === 'netcat' || value === 'native') {
    return value ?? 'auto';
  }
  // libvirt's message, misspelling included, so scripts matching it keep working.
  throw new VirtError('INVALID_ARG', `Unnkown proxy type '${value}'`);
}

function escapeTwice(text: string): string {
  return escapeShell(escapeShell(text));
}

/** Shell metacharacters that make libvirt's virBufferEscapeShell quote a word. */
const SHELL_SPECIAL = /[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/;

/** Quotes a word for /bin/sh only when it needs it, as virBufferEscapeShell does. */
function escapeShell(text: string): string {
  if (text === '') return "''";
  if (!SHELL_SPECIAL.test(text)) return text;
  return `'${text.replaceAll("'", "'\\''")}'`;
}
