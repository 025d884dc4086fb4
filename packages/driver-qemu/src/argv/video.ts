import type { VideoDef } from '@virtkit/core';
import { formatJson, type OptionProps } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';

/** QEMU device per video model: the VGA-compatible one for the primary card, another for the rest. */
const VIDEO_DEVICES: Record<string, { primary: string; secondary?: string }> = {
  cirrus: { primary: 'cirrus-vga' },
  vga: { primary: 'VGA' },
  bochs: { primary: 'bochs-display', secondary: 'bochs-display' },
  ramfb: { primary: 'ramfb' },
  qxl: { primary: 'qxl-vga', secondary: 'qxl' },
  virtio: { primary: 'virtio-vga', secondary: 'virtio-gpu-pci' },
};

/** QXL's memory regions, XML KiB to QEMU's units, with libvirt's defaults. */
function qxlProps(video: VideoDef): OptionProps {
  const extra = video.model?.rest?.attrs ?? {};
  const kib = (value: string | number | undefined, fallback: number): number => Number(value ?? fallback);
  return {
    ram_size: kib(extra.ram, 65536) * 1024,
    vram_size: kib(video.model?.vram, 65536) * 1024,
    vram64_size_mb: Math.floor(kib(extra.vram64, 0) / 1024),
    vgamem_mb: Math.floor(kib(extra.vgamem, 16384) / 1024),
  };
}

export function videoArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'video') continue;
    const type = dev.model?.type ?? 'cirrus';
    if (type === 'none') continue;
    const devices = VIDEO_DEVICES[type];
    const driver = n === 0 ? devices?.primary : devices?.secondary;
    if (!driver) throw unsupported(`video model '${type}'`);
    // Multi-head capable models always state their head count.
    const heads = type === 'qxl' || type === 'virtio' ? (dev.model?.heads ?? 1) : undefined;
    const props = {
      driver,
      id: `video${n}`,
      max_outputs: heads,
      ...(type === 'qxl' && qxlProps(dev)),
      ...pciDeviceProps(ctx.pciAddress.get(dev)),
    };
    args.push('-device', formatJson(props));
    n++;
  }
  return args;
}
