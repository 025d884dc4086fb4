import { describe, expect, it } from 'vitest';
import {
  REMOTE_STRING_MAX,
  RemoteConnectOpenArgs,
  RemoteDomainEventCallbackLifecycleMsg,
  RemoteDomainGetInfoRet,
  RemoteDomainGetStateArgs,
  RemoteDomainSetSchedulerParametersFlagsArgs,
  RemoteError,
  RemoteNodeGetInfoRet,
  VIR_TYPED_PARAM_BOOLEAN,
  VIR_TYPED_PARAM_DOUBLE,
  VIR_TYPED_PARAM_INT,
  VIR_TYPED_PARAM_LLONG,
  VIR_TYPED_PARAM_STRING,
  VIR_TYPED_PARAM_UINT,
  VIR_TYPED_PARAM_ULLONG,
} from '../src/generated/remote-protocol.js';
import { VirNetMessageHeader } from '../src/generated/virnet-protocol.js';
import { decodeXdr, encodeXdr, type XdrCodec } from '../src/xdr/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

const uuid = bytes('6695eb01f6a4830479aa97f2502e193f');
const dom = { name: 'test', uuid, id: 1 };

// Hand-assembled from the .x definitions: remote_nonnull_domain is name (string), uuid (16 bytes), id.
const DOM_WIRE = '00000004 74657374' + '6695eb01f6a4830479aa97f2502e193f' + '00000001';

describe('libvirt structures, byte-exact', () => {
  it('remote_connect_open_args: optional string, then flags', () => {
    const wire = '00000001 0000000f 746573743a2f2f2f64656661756c74 00' + '00000001';
    const value = { name: 'test:///default', flags: 1 };
    expect(hex(encodeXdr(RemoteConnectOpenArgs, value))).toBe(wire.replace(/\s/g, ''));
    expect(decodeXdr(RemoteConnectOpenArgs, bytes(wire))).toEqual(value);
  });

  it('remote_domain_get_state_args: a nonnull domain and flags', () => {
    const wire = `${DOM_WIRE} 00000000`;
    expect(hex(encodeXdr(RemoteDomainGetStateArgs, { dom, flags: 0 }))).toBe(wire.replace(/\s/g, ''));
  });

  it('remote_domain_event_callback_lifecycle_msg: callbackID, then the event', () => {
    const wire = `00000007 ${DOM_WIRE} 00000002 00000000`;
    const value = { callbackID: 7, msg: { dom, event: 2, detail: 0 } };
    expect(hex(encodeXdr(RemoteDomainEventCallbackLifecycleMsg, value))).toBe(wire.replace(/\s/g, ''));
    expect(decodeXdr(RemoteDomainEventCallbackLifecycleMsg, bytes(wire))).toEqual(value);
  });

  it('virNetMessageHeader: six 4-byte words', () => {
    const header = { prog: 0x20008086, vers: 1, proc: 212, type: 1, serial: 9, status: 1 };
    expect(hex(encodeXdr(VirNetMessageHeader, header))).toBe(
      '20008086000000010000' + '00d4000000010000000900000001',
    );
  });
});

// [name, codec, value]: real structures survive encode → decode unchanged.
const roundTrips: [string, XdrCodec<unknown>, unknown][] = [
  [
    'remote_domain_get_info_ret (unsigned char, unsigned short, unsigned hyper)',
    RemoteDomainGetInfoRet,
    { state: 1, maxMem: 8388608n, memory: 2097152n, nrVirtCpu: 2, cpuTime: 2n ** 64n - 1n },
  ],
  [
    'remote_node_get_info_ret (char model[32], as rpcgen: one int per char)',
    RemoteNodeGetInfoRet,
    {
      model: [...Buffer.from('x86_64'), ...new Array(26).fill(0)],
      memory: 16777216n,
      cpus: 8,
      mhz: 2400,
      nodes: 1,
      sockets: 1,
      cores: 4,
      threads: 2,
    },
  ],
  [
    'remote_error with every optional set',
    RemoteError,
    {
      code: 42,
      domain: 12,
      message: 'Domain not found',
      level: 2,
      dom,
      str1: 'a',
      str2: 'b',
      str3: 'c',
      int1: -1,
      int2: 3,
      net: { name: 'default', uuid },
    },
  ],
  [
    'remote_error with no optional set',
    RemoteError,
    {
      code: 1,
      domain: 0,
      message: null,
      level: 2,
      dom: null,
      str1: null,
      str2: null,
      str3: null,
      int1: 0,
      int2: 0,
      net: null,
    },
  ],
  [
    'a typed-parameter array with every type',
    RemoteDomainSetSchedulerParametersFlagsArgs,
    {
      dom,
      params: [
        { field: 'int', value: { type: VIR_TYPED_PARAM_INT, value: -5 } },
        { field: 'uint', value: { type: VIR_TYPED_PARAM_UINT, value: 5 } },
        { field: 'llong', value: { type: VIR_TYPED_PARAM_LLONG, value: -(2n ** 40n) } },
        { field: 'ullong', value: { type: VIR_TYPED_PARAM_ULLONG, value: 2n ** 40n } },
        { field: 'double', value: { type: VIR_TYPED_PARAM_DOUBLE, value: 0.25 } },
        { field: 'boolean', value: { type: VIR_TYPED_PARAM_BOOLEAN, value: 1 } },
        { field: 'string', value: { type: VIR_TYPED_PARAM_STRING, value: 'ünïcode' } },
      ],
      flags: 0,
    },
  ],
];

describe('libvirt structures, round trips', () => {
  it.each(roundTrips)('%s', (_name, codec, value) => {
    expect(decodeXdr(codec, encodeXdr(codec, value))).toEqual(value);
  });

  it('enforces REMOTE_STRING_MAX on a nonnull string', () => {
    const name = 'x'.repeat(REMOTE_STRING_MAX + 1);
    expect(() => encodeXdr(RemoteConnectOpenArgs, { name, flags: 0 })).toThrow(/Unable to encode/);
  });

  it('enforces the typed-parameter array limit (REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX = 16)', () => {
    const param = { field: 'f', value: { type: VIR_TYPED_PARAM_INT, value: 0 } } as const;
    const args = { dom, params: new Array(17).fill(param), flags: 0 };
    expect(() => encodeXdr(RemoteDomainSetSchedulerParametersFlagsArgs, args)).toThrow(/Unable to encode/);
  });
});
