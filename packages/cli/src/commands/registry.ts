import type { CommandGroup } from '../command-types.js';
import { DOMAIN_CONSOLE_COMMANDS } from './domain-console.js';
import { DOMAIN_CONVERSION_COMMANDS } from './domain-conversion.js';
import { DOMAIN_EVENT_COMMANDS } from './domain-events.js';
import { DOMAIN_MANAGEMENT_COMMANDS } from './domain-management.js';
import { DOMAIN_MONITOR_COMMANDS } from './domain-monitor.js';
import { HOST_COMMANDS } from './host.js';
import { SHELL_COMMANDS } from './shell-builtins.js';

/** virtkit's commands in virsh's groups and order. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    name: 'Domain Management',
    keyword: 'domain',
    commands: [...DOMAIN_MANAGEMENT_COMMANDS, ...DOMAIN_CONSOLE_COMMANDS, ...DOMAIN_CONVERSION_COMMANDS],
  },
  { name: 'Domain Monitoring', keyword: 'monitor', commands: DOMAIN_MONITOR_COMMANDS },
  { name: 'Domain Events', keyword: 'events', commands: DOMAIN_EVENT_COMMANDS },
  { name: 'Host and Hypervisor', keyword: 'host', commands: HOST_COMMANDS },
  { name: 'Virtkit itself', keyword: 'virtkit', commands: SHELL_COMMANDS },
];
