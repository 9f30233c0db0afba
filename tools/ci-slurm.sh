#!/usr/bin/env bash
# tools/ci-slurm.sh — a throwaway single-node SLURM on this machine, for the SLURM test
# (Tests/NPLMTests/SlurmClusterTests.swift) in CI and on a developer's machine.
#
#   tools/ci-slurm.sh start   starts munged, slurmctld and slurmd on 127.0.0.1 with a configuration,
#                             key, state and logs in DIR, waits until the node takes jobs, then
#                             prints `export SLURM_CONF=DIR/slurm.conf` (the clients need it):
#                               eval "$(tools/ci-slurm.sh start)" && swift test --filter Slurm
#   tools/ci-slurm.sh stop    stops the three daemons this script started and removes DIR
#   tools/ci-slurm.sh status  sinfo and squeue of that cluster
#
# DIR is $NPLM_SLURM_DIR, default /tmp/nplm-ci-slurm. Nothing outside DIR is written, and the ports
# (16817, 16818) are not SLURM's defaults, so a real SLURM or munge on the same machine is left
# alone. Needs the Debian packages slurm-wlm and munge (.ci/run installs them) and root (the
# daemons run as root; jobs run as the submitting user). Every wait is bounded: a daemon that does
# not come up makes `start` fail within about a minute, printing the end of its log.
set -euo pipefail

dir=${NPLM_SLURM_DIR:-/tmp/nplm-ci-slurm}
conf=$dir/slurm.conf

fail() {
    echo "$0: $*" >&2
    exit 1
}

# Stops the daemon whose pid file is $1, if that process is still the named program (a pid file
# left from an earlier boot may name an unrelated process by now).
stop_daemon() {
    local pidfile=$1 name=$2 pid
    [[ -f $pidfile ]] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null || true) == "$name" ]]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            [[ -d /proc/$pid ]] || break
            sleep 0.1
        done
        if [[ -d /proc/$pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pidfile"
}

stop() {
    stop_daemon "$dir/slurmd.pid" slurmd
    stop_daemon "$dir/slurmctld.pid" slurmctld
    stop_daemon "$dir/munge/munged.pid" munged
    rm -rf "$dir"
}

# The last lines of every log in DIR, for a start that failed.
logs() {
    local log
    for log in "$dir"/*.log "$dir"/munge/*.log; do
        [[ -f $log ]] || continue
        echo "--- $log (last lines)" >&2
        tail -n 15 "$log" >&2
    done
}

start() {
    [[ $(id -u) -eq 0 ]] || fail "start needs root (the throwaway SLURM runs its daemons as root)"
    local program
    for program in munged mungekey slurmctld slurmd sbatch scontrol sinfo; do
        command -v "$program" >/dev/null || fail "$program not found: install the Debian packages slurm-wlm and munge"
    done
    stop
    mkdir -p "$dir/munge" "$dir/ctld" "$dir/slurmd"
    chmod 755 "$dir" "$dir/munge"

    # munge: its own key and socket, so an installed munge (and its key) is not touched.
    mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null
    chmod 600 "$dir/munge/munge.key"
    munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" ||
        { logs; fail "munged did not start"; }

    # The node as slurmd sees this machine (CPUs, sockets, memory), on the loopback address.
    local host node
    host=$(hostname -s)
    node=$(timeout 30 slurmd -C | head -n 1) || fail "slurmd -C could not describe this machine"
    [[ $node == NodeName=* ]] || fail "slurmd -C printed '$node', not a node line"
    cat > "$conf" <<EOF
# written by tools/ci-slurm.sh: a throwaway single-node cluster on 127.0.0.1
ClusterName=nplmci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/slurmd
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# No cgroups (a container may have none to give): plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# Start jobs as soon as they can run (defaults wait up to seconds between scheduling passes) and
# let up to 4 jobs share a core: the test's shards are small, and one round of them is quicker.
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=5
MinJobAge=600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
    export SLURM_CONF=$conf
    slurmctld -f "$conf" || { logs; fail "slurmctld did not start"; }
    slurmd -f "$conf" || { logs; fail "slurmd did not start"; }

    # Ready when the controller answers and the node is idle (takes jobs).
    local state=""
    for _ in $(seq 60); do
        state=$(timeout 10 sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)
        [[ $state == idle ]] && break
        sleep 1
    done
    if [[ $state != idle ]]; then
        logs
        fail "the node did not become idle within 60 s (state '${state:-no answer}')"
    fi
    echo "export SLURM_CONF=$conf"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status)
    export SLURM_CONF=$conf
    timeout 10 sinfo
    timeout 10 squeue
    ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
