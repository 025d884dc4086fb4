import type { DeviceDef } from '../domain-def.js';

/** A device of one kind; an intersection so kinds sharing a type (serial, console, …) narrow too. */
export type DeviceOfKind<K extends DeviceDef['kind']> = DeviceDef & { kind: K };

/** The devices of one kind, typed as such. */
export function ofKind<K extends DeviceDef['kind']>(
  devices: readonly DeviceDef[],
  kind: K,
): DeviceOfKind<K>[] {
  return devices.filter((d): d is DeviceOfKind<K> => d.kind === kind);
}
