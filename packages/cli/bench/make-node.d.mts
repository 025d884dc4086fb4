/** A libvirt test-driver node file with `count` generated domains. */
export function makeNode(count: number): string;
