export { type CgroupLayout, detectCgroupLayout, hostCgroupLayout } from './cgroup-layout.js';
export { type CgroupTune, cgroupTuneOf } from './cgroup-tune.js';
export { ContainerCgroup } from './container-cgroup.js';
export { containerCgroupName, createContainerCgroup } from './create-cgroup.js';
export { DEVICE_ACL, type LimitWrite, limitWrites } from './limit-writes.js';
export { type CgroupMount, parseCgroupMounts } from './mountinfo.js';
