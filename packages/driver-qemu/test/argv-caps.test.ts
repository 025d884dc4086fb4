import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { findMachine, hasCap, parseQemuCapsXml } from '../src/caps/index.js';

const CAPS = '/work/shared/libvirt-testdata/qemu-xml2argv/qemucapabilitiesdata/caps_8.1.0_x86_64.xml';

test('libvirt capabilities XML gives version, flags, machines and CPU models', () => {
  const caps = parseQemuCapsXml(readFileSync(CAPS, 'utf8'));
  expect(caps.version).toBe(8000050);
  expect(caps.arch).toBe('x86_64');
  expect(hasCap(caps, 'kvm')).toBe(true);
  expect(hasCap(caps, 'no-such-flag')).toBe(false);
  expect(caps.flags.size).toBe(201);
  const pc = findMachine(caps, 'kvm', 'pc');
  expect(pc).toMatchObject({
    name: 'pc-i440fx-8.1',
    alias: 'pc',
    isDefault: true,
    defaultRamId: 'pc.ram',
    acpi: true,
  });
  expect(caps.cpuModels.find((m) => m.accel === 'kvm' && m.name === 'host')).toMatchObject({ usable: true });
});

test('a document that is not <qemuCaps> is refused', () => {
  expect(() => parseQemuCapsXml('<domain/>')).toThrow(/qemuCaps/);
});
