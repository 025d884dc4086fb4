import type { FormatFlags, ParseFlags, VideoDef } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import type { XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const VIDEO_SHAPE = { children: ['driver', 'model', ...DEVICE_INFO_CHILDREN] };
const MODEL_SHAPE = {
  attrs: ['type', 'ram', 'vram', 'vram64', 'vgamem', 'heads', 'primary', 'blob'],
  children: ['acceleration', 'resolution'],
};

export function parseVideo(el: XmlElement, flags: ParseFlags): VideoDef {
  const r = new ElementReader(el);
  const m = r.childReader('model');
  let model: VideoDef['model'];
  if (m) {
    model = {
      type: m.attr('type'),
      vram: m.uint('vram'),
      heads: m.uint('heads'),
      primary: m.yesNo('primary'),
    };
    model.rest = m.rest();
  }
  const info = parseDeviceInfo(r, flags);
  return { kind: 'video', model, info, rest: r.rest() };
}

export function formatVideo(video: VideoDef, flags: FormatFlags): XmlElement {
  const m = video.model;
  const model =
    m &&
    shapedElement(
      MODEL_SHAPE,
      'model',
      { type: m.type, vram: m.vram, heads: m.heads, primary: m.primary ? true : undefined },
      [],
      m.rest,
    );
  return shapedElement(VIDEO_SHAPE, 'video', {}, [model, ...formatDeviceInfo(video.info, flags)], video.rest);
}

/** libvirt marks the first video device primary when none is. */
export function markPrimaryVideo(videos: readonly VideoDef[]): void {
  const first = videos[0];
  if (!first || videos.some((v) => v.model?.primary)) return;
  first.model = { ...first.model, primary: true };
}
