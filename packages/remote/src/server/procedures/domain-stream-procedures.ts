import type * as P from '../../generated/remote-protocol.js';
import { REMOTE_PROC_DOMAIN_OPEN_CONSOLE } from '../../generated/remote-protocol.js';
import { CONSOLE_FLAGS } from '../../wire/flags.js';
import { checkFlags } from '../flag-options.js';
import { StreamReply } from '../server-stream.js';
import { onDomain } from './on-domain.js';

/** Procedures whose reply opens a stream on the call's serial. */
export const DOMAIN_STREAM_PROCEDURES = [
  onDomain<P.RemoteDomainOpenConsoleArgs, StreamReply>(
    REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
    async (domain, args) => {
      checkFlags(args.flags, CONSOLE_FLAGS.force | CONSOLE_FLAGS.safe, 'virDomainOpenConsole');
      const duplex = await domain.openConsole({
        ...(args.dev_name !== null ? { devName: args.dev_name } : {}),
        force: (args.flags & CONSOLE_FLAGS.force) !== 0,
        safe: (args.flags & CONSOLE_FLAGS.safe) !== 0,
      });
      return new StreamReply(duplex);
    },
  ),
];
