import { VirtError } from '../../errors/index.js';
import type { OsDef, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { element, textElement, type XmlElement } from '../xml-node.js';

const OS_SHAPE = {
  attrs: ['firmware'],
  children: [
    'type',
    'firmware',
    'init',
    'initarg',
    'initenv',
    'initdir',
    'inituser',
    'initgroup',
    'loader',
    'nvram',
    'kernel',
    'initrd',
    'cmdline',
    'shim',
    'dtb',
    'acpi',
    'boot',
    'bootmenu',
    'smbios',
    'bios',
  ],
};
const BOOT_DEVICES = ['fd', 'hd', 'cdrom', 'network'] as const;

export function parseOs(el: XmlElement | undefined, flags: ParseFlags): OsDef {
  const r = new ElementReader(el ?? { name: 'os', attrs: {}, children: [] });
  const typeEl = r.child('type');
  const type = typeEl ? new ElementReader(typeEl).text() : '';
  if (type === '') throw new VirtError('OS_TYPE', 'an os <type> must be specified', { domain: 'DOMAIN' });
  const os: OsDef = {
    type,
    arch: typeEl?.attrs.arch ?? flags.defaultArch,
    machine: typeEl?.attrs.machine,
    firmware: r.attr('firmware'),
    bootDevices: r.children('boot').map((b) => new ElementReader(b).enumAttr('dev', BOOT_DEVICES) ?? 'hd'),
    loader: r.child('loader'),
    nvram: r.child('nvram'),
    kernel: r.childText('kernel'),
    initrd: r.childText('initrd'),
    cmdline: r.childText('cmdline'),
    dtb: r.childText('dtb'),
    init: r.childText('init'),
    initArgs: r.children('initarg').map((a) => new ElementReader(a).text()),
  };
  os.rest = r.rest();
  return os;
}

export function formatOs(os: OsDef): XmlElement {
  return shapedElement(
    OS_SHAPE,
    'os',
    { firmware: os.firmware },
    [
      textElement('type', os.type, { arch: os.arch, machine: os.machine }),
      textElement('init', os.init),
      ...os.initArgs.map((a) => textElement('initarg', a)),
      os.loader,
      os.nvram,
      textElement('kernel', os.kernel),
      textElement('initrd', os.initrd),
      textElement('cmdline', os.cmdline),
      textElement('dtb', os.dtb),
      ...os.bootDevices.map((dev) => element('boot', { dev })),
    ],
    os.rest,
  );
}
