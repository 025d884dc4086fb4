import { formatJson, formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** -name, and the master key secret other secrets are encrypted with. */
export function nameArgs({ def }: ArgvContext): string[] {
  return ['-name', formatKeyValue({ guest: def.name, 'debug-threads': true })];
}

export function masterKeyArgs({ domainDir }: ArgvContext): string[] {
  const key = { 'qom-type': 'secret', id: 'masterKey0', format: 'raw', file: `${domainDir}/master-key.aes` };
  return ['-object', formatJson(key)];
}

export function uuidArgs({ def }: ArgvContext): string[] {
  return ['-uuid', def.uuid];
}
