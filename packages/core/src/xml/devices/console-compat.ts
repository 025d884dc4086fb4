import type { ChardevDef, DeviceDef } from '../domain-def.js';
import { ofKind } from './of-kind.js';

function sameSource(a: ChardevDef, b: ChardevDef): boolean {
  return JSON.stringify(a.source) === JSON.stringify(b.source);
}

/** The console that stands for a serial port: the same backend, a `serial` target on its port. */
function consoleFor(serial: ChardevDef): ChardevDef {
  return {
    kind: 'console',
    source: structuredClone(serial.source),
    target: { type: 'serial', port: serial.target?.port ?? 0 },
    info: structuredClone(serial.info),
  };
}

/**
 * On HVM guests the first console is an alias of the first serial port (virDomainDefAddConsoleCompat):
 * a serial-type console without a serial port becomes one, and a serial port gets its console.
 */
export function addConsoleCompat(devices: DeviceDef[], osType: string): void {
  if (osType !== 'hvm') return;
  const [console] = ofKind(devices, 'console');
  const serials = ofKind(devices, 'serial');
  const consoleIsSerial = console && (console.target?.type === undefined || console.target.type === 'serial');
  if (console && consoleIsSerial) {
    const serial = serials[0] ?? { ...structuredClone(console), kind: 'serial', target: { port: 0 } };
    if (serials.length === 0) devices.push(serial);
    if (serials.length === 0 || !sameSource(serial, console) || console.target?.type === undefined) {
      devices.splice(devices.indexOf(console), 1, consoleFor(serial));
    }
  } else if (!console && serials[0]) {
    devices.push(consoleFor(serials[0]));
  }
}
