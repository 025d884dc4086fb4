import type { XmlElement } from '@virtkit/core';
import { formatJson, type OptionProps } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** XML backend types whose QEMU audiodev driver is named differently. */
const DRIVER_NAMES: Record<string, string> = { pulseaudio: 'pa', file: 'wav' };

type Conv = 'bool' | 'num' | 'str';
/** [XML attribute, QEMU property, conversion]: order is the order QEMU's JSON gets them in. */
type Mapping = readonly [string, string, Conv][];

const COMMON_IO: Mapping = [
  ['mixingEngine', 'mixing-engine', 'bool'],
  ['fixedSettings', 'fixed-settings', 'bool'],
  ['voices', 'voices', 'num'],
  ['bufferLength', 'buffer-length', 'num'],
];
const SETTINGS: Mapping = [
  ['frequency', 'frequency', 'num'],
  ['channels', 'channels', 'num'],
  ['format', 'format', 'str'],
];

/** Per backend: extra top-level properties and extra per-direction properties. */
const BACKENDS: Record<string, { top: Mapping; io: Mapping }> = {
  alsa: { top: [], io: [['dev', 'dev', 'str']] },
  coreaudio: { top: [], io: [['bufferCount', 'buffer-count', 'num']] },
  file: { top: [['path', 'path', 'str']], io: [] },
  jack: {
    top: [],
    io: [
      ['serverName', 'server-name', 'str'],
      ['clientName', 'client-name', 'str'],
      ['connectPorts', 'connect-ports', 'str'],
    ],
  },
  oss: {
    top: [
      ['tryMMap', 'try-mmap', 'bool'],
      ['exclusive', 'exclusive', 'bool'],
      ['dspPolicy', 'dsp-policy', 'num'],
    ],
    io: [
      ['dev', 'dev', 'str'],
      ['bufferCount', 'buffer-count', 'num'],
      ['tryPoll', 'try-poll', 'bool'],
    ],
  },
  pulseaudio: {
    top: [['serverName', 'server', 'str']],
    io: [
      ['name', 'name', 'str'],
      ['streamName', 'stream-name', 'str'],
      ['latency', 'latency', 'num'],
    ],
  },
};

function convert(value: string, conv: Conv): string | number | boolean {
  if (conv === 'bool') return value === 'yes';
  return conv === 'num' ? Number(value) : value;
}

function mapAttrs(attrs: Record<string, string> | undefined, mapping: Mapping): OptionProps {
  const out: OptionProps = {};
  for (const [xml, qemu, conv] of mapping) {
    const value = attrs?.[xml];
    if (value !== undefined) out[qemu] = convert(value, conv);
  }
  return out;
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

function direction(el: XmlElement | undefined, io: Mapping): OptionProps | undefined {
  if (!el) return undefined;
  const settings = child(el, 'settings');
  return {
    ...mapAttrs(el.attrs, COMMON_IO),
    ...mapAttrs(settings?.attrs, SETTINGS),
    ...mapAttrs(el.attrs, io),
  };
}

function audioElements(ctx: ArgvContext): XmlElement[] {
  return ctx.def.devices.flatMap((d) =>
    d.kind === 'generic' && d.element.name === 'audio' ? [d.element] : [],
  );
}

const SOUND_CARRYING_GRAPHICS = new Set(['vnc', 'spice', 'sdl']);

/** The audiodev id graphics and sound devices refer to. */
export function primaryAudioId(ctx: ArgvContext): string {
  return `audio${audioElements(ctx)[0]?.attrs.id ?? 1}`;
}

/**
 * One -audiodev per `<audio>`; without any, libvirt defines a silent one (or SPICE's, which
 * carries sound to the client) so QEMU never opens the host's sound card by itself.
 */
export function audioArgs(ctx: ArgvContext): string[] {
  const elements = audioElements(ctx);
  if (elements.length === 0) {
    const graphics = ctx.def.devices.filter((d) => d.kind === 'graphics');
    // Only remote displays carry sound; a headless GL display alone has nowhere to send it.
    if (graphics.length > 0 && !graphics.some((g) => SOUND_CARRYING_GRAPHICS.has(g.type))) return [];
    const spice = graphics.some((g) => g.type === 'spice');
    return ['-audiodev', formatJson({ id: 'audio1', driver: spice ? 'spice' : 'none' })];
  }
  return elements.flatMap((el) => {
    const type = el.attrs.type ?? 'none';
    const backend = BACKENDS[type] ?? { top: [], io: [] };
    const props = {
      id: `audio${el.attrs.id ?? 1}`,
      driver: DRIVER_NAMES[type] ?? type,
      'timer-period': el.attrs.timerPeriod === undefined ? undefined : Number(el.attrs.timerPeriod),
      ...mapAttrs(el.attrs, backend.top),
      in: direction(child(el, 'input'), backend.io),
      out: direction(child(el, 'output'), backend.io),
    };
    return ['-audiodev', formatJson(props)];
  });
}
