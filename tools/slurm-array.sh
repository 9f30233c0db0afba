#!/usr/bin/env bash
# tools/slurm-array.sh — an nplm toy campaign as a SLURM array job: one task per shard, then a
# merge job that joins the shard files and writes the report.
#
# Submit (from a login node; OUTDIR must be on a filesystem the compute nodes share):
#
#   tools/slurm-array.sh submit SHARDS OUTDIR [nplm toys options…]
#   tools/slurm-array.sh submit 20 runs/null-w9 --toys 2000 --epochs 300000 --clip 9 --seed 1
#
# This submits `sbatch --array=0-(SHARDS-1)` of this script (task i runs
# `nplm toys --shard i/SHARDS … --output OUTDIR/shard-i.jsonl`) and a merge job that starts when
# every task has succeeded (`--dependency=afterok`): `nplm merge OUTDIR/shard-*.jsonl --output
# OUTDIR/campaign.jsonl`, then `nplm report OUTDIR/campaign.jsonl --plots OUTDIR/plots` into
# OUTDIR/report.txt. The options are saved in OUTDIR/options so every task runs the same command;
# the job ids in OUTDIR/slurm-jobs. Task logs: slurm-nplm-toys-ARRAY_TASK.out in the submit folder.
#
# A task that was killed (scancel, time limit, preemption, node failure) is resubmitted once the
# array has ended; nplm resumes from its shard file and trains only the missing toys:
#
#   tools/slurm-array.sh resume SHARDS OUTDIR [TASKS]
#   tools/slurm-array.sh resume 20 runs/null-w9 7        # task 7 (TASKS: an sbatch --array list)
#   tools/slurm-array.sh resume 20 runs/null-w9          # every task: finished shards exit at once
#
# resubmits those tasks and a new merge job after them, and cancels the first merge job if it has
# not started (its afterok dependency can no longer be met). By hand, the same:
#   sbatch --array=7 tools/slurm-array.sh shard 20 runs/null-w9
#   tools/slurm-array.sh merge 20 runs/null-w9
#
# Environment: NPLM = the nplm binary (default: .build/release/nplm of this repository, else `nplm`
# on PATH). `submit` resolves it to an absolute path and saves it in OUTDIR/nplm-path, which the
# tasks read: SLURM runs a spooled copy of this script (under SlurmdSpoolDir), so a task cannot find
# the repository from its own path. Extra sbatch options (account, partition, time) go in
# SBATCH_OPTIONS, e.g. SBATCH_OPTIONS="--partition=gpu --gres=gpu:1". Each task uses
# --threads $SLURM_CPUS_PER_TASK unless the options set --threads.
#
#SBATCH --job-name=nplm-toys
#SBATCH --cpus-per-task=2
#SBATCH --time=24:00:00
#SBATCH --output=slurm-%x-%A_%a.out

set -euo pipefail

usage() {
    echo "usage: $0 submit SHARDS OUTDIR [nplm toys options…] | resume SHARDS OUTDIR [TASKS] | shard|merge SHARDS OUTDIR" >&2
    exit 2
}
fail() {
    echo "$0: $*" >&2
    exit 1
}

[[ $# -ge 3 ]] || usage
mode=$1 shards=$2 outdir=$3
shift 3
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }

# The binary inside a task: NPLM if the task's environment has it, else the one `submit` saved.
if [[ -z ${NPLM:-} && $mode != submit && -f $outdir/nplm-path ]]; then NPLM=$(cat "$outdir/nplm-path"); fi
NPLM=${NPLM:-nplm}

# sbatch the tasks $1 (an --array list) of this script, then the merge job after them; saves both
# job ids in OUTDIR/slurm-jobs.
submit_jobs() {
    local array merge
    # shellcheck disable=SC2086
    array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="$1" "$0" shard "$shards" "$outdir") ||
        fail "sbatch refused the array job (see its message above)"
    array=${array%%;*}
    # shellcheck disable=SC2086
    merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --job-name=nplm-merge --cpus-per-task=1 --time=1:00:00 \
        --output=slurm-%x-%j.out --dependency=afterok:"$array" "$0" merge "$shards" "$outdir") ||
        fail "sbatch refused the merge job (see its message above); the array job $array runs: merge later with $0 merge $shards $outdir"
    merge=${merge%%;*}
    echo "$array $merge" > "$outdir/slurm-jobs"
    echo "submitted array job $array (tasks $1 of $shards shards) and merge job $merge; results in $outdir"
}

case $mode in
submit)
    command -v sbatch >/dev/null || fail "sbatch not found: submit from a SLURM login node"
    if [[ $NPLM == nplm ]]; then
        here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        if [[ -x $here/../.build/release/nplm ]]; then NPLM=$here/../.build/release/nplm; fi
    fi
    binary=$(command -v "$NPLM") || fail "the nplm binary '$NPLM' was not found: build it (swift build -c release) or set NPLM"
    [[ $binary == /* ]] || binary=$PWD/$binary
    mkdir -p "$outdir"
    printf '%s\n' "$binary" > "$outdir/nplm-path"
    # The options, one per line, so that resubmitted tasks run exactly the same campaign.
    if [[ $# -gt 0 ]]; then printf '%s\n' "$@" > "$outdir/options"; else : > "$outdir/options"; fi
    submit_jobs "0-$((shards - 1))"
    ;;
resume)
    [[ $# -le 1 ]] || usage
    tasks=${1:-0-$((shards - 1))}
    command -v sbatch >/dev/null || fail "sbatch not found: resume from a SLURM login node"
    [[ -f $outdir/options && -f $outdir/nplm-path ]] || fail "$outdir holds no campaign submitted by '$0 submit'"
    if [[ -f $outdir/slurm-jobs ]]; then
        read -r old_array old_merge < "$outdir/slurm-jobs"
        # Two runs of one shard at once would be refused by nplm's lock on the shard file.
        [[ -z $(squeue -h -j "$old_array" -o %i 2>/dev/null) ]] ||
            fail "array job $old_array still has tasks queued or running: wait for it, or scancel $old_array first"
        if [[ -n $(squeue -h -j "$old_merge" -t PENDING -o %i 2>/dev/null) ]]; then
            scancel "$old_merge" && echo "cancelled the earlier merge job $old_merge (it waited for tasks that failed)"
        fi
    fi
    submit_jobs "$tasks"
    ;;
shard)
    task=${SLURM_ARRAY_TASK_ID:?shard mode runs inside a SLURM array task (SLURM_ARRAY_TASK_ID unset)}
    options=()
    if [[ -f $outdir/options ]]; then mapfile -t options < "$outdir/options"; fi
    options+=("$@")
    threads=()
    if [[ -n ${SLURM_CPUS_PER_TASK:-} && " ${options[*]} " != *" --threads "* ]]; then
        threads=(--threads "$SLURM_CPUS_PER_TASK")
    fi
    exec "$NPLM" toys "${options[@]}" "${threads[@]}" --shard "$task/$shards" --output "$outdir/shard-$task.jsonl"
    ;;
merge)
    files=()
    for ((i = 0; i < shards; i++)); do
        [[ -f $outdir/shard-$i.jsonl ]] || { echo "$0: $outdir/shard-$i.jsonl is missing: rerun task $i" >&2; exit 1; }
        files+=("$outdir/shard-$i.jsonl")
    done
    "$NPLM" merge "${files[@]}" --output "$outdir/campaign.jsonl"
    "$NPLM" report "$outdir/campaign.jsonl" --plots "$outdir/plots" | tee "$outdir/report.txt"
    ;;
*)
    usage
    ;;
esac
