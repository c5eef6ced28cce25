/**
 * statfs f_type magic numbers of kernel pseudo filesystems, never scanned (ncdu's list plus a few):
 * proc, sysfs, cgroup, cgroup2, debugfs, devpts, securityfs, selinuxfs, pstore, bpf, tracefs,
 * configfs, fusectl, binfmt_misc, efivarfs, mqueue.
 */
export const KERNFS_MAGICS: number[] = [
  0x9fa0, // proc
  0x62656572, // sysfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x64626720, // debugfs
  0x1cd1, // devpts
  0x73636673, // securityfs
  0xf97cff8c, // selinuxfs
  0x6165676c, // pstore
  0xcafe4a11, // bpf
  0x74726163, // tracefs
  0x62656570, // configfs
  0x65735543, // fusectl
  0x42494e4d, // binfmt_misc
  0xde5e81e4, // efivarfs
  0x19800202, // mqueue
];
