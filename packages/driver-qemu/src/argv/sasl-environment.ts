import type { ArgvContext } from './qemu-command.js';

/** SASL for VNC or SPICE reads its configuration from where qemu.conf points (first display wins). */
export function saslEnvironment(ctx: ArgvContext): [string, string][] {
  const { config } = ctx.host;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'graphics') continue;
    if (dev.type === 'vnc' && config.vncSasl) return [['SASL_CONF_PATH', config.vncSaslDir]];
    if (dev.type === 'spice' && config.spiceSasl) return [['SASL_CONF_PATH', config.spiceSaslDir]];
  }
  return [];
}
