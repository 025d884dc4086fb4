import type { XmlElement } from '@virtkit/core';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

export function clockTimer(ctx: ArgvContext, name: string): XmlElement | undefined {
  return ctx.def.clock.rest?.children.find((t) => t.name === 'timer' && t.attrs.name === name);
}

/** PIT tick policies as the in-kernel PIT's lost_tick_policy. */
const PIT_POLICIES: Record<string, string> = { delay: 'delay', catchup: 'slew', discard: 'discard' };

/** The RTC's base, with catch-up of missed ticks when asked, and the PIT's lost-tick policy. */
export function rtcArgs(ctx: ArgvContext): string[] {
  const rtc = clockTimer(ctx, 'rtc');
  const props = {
    base: ctx.def.clock.offset === 'localtime' ? 'localtime' : 'utc',
    driftfix: rtc?.attrs.tickpolicy === 'catchup' ? 'slew' : undefined,
  };
  const args = ['-rtc', formatKeyValue(props)];
  const pitPolicy = PIT_POLICIES[clockTimer(ctx, 'pit')?.attrs.tickpolicy ?? ''];
  if (pitPolicy) args.push('-global', `kvm-pit.lost_tick_policy=${pitPolicy}`);
  return args;
}
