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
phase=$1; shift
if [ "$phase" = outer ]; then
  cgroups=$1 cpu=$2 fsize_kb=$3 nproc=$4 as_kb=$5 idbase=$6 idcount=$7; shift 7
  IFS=: read -ra files <<< "$cgroups"
  for f in "${files[@]}"; do [ -n "$f" ] && echo $$ > "$f"; done
  ulimit -t "$cpu" -f "$fsize_kb" -u "$nproc" -v "$as_kb" -c 0
  exec unshare --map-users="$idbase,0,$idcount" --map-groups="$idbase,0,$idcount" \
    --setuid 0 --setgid 0 --mount --pid --fork --net --uts --ipc --cgroup --kill-child \
    --propagation private -- /bin/bash "$0" inner "$@"
fi

base=$1 mnt=$2 size_mb=$3 ctl_in=$4 ctl_out=$5
mount -t tmpfs -o "size=${size_mb}m,mode=0755" sbx "$mnt"
mkdir "$mnt/upper" "$mnt/work" "$mnt/root"
# userxattr: overlay in a user namespace cannot use trusted.* xattrs (SANDBOX.md §4).
mount -t overlay overlay -o "lowerdir=$base,upperdir=$mnt/upper,workdir=$mnt/work,userxattr" "$mnt/root"
r=$mnt/root
mkdir -p "$r/proc" "$r/dev" "$r/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
# The one /proc directory the mapped root cannot read (host-root-only); an empty, readable
# stand-in keeps `find /` as quiet as it is in AgentBench's containers.
mount -t tmpfs -o ro,size=4k,mode=0555 procmask "$r/proc/tty/driver" 2>/dev/null || true
mount -t tmpfs -o mode=0755,size=1m,nosuid,noexec dev "$r/dev"
for node in null zero full random urandom tty; do
  : > "$r/dev/$node"
  mount --bind "/dev/$node" "$r/dev/$node"
done
mkdir "$r/dev/pts" "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts"
mount -t tmpfs -o size=64m,nosuid,nodev shm "$r/dev/shm"
ln -s pts/ptmx "$r/dev/ptmx"
ln -s /proc/self/fd "$r/dev/fd"
ln -s /proc/self/fd/0 "$r/dev/stdin"
ln -s /proc/self/fd/1 "$r/dev/stdout"
ln -s /proc/self/fd/2 "$r/dev/stderr"
chmod 1777 "$r/tmp"
ip link set lo up 2>/dev/null || true
hostname sandbox
cd "$r"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
# Run umount from the old root: the sandbox's own binaries need not exist yet.
/.oldroot/usr/bin/umount -l /.oldroot
rmdir /.oldroot
# Keep the agent's pipes on fds 5/6 for the shells spawned later; take commands on stdin.
exec 5<&0 6>&1 0<&"$ctl_in" 1>&"$ctl_out" 2>&1 {ctl_in}<&- {ctl_out}>&-
exec /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb /bin/bash --noprofile --norc
