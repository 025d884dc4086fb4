import { parseDomainXml, parseUri } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import {
  initctlRequest,
  kernelVersion,
  lxcDriverPaths,
  lxcPowerRequest,
  postParseForLxc,
  validateForStart,
} from '../src/index.js';

const parse = (xml: string) => parseDomainXml(xml, { inactive: true, defaultArch: 'x86_64' });
const minimal = (inner: string, type = 'lxc', os = 'exe') =>
  `<domain type='${type}'><name>t</name><memory>65536</memory><os><type>${os}</type>${inner}</os></domain>`;

describe('lxc URIs', () => {
  it('serves /system (also / and empty) as root, and /embed under its root', () => {
    expect(lxcDriverPaths(parseUri('lxc:///system'), true).stateDir).toBe('/run/virtkit/lxc');
    expect(lxcDriverPaths(parseUri('lxc:///'), true).configDir).toBe('/etc/virtkit/lxc');
    expect(lxcDriverPaths(parseUri('lxc:///embed?root=/tmp/x'), false).logDir).toBe('/tmp/x/log/lxc');
  });
  it('refuses other paths and unprivileged system use with libvirt texts', () => {
    expect(() => lxcDriverPaths(parseUri('lxc:///session'), true)).toThrow(
      "internal error: Unexpected LXC URI path '/session', try lxc:///system",
    );
    expect(() => lxcDriverPaths(parseUri('lxc:///system'), false)).toThrow(
      'no connection driver available for lxc:///system',
    );
  });
});

describe('shutdown and reboot modes', () => {
  it('tries initctl first by default and falls back to a signal', () => {
    expect(lxcPowerRequest('lxcDomainShutdownFlags', {})).toEqual({ mode: 'initctl', signalFallback: true });
    expect(lxcPowerRequest('lxcDomainReboot', { modes: ['initctl'] })).toEqual({
      mode: 'initctl',
      signalFallback: false,
    });
    expect(lxcPowerRequest('lxcDomainReboot', { modes: ['signal'] })).toEqual({
      mode: 'signal',
      signalFallback: true,
    });
  });
  it('refuses other modes as virCheckFlags does', () => {
    expect(() => lxcPowerRequest('lxcDomainShutdownFlags', { modes: ['acpi'] })).toThrow(
      'unsupported flags (0x1) in function lxcDomainShutdownFlags',
    );
    expect(() => lxcPowerRequest('lxcDomainReboot', { modes: ['agent', 'paravirt', 'signal'] })).toThrow(
      'unsupported flags (0x12) in function lxcDomainReboot',
    );
  });
  it("builds sysvinit's 384-byte runlevel request", () => {
    const request = initctlRequest(6);
    expect(request.length).toBe(384);
    expect(request.readInt32LE(0)).toBe(0x03091969);
    expect(request.readInt32LE(4)).toBe(1);
    expect(request.readInt32LE(8)).toBe('6'.charCodeAt(0));
    expect(request.subarray(12).every((byte) => byte === 0)).toBe(true);
  });
  it("encodes the kernel release as libvirt's version number", () => {
    expect(kernelVersion('6.18.44-fc-v657')).toBe(6_018_044);
    expect(kernelVersion('5.10')).toBe(5_010_000);
  });
});

describe('LXC post-parse (as libvirt 9.0 defines)', () => {
  it('fills arch and emulator, and keeps <init>', () => {
    const def = postParseForLxc(parse(minimal('<init>/bin/sh</init>')));
    expect(def.os.arch).toBe('x86_64');
    expect(def.emulator).toBe('/usr/lib/libvirt/libvirt_lxc');
    expect(def.os.init).toBe('/bin/sh');
  });
  it('refuses a definition without init and without a root filesystem', () => {
    expect(() => postParseForLxc(parse(minimal('')))).toThrow('XML error: init binary must be specified');
  });
  it('refuses non-exe and non-lxc guests with the capabilities lookup text', () => {
    expect(() => postParseForLxc(parse(minimal('<init>/bin/sh</init>', 'lxc', 'hvm')))).toThrow(
      'invalid argument: could not find capabilities for arch=x86_64 domaintype=lxc ',
    );
    expect(() => postParseForLxc(parse(minimal('<init>/bin/sh</init>', 'kvm')))).toThrow(
      'invalid argument: could not find capabilities for ostype=exe arch=x86_64 domaintype=kvm ',
    );
  });
  it('gives consoles the lxc target, and a start needs a PTY console', () => {
    const withConsole = postParseForLxc(
      parse(
        minimal('<init>/bin/sh</init>').replace(
          '</domain>',
          "<devices><console type='pty'/></devices></domain>",
        ),
      ),
    );
    const console = withConsole.devices.find((d) => d.kind === 'console');
    expect(console && 'target' in console ? console.target : undefined).toMatchObject({
      type: 'lxc',
      port: 0,
    });
    expect(() => validateForStart(withConsole)).not.toThrow();
    expect(() => validateForStart(postParseForLxc(parse(minimal('<init>/bin/sh</init>'))))).toThrow(
      'unsupported configuration: At least one PTY console is required',
    );
  });
});
