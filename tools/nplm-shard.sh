#!/usr/bin/env bash
# tools/nplm-shard.sh — the job of tools/htcondor.sub: one shard of an nplm toy campaign, or the
# final merge (tools/htcondor-merge.sub).
#
#   tools/nplm-shard.sh shard I SHARDS OUTDIR [nplm toys options…]
#       runs `nplm toys … --shard I/SHARDS --output OUTDIR/shard-I.jsonl`; run again after an
#       interruption, it trains only the toys the shard file does not hold yet.
#   tools/nplm-shard.sh merge SHARDS OUTDIR
#       `nplm merge OUTDIR/shard-{0..SHARDS-1}.jsonl --output OUTDIR/campaign.jsonl`, then
#       `nplm report OUTDIR/campaign.jsonl --plots OUTDIR/plots` into OUTDIR/report.txt.
#   tools/nplm-shard.sh condor SHARDS OUTDIR [nplm toys options…]
#       writes OUTDIR/campaign.dag (every shard via tools/htcondor.sub, then the merge via
#       tools/htcondor-merge.sub) and submits it with condor_submit_dag.
#
# Environment: NPLM = the nplm binary (default: `nplm` next to this script's folder's parent
# .build/release, else on PATH).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -z ${NPLM:-} ]]; then
    if [[ -x $here/../.build/release/nplm ]]; then NPLM=$here/../.build/release/nplm; else NPLM=nplm; fi
fi

usage() {
    echo "usage: $0 shard I SHARDS OUTDIR [nplm toys options…] | $0 merge SHARDS OUTDIR | $0 condor SHARDS OUTDIR [options…]" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
case $1 in
shard)
    [[ $# -ge 4 ]] || usage
    index=$2 shards=$3 outdir=$4
    shift 4
    mkdir -p "$outdir"
    exec "$NPLM" toys "$@" --shard "$index/$shards" --output "$outdir/shard-$index.jsonl"
    ;;
condor)
    [[ $# -ge 3 ]] || usage
    shards=$2
    mkdir -p "$3"
    outdir=$(cd "$3" && pwd)
    shift 3
    root=$(cd "$here/.." && pwd)
    options="$*"
    [[ $options != *'"'* ]] || { echo "$0: options for HTCondor cannot contain double quotes" >&2; exit 2; }
    {
        echo "# written by tools/nplm-shard.sh condor: the shards of one nplm campaign, then the merge"
        echo "JOB shards tools/htcondor.sub DIR $root"
        echo "VARS shards shards=\"$shards\" outdir=\"$outdir\" options=\"$options\""
        echo "JOB merge tools/htcondor-merge.sub DIR $root"
        echo "VARS merge shards=\"$shards\" outdir=\"$outdir\""
        echo "PARENT shards CHILD merge"
    } > "$outdir/campaign.dag"
    exec condor_submit_dag "$outdir/campaign.dag"
    ;;
merge)
    [[ $# -eq 3 ]] || usage
    shards=$2 outdir=$3
    files=()
    for ((i = 0; i < shards; i++)); do
        [[ -f $outdir/shard-$i.jsonl ]] || { echo "$0: $outdir/shard-$i.jsonl is missing: rerun shard $i" >&2; exit 1; }
        files+=("$outdir/shard-$i.jsonl")
    done
    "$NPLM" merge "${files[@]}" --output "$outdir/campaign.jsonl"
    "$NPLM" report "$outdir/campaign.jsonl" --plots "$outdir/plots" | tee "$outdir/report.txt"
    ;;
*)
    usage
    ;;
esac
