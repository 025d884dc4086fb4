export { DEFAULT_LXC_EMULATOR, hostArch, postParseForLxc } from './post-parse.js';
export { consolesOf, validateForStart } from './validate-start.js';
