#!/usr/bin/env bash
# Runs a fixed set of small nplm commands — every kind of campaign, fit, eval, permute, merge,
# report, calibrate, bad inputs and every --help — and keeps what each printed, its exit status
# and the files it wrote, in a folder. Two folders made by two builds are compared with
# `diff -r`: a refactoring that changes nothing for a user leaves no difference.
#
#   tools/cli-snapshot.sh NPLM_BINARY OUT_FOLDER
#   diff -r OUT_BEFORE OUT_AFTER
#
# Timings and progress lines are dropped; everything else is kept byte for byte.
set -euo pipefail
nplm=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out/work"
cd "$out/work"

# Inputs: 1-D samples as npy, written by the binary's own toys would need a reader; use python.
python3 - <<'EOF'
import numpy as np
rng = np.random.default_rng(7)
np.save("ref.npy", rng.exponential(1.0, 3000).astype(np.float64))
np.save("data.npy", rng.exponential(1.1, 300).astype(np.float64))
np.save("a.npy", rng.exponential(1.0, 200).astype(np.float64))
np.save("b.npy", rng.exponential(1.0, 220).astype(np.float64))
EOF

n=0
# run NAME ARGS...: runs nplm, keeps stdout, stderr (timings dropped) and the exit status.
run() {
    local name=$1
    shift
    n=$((n + 1))
    local tag
    tag=$(printf '%02d-%s' "$n" "$name")
    set +e
    "$nplm" "$@" >"../$tag.out" 2>"../$tag.err.raw"
    echo "$?" >"../$tag.status"
    set -e
    grep -v -E 'took|elapsed|[0-9.]+ s\b|/s\b|toys/s|ETA|remaining|s per |seconds' "../$tag.err.raw" >"../$tag.err" || true
    rm -f "../$tag.err.raw"
    echo "$*" >"../$tag.command"
}

small=(--epochs 200 --reference-size 2000 --expected 200 --backend cpu --threads 1)
run toys-plain toys --toys 3 "${small[@]}" --history-every 100 --output plain.jsonl
run toys-np2 toys --toys 3 "${small[@]}" --signal NP2 --output np2.jsonl
run toys-resume toys --toys 4 "${small[@]}" --history-every 100 --output plain.jsonl
run toys-shard0 toys --toys 4 "${small[@]}" --history-every 100 --shard 0/2 --output s0.jsonl
run toys-shard1 toys --toys 4 "${small[@]}" --history-every 100 --shard 1/2 --output s1.jsonl
run merge merge s1.jsonl s0.jsonl --output merged.jsonl
run toys-reference toys --toys 2 --epochs 50 --reference-size 500 --expected 50 --backend reference --output ref.jsonl
run toys-symmetric toys --toys 2 --preset symmetric --size-a 150 --size-b 150 --epochs 200 --backend cpu --threads 1 --output sym.jsonl
run toys-crossentropy toys --toys 2 --preset symmetric --statistic crossentropy --size-a 150 --size-b 150 --epochs 200 --backend cpu --threads 1 --output ce.jsonl
run toys-nuisance toys --toys 2 "${small[@]}" --nuisances scale,norm --nuisance-truth 1 --output nu.jsonl
run toys-kernel toys --toys 3 --model kernel --reference-size 2000 --expected 200 --backend cpu --threads 1 --output kernel.jsonl
run toys-kernel-np1 toys --toys 3 --model kernel --reference-size 2000 --expected 200 --signal NP1 --backend cpu --threads 1 --output kernel-np1.jsonl
run toys-gauss toys --toys 2 --benchmark gauss --dimension 4 --architecture 4,5,1 --epochs 100 --reference-size 1000 --expected 100 --backend cpu --threads 1 --signal shift --output gauss.jsonl
run report-plain report plain.jsonl
run report-null report np2.jsonl --null plain.jsonl --plots plots-np2
run report-sym report sym.jsonl
run report-nu report nu.jsonl
run report-kernel report kernel-np1.jsonl --null kernel.jsonl --plots plots-kernel
run report-gauss report gauss.jsonl
run fit fit --data data.npy --reference ref.npy --expected 300 --epochs 300 --backend cpu --threads 1 --output fit.json --save-model model.json
run eval eval --model model.json --data data.npy --reference ref.npy
run fit-observed fit --data data.npy --reference ref.npy --epochs 300 --backend reference --output fit-observed.json
run fit-kernel fit --model kernel --data data.npy --reference ref.npy --expected 300 --backend cpu --threads 1 --output fit-kernel.json
run fit-kernel-null fit --model kernel --data data.npy --reference ref.npy --expected 200 --backend cpu --threads 1 --null kernel.jsonl
run permute permute --a a.npy --b b.npy --permutations 3 --epochs 100 --backend cpu --threads 1 --output permute.json
run calibrate calibrate --expected 100 --reference-size 1000 --epochs 100 --root-toys 4 --root-steps 2 --toys 4 --points 2 --backend cpu --threads 1 --json
run bad-epochs fit --data data.npy --reference ref.npy --epochs -5
run bad-expected toys --toys 2 --expected 1e300
run bad-file fit --data missing.npy --reference ref.npy
run bad-output fit --data data.npy --reference ref.npy --epochs 5 --output data.npy
run bad-widths toys --toys 2 --model kernel --widths 0
for command in toys fit eval permute merge report calibrate devices crossval bench nuisance; do
    run "help-$command" "$command" --help
done
run help --help

# The files written, in a stable order (plots as they are: SVG text).
cd ..
rm -rf work/*.npy
find work -type f | sort >files.txt
