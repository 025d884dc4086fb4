import { parseDomainXml } from '@virtkit/core';
import { expect, test } from 'vitest';
import { parseFirmwareDescriptor } from '../src/argv/firmware-select.js';
import { buildQemuArgv, DEFAULT_HOST_CONTEXT } from '../src/argv/index.js';
import type { QemuCaps } from '../src/caps/index.js';

const caps: QemuCaps = { arch: 'x86_64', version: 8001000, flags: new Set(), machines: [], cpuModels: [] };

function descriptor(code: string, features: string[]): string {
  return JSON.stringify({
    'interface-types': ['uefi'],
    mapping: {
      device: 'flash',
      mode: 'split',
      executable: { filename: code, format: 'raw' },
      'nvram-template': { filename: `${code}.vars`, format: 'raw' },
    },
    targets: [{ architecture: 'x86_64', machines: ['pc-q35-*'] }],
    features,
  });
}

const firmware = [
  parseFirmwareDescriptor(descriptor('/fw/secboot.fd', ['requires-smm', 'secure-boot'])),
  parseFirmwareDescriptor(descriptor('/fw/plain.fd', [])),
];

function argvFor(osExtra: string, features = ''): string[] {
  const xml = `<domain type='qemu'><name>g</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
    <memory>1048576</memory><os firmware='efi'><type arch='x86_64' machine='pc-q35-8.1'>hvm</type>${osExtra}</os>
    <features><acpi/>${features}</features><devices><controller type='usb' model='none'/><memballoon model='none'/></devices></domain>`;
  return buildQemuArgv(parseDomainXml(xml), caps, { ...DEFAULT_HOST_CONTEXT, firmware }).argv;
}

test('the first descriptor that fits becomes the loader, switching on the SMM it requires', () => {
  const argv = argvFor('');
  expect(argv.join(' ')).toContain('"filename":"/fw/secboot.fd"');
  expect(argv.join(' ')).toContain('"filename":"/var/lib/libvirt/qemu/nvram/g_VARS.fd"');
  expect(argv[argv.indexOf('-machine') + 1]).toContain('smm=on');
  expect(argv).toContain('driver=cfi.pflash01,property=secure,value=on');
});

test('a domain that turns SMM off skips firmware that requires it', () => {
  const argv = argvFor('', "<smm state='off'/>");
  expect(argv.join(' ')).toContain('"filename":"/fw/plain.fd"');
  expect(argv).not.toContain('driver=cfi.pflash01,property=secure,value=on');
});

test('no fitting descriptor is libvirt’s operation failure', () => {
  expect(() => argvFor("<loader format='qcow2'/>")).toThrow(
    "operation failed: Unable to find any firmware to satisfy 'efi'",
  );
});
