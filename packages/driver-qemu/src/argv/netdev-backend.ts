import { childElement, type InterfaceDef } from '@virtkit/core';
import { interfaceChild, interfaceQueues, TAP_TYPES, usesVhostNet } from './interface-driver.js';
import { formatJson, formatKeyValue, type OptionProps } from './option-syntax.js';
import type { ArgvContext, TapBackend } from './qemu-command.js';
import { unsupported } from './unsupported.js';

/** What one interface's backend puts on the command line: helper options, then `-netdev`. */
export interface NetdevArgs {
  /** Options QEMU must see before the netdev (its chardev, its fdset). */
  before: string[];
  props: OptionProps;
}

/** fd numbers of the upstream harness: taps from 3 on, vhost-net from 44 on (qemuxml2argvmock). */
const HARNESS_TAP_FD = 3;
const HARNESS_VHOST_FD = 44;
/** The fd the harness hands every vDPA device. */
const HARNESS_VDPA_FD = 1732;

/** The tap fds libvirt's xml2argv tests pretend to have opened, one per queue. */
export function harnessTapBackend(net: InterfaceDef): TapBackend {
  const count = Math.max(interfaceQueues(net), 1);
  const numbers = (first: number) => Array.from({ length: count }, (_, i) => String(first + i));
  return { fds: numbers(HARNESS_TAP_FD), vhostFds: usesVhostNet(net) ? numbers(HARNESS_VHOST_FD) : [] };
}

function tapProps(net: InterfaceDef, ctx: ArgvContext): OptionProps {
  const backend = ctx.host.tapBackend(net);
  const sndbuf = childElement(interfaceChild(net, 'tune'), 'sndbuf');
  const tuning = { sndbuf: sndbuf ? Number(sndbuf.children.join('')) : undefined };
  if ('ifname' in backend) {
    // virtkit's launcher made the tap already (host-network): QEMU opens it by name and must
    // neither configure it through scripts nor close it at exit.
    return { type: 'tap', ifname: backend.ifname, script: 'no', downscript: 'no', ...tuning };
  }
  // One fd is `fd`, several (multiqueue) are `fds` joined by colons; the same for vhost.
  const [fdKey, vhostKey] = backend.fds.length > 1 ? ['fds', 'vhostfds'] : ['fd', 'vhostfd'];
  return {
    type: 'tap',
    [fdKey]: backend.fds.join(':'),
    vhost: backend.vhostFds.length > 0 ? true : undefined,
    [vhostKey]: backend.vhostFds.length > 0 ? backend.vhostFds.join(':') : undefined,
    ...tuning,
  };
}

/** `address:port` of a socket backend; a missing address is empty (listen on all). */
function socketAddress(attrs: Record<string, string> | undefined): string {
  return `${attrs?.address ?? ''}:${attrs?.port ?? ''}`;
}

function vhostUserArgs(net: InterfaceDef, alias: string): NetdevArgs {
  const chardev = `char${alias}`;
  const reconnect = net.sourceRest?.children.find((c) => c.name === 'reconnect')?.attrs;
  const chardevValue = formatKeyValue({
    '': 'socket',
    id: chardev,
    path: net.source?.path,
    server: net.source?.mode === 'server' ? true : undefined,
    reconnect: reconnect?.enabled === 'yes' ? Number(reconnect.timeout) : undefined,
  });
  const queues = interfaceQueues(net);
  return {
    before: ['-chardev', chardevValue],
    props: { type: 'vhost-user', chardev, queues: queues > 1 ? queues : undefined },
  };
}

function vdpaArgs(net: InterfaceDef, alias: string, fdset: number): NetdevArgs {
  const queues = interfaceQueues(net);
  return {
    before: ['-add-fd', formatKeyValue({ set: fdset, fd: HARNESS_VDPA_FD, opaque: `${alias}-vdpa` })],
    props: { type: 'vhost-vdpa', vhostdev: `/dev/fdset/${fdset}`, queues: queues > 1 ? queues : undefined },
  };
}

const SOCKET_MODES: Record<string, string> = { client: 'connect', server: 'listen', mcast: 'mcast' };

/** The `-netdev` of an interface, keyed as qemuBuildHostNetProps orders it, id last. */
export function netdevArgs(net: InterfaceDef, alias: string, ctx: ArgvContext, fdset: number): NetdevArgs {
  if (interfaceChild(net, 'script') && net.type !== 'ethernet')
    throw unsupported(`scripts are not supported on interfaces of type ${net.type}`);
  const id = `host${alias}`;
  const withId = ({ before, props }: NetdevArgs): NetdevArgs => ({ before, props: { ...props, id } });
  if (TAP_TYPES.has(net.type)) return withId({ before: [], props: tapProps(net, ctx) });
  const mode = SOCKET_MODES[net.type];
  if (mode) return withId({ before: [], props: { type: 'socket', [mode]: socketAddress(net.source) } });
  switch (net.type) {
    case 'udp': {
      const local = net.sourceRest?.children.find((c) => c.name === 'local')?.attrs;
      const props = { type: 'socket', udp: socketAddress(net.source), localaddr: socketAddress(local) };
      return withId({ before: [], props });
    }
    case 'user':
      return withId({ before: [], props: { type: 'user' } });
    case 'vhostuser':
      return withId(vhostUserArgs(net, alias));
    case 'vdpa':
      return withId(vdpaArgs(net, alias, fdset));
    default:
      throw unsupported(`interface type '${net.type}'`);
  }
}

/** The backend's options in command-line order (`-netdev` as JSON, which QEMU 8 takes). */
export function netdevOption(args: NetdevArgs): string[] {
  return [...args.before, '-netdev', formatJson(args.props)];
}
