#!/bin/bash
# The local OS sandbox, in two phases (run by backends/local.py; not meant for people).
#
# outer (on the host, as root): join the sandbox's cgroups, set rlimits, then re-run this
#   script as "inner" inside new user (full id range), mount, pid, net, uts, ipc and cgroup
#   namespaces.
# inner (PID 1 of the new pid namespace, root mapped to the subordinate id range): build the
#   root filesystem (tmpfs + overlay over the read-only base), mount proc, a minimal /dev,
#   bring lo up, pivot_root into it and detach the host, then become the control shell that
#   reads commands from the control pipe. It cannot be killed from inside the sandbox
#   (namespace init), and when the host closes the control pipe it exits, which kills every
#   process of the sandbox and frees its tmpfs.
set -eu
# The caller's PATH may lack the sbin directories (pivot_root, ip, mount live there).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
phase=$1; shift
if [ "$phase" = outer ]; then
  cgroups=$1 cpu=$2 fsize_kb=$3 nproc=$4 as_kb=$5 idbase=$6 idcount=$7; shift 7
  IFS=: read -ra files <<< "$cgroups"
  for f in "${files[@]}"; do [ -n "$f" ] && echo $$ > "$f"; done
  ulimit -t "$cpu" -f "$fsize_kb" -u "$nproc" -v "$as_kb" -c 0
  # Docker's default open-file limit, which AgentBench's data relies on (`echo 1>f` style
  # redirections name descriptors far above 1024).
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  exec unshare --map-users="$idbase,0,$idcount" --map-groups="$idbase,0,$idcount" \
    --setuid 0 --setgid 0 --mount --pid --fork --net --uts --ipc --cgroup --kill-child \
    --propagation private -- /bin/bash "$0" inner "$@"
fi

mnt=$1 size_mb=$2 fstab=$3 ctl_in=$4 ctl_out=$5
r=$mnt/root
mount -t tmpfs -o "size=${size_mb}m,mode=0755" sbx "$mnt"
mkdir "$mnt/upper" "$mnt/work" "$r"
# One mount(8) for the rest (written by local.py): the overlay over the base (userxattr: a
# user namespace cannot use trusted.* xattrs, SANDBOX.md §4), proc, an empty stand-in for
# /proc/tty/driver (the one /proc directory the mapped root cannot read, which would make
# `find /` noisier than in AgentBench's containers), sysfs read-only (as docker mounts it),
# the static /dev template, devpts, shm.
mount -a --fstab "$fstab" 2>/dev/null || true
[ -e "$r/proc/self" ] && [ -c "$r/dev/null" ] || { mount -a -v --fstab "$fstab"; exit 1; }
ip link set lo up 2>/dev/null || true
hostname sandbox
cd "$r"
[ -d .oldroot ] || mkdir .oldroot
pivot_root . .oldroot
cd /
# Run umount from the old root: the sandbox's own binaries need not exist yet.
/.oldroot/usr/bin/umount -l /.oldroot
# Keep the agent's pipes on fds 5/6 for the shells spawned later; take commands on stdin.
exec 5<&0 6>&1 0<&"$ctl_in" 1>&"$ctl_out" 2>&1 {ctl_in}<&- {ctl_out}>&-
for var in $(compgen -e); do unset "$var"; done
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin USER=root \
  LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb
exec /bin/bash --noprofile --norc
