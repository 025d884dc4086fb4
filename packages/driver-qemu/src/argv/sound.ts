import type { DeviceDef, XmlElement } from '@virtkit/core';
import { primaryAudioId } from './audio.js';
import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';

/** Sound models as QEMU devices; HDA controllers carry codecs instead of playing themselves. */
const SOUND_DEVICES: Record<string, { driver: string; hda?: boolean }> = {
  es1370: { driver: 'ES1370' },
  sb16: { driver: 'sb16' },
  ac97: { driver: 'AC97' },
  ich6: { driver: 'intel-hda', hda: true },
  ich9: { driver: 'ich9-intel-hda', hda: true },
  usb: { driver: 'usb-audio' },
};

function soundElements(ctx: ArgvContext): { dev: DeviceDef; el: XmlElement }[] {
  return ctx.def.devices.flatMap((dev) =>
    dev.kind === 'generic' && dev.element.name === 'sound' ? [{ dev, el: dev.element }] : [],
  );
}

/** Whether a sound model sits on PCI (the ISA and USB ones and the PC speaker do not). */
export function soundWantsPci(el: XmlElement): boolean {
  return !['pcspk', 'sb16', 'usb'].includes(el.attrs.model ?? '');
}

/** The PC speaker is part of the machine; it only needs to be told where to play. */
export function pcSpeakerAudiodev(ctx: ArgvContext): string | undefined {
  return soundElements(ctx).some(({ el }) => el.attrs.model === 'pcspk') ? primaryAudioId(ctx) : undefined;
}

function codecs(el: XmlElement): string[] {
  const types = el.children.flatMap((c) =>
    typeof c !== 'string' && c.name === 'codec' ? [c.attrs.type ?? 'duplex'] : [],
  );
  return types.length > 0 ? types : ['duplex'];
}

/** A sound device's `<audio id>`, else the domain's first audiodev. */
function audiodevFor(el: XmlElement, ctx: ArgvContext): string {
  const audio = el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'audio');
  return audio?.attrs.id === undefined ? primaryAudioId(ctx) : `audio${audio.attrs.id}`;
}

export function soundArgs(ctx: ArgvContext): string[] {
  return soundElements(ctx).flatMap(({ dev, el }, n) => {
    const audiodev = audiodevFor(el, ctx);
    const model = el.attrs.model ?? '';
    if (model === 'pcspk') return [];
    const sound = SOUND_DEVICES[model];
    if (!sound) throw unsupported(`sound model '${model}'`);
    const id = `sound${n}`;
    const placement = model === 'usb' ? ctx.usbPort.get(dev) : pciDeviceProps(ctx.pciAddress.get(dev));
    if (!sound.hda) {
      const multi =
        model === 'usb' && el.attrs.multichannel !== undefined ? el.attrs.multichannel === 'yes' : undefined;
      return ['-device', formatJson({ driver: sound.driver, id, audiodev, multi, ...placement })];
    }
    const controller = ['-device', formatJson({ driver: sound.driver, id, ...placement })];
    const codecArgs = codecs(el).flatMap((type, cad) => [
      '-device',
      formatJson({ driver: `hda-${type}`, id: `${id}-codec${cad}`, bus: `${id}.0`, cad, audiodev }),
    ]);
    return [...controller, ...codecArgs];
  });
}
