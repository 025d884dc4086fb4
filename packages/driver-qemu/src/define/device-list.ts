import type { ControllerDef, DeviceDef } from '@virtkit/core';

export function generic(name: string, attrs: Record<string, string>): DeviceDef {
  return { kind: 'generic', element: { name, attrs, children: [] }, info: {} };
}

export function genericName(dev: DeviceDef): string | undefined {
  return dev.kind === 'generic' ? dev.element.name : undefined;
}

export function controllers(devices: readonly DeviceDef[], type?: string): ControllerDef[] {
  return devices.filter((d): d is ControllerDef => d.kind === 'controller' && (!type || d.type === type));
}

export function newController(type: string, index: number, model?: string): ControllerDef {
  return { kind: 'controller', type, index, ...(model !== undefined && { model }), info: {} };
}

/**
 * Adds a parsed controller where libvirt's virDomainControllerInsert puts it: after the last one
 * of its type with a lower index, else before the first of its type, else at the end. (Controllers
 * the post-parse adds are simply appended.)
 */
function insertController(devices: DeviceDef[], ctrl: ControllerDef): void {
  const sameType = devices
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.kind === 'controller' && d.type === ctrl.type);
  const lower = sameType.filter(({ d }) => (d as ControllerDef).index < ctrl.index).at(-1);
  const at = lower ? lower.i + 1 : (sameType[0]?.i ?? devices.length);
  devices.splice(at, 0, ctrl);
}

/** Controllers in the order libvirt's parser leaves them: each inserted as virDomainControllerInsert does. */
export function sortControllers(devices: DeviceDef[]): DeviceDef[] {
  const sorted: DeviceDef[] = [];
  for (const ctrl of controllers(devices)) insertController(sorted, ctrl);
  return [...devices.filter((d) => d.kind !== 'controller'), ...sorted];
}
