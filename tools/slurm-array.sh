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
# OUTDIR/report.txt. The options are saved in OUTDIR/options so every task runs the same command.
#
# A task that was killed (time limit, preemption, node failure) can simply be run again: nplm
# resumes from its shard file and trains only the missing toys, e.g. for task 7:
#   sbatch --array=7 tools/slurm-array.sh shard 20 runs/null-w9
# then rerun the merge: tools/slurm-array.sh merge 20 runs/null-w9
#
# Environment: NPLM = the nplm binary (default: `nplm` on PATH). Extra sbatch options (account,
# partition, time) go in SBATCH_OPTIONS, e.g. SBATCH_OPTIONS="--partition=gpu --gres=gpu:1".
# Each task uses --threads $SLURM_CPUS_PER_TASK unless the options set --threads.
#
#SBATCH --job-name=nplm-toys
#SBATCH --cpus-per-task=2
#SBATCH --time=24:00:00
#SBATCH --output=slurm-%x-%A_%a.out

set -euo pipefail

NPLM=${NPLM:-nplm}
usage() {
    echo "usage: $0 submit|shard|merge SHARDS OUTDIR [nplm toys options…]" >&2
    exit 2
}

[[ $# -ge 3 ]] || usage
mode=$1 shards=$2 outdir=$3
shift 3
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }

case $mode in
submit)
    mkdir -p "$outdir"
    # The options, one per line, so that resubmitted tasks run exactly the same campaign.
    printf '%s\n' "$@" > "$outdir/options"
    # shellcheck disable=SC2086
    array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array=0-$((shards - 1)) "$0" shard "$shards" "$outdir")
    array=${array%%;*}
    # shellcheck disable=SC2086
    merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --job-name=nplm-merge --cpus-per-task=1 --time=1:00:00 \
        --dependency=afterok:"$array" "$0" merge "$shards" "$outdir")
    echo "submitted array job $array ($shards shards) and merge job ${merge%%;*}; results in $outdir"
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
