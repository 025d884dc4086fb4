export { DEFAULT_LXC_EMULATOR, postParseForLxc } from './post-parse.js';
export { consolesOf, validateForStart } from './validate-start.js';
