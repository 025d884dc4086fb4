import { VirtError } from '@virtkit/core';
import type { ClientSession } from './client-session.js';

/** Words libvirt's API names keep in capitals (virDomainGetXMLDesc, virConnectGetURI, …). */
const ACRONYMS = new Set([
  'XML',
  'UUID',
  'ID',
  'OS',
  'CPU',
  'URI',
  'PCI',
  'SCSI',
  'WWN',
  'FS',
  'IO',
  'MAC',
  'NUMA',
]);

/**
 * The public API a procedure stands for, by gendispatch's naming rule:
 * REMOTE_PROC_NODE_GET_MEMORY_STATS → virNodeGetMemoryStats.
 */
export function apiNameOf(procedureName: string): string {
  const words = procedureName.replace(/^REMOTE_PROC_/, '').split('_');
  return `vir${words.map((word) => (ACRONYMS.has(word) ? word : word.charAt(0) + word.slice(1).toLowerCase())).join('')}`;
}

/**
 * A procedure of the protocol the daemon does not serve yet: on an open connection it fails as
 * a driver without the function does in libvirtd (NO_SUPPORT naming the API).
 */
export async function unsupportedProcedure(session: ClientSession, procedureName: string): Promise<never> {
  const api = apiNameOf(procedureName);
  session.connection.assertOpen(api);
  throw new VirtError('NO_SUPPORT', api);
}
