import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';
import { virtioOptionProps } from './virtio-options.js';

function text(el: { children: (string | object)[] }): string {
  return el.children
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
}

/** virtio-rng devices, each fed by a host entropy backend object. */
export function rngArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'generic' || dev.element.name !== 'rng') continue;
    const backend = dev.element.children.find((c) => typeof c !== 'string' && c.name === 'backend');
    if (!backend || typeof backend === 'string') continue;
    const id = `rng${n++}`;
    const object = `obj${id}`;
    if (backend.attrs.model === 'random') {
      args.push(
        '-object',
        formatJson({ 'qom-type': 'rng-random', id: object, filename: text(backend) || '/dev/random' }),
      );
    } else if (backend.attrs.model === 'builtin') {
      args.push('-object', formatJson({ 'qom-type': 'rng-builtin', id: object }));
    } else {
      throw unsupported(`rng backend '${backend.attrs.model}'`);
    }
    const rate = dev.element.children.find((c) => typeof c !== 'string' && c.name === 'rate');
    const limit = rate && typeof rate !== 'string' ? rate.attrs : {};
    const device = {
      driver: 'virtio-rng-pci',
      ...virtioOptionProps(dev),
      rng: object,
      id,
      'max-bytes': limit.bytes === undefined ? undefined : Number(limit.bytes),
      period: limit.period === undefined ? undefined : Number(limit.period),
      ...pciDeviceProps(ctx.pciAddress.get(dev)),
    };
    args.push('-device', formatJson(device));
  }
  return args;
}
