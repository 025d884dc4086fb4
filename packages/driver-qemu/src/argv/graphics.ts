import type { GraphicsDef } from '@virtkit/core';
import type { ArgvContext } from './qemu-command.js';
import { spiceArgs } from './spice.js';
import { unsupported } from './unsupported.js';
import { vncArgs } from './vnc.js';

function graphicsOf(ctx: ArgvContext): GraphicsDef[] {
  return ctx.def.devices.filter((d): d is GraphicsDef => d.kind === 'graphics');
}

/** Without any graphics QEMU must not open a window of its own. */
export function displayArgs(ctx: ArgvContext): string[] {
  return graphicsOf(ctx).length === 0 ? ['-display', 'none'] : [];
}

function usesOpenGl(g: GraphicsDef): boolean {
  return (
    g.type === 'egl-headless' ||
    g.rest?.children.some((c) => c.name === 'gl' && c.attrs.enable === 'yes') === true
  );
}

export function graphicsArgs(ctx: ArgvContext): string[] {
  if (graphicsOf(ctx).filter(usesOpenGl).length > 1) {
    throw unsupported('multiple OpenGL displays are not supported by QEMU');
  }
  let vncIndex = 0;
  return graphicsOf(ctx).flatMap((g) => {
    if (g.type === 'vnc') return vncArgs(g, vncIndex++, ctx);
    if (g.type === 'spice') return spiceArgs(g, ctx);
    if (g.type === 'egl-headless') {
      const gl = g.rest?.children.find((c) => c.name === 'gl');
      return ['-display', `egl-headless,rendernode=${gl?.attrs.rendernode ?? ctx.host.defaultRenderNode()}`];
    }
    throw unsupported(`graphics type '${g.type}'`);
  });
}
