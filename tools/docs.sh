#!/usr/bin/env bash
# tools/docs.sh — the DocC reference of the library: one combined archive of the layers
# (NPLMStatistics … NPLMCampaigns) and the umbrella NPLM, each module with its catalogue
# (Sources/<module>/Documentation.docc: the module page and the method articles).
#
#   tools/docs.sh [extra generate-documentation options…]
#
# runs `swift package generate-documentation --enable-experimental-combined-documentation
# --target NPLMStatistics … --target NPLM --warnings-as-errors` and prints where the archive is.
# Any DocC warning (an unresolved ``symbol`` link, a documented parameter that does not exist, a
# parameter left out of a `- Parameters:` list) fails it, with the warnings printed; the whole log
# is in .build/docs.log. Static HTML for a web server: tools/docs.sh --output-path DIR
# --transform-for-static-hosting (with `swift package --allow-writing-to-directory DIR` rights,
# see the plugin's help).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(NPLMStatistics NPLMCore NPLMData NPLMEngines NPLMMethods NPLMCampaigns NPLM)
arguments=(generate-documentation --enable-experimental-combined-documentation)
for target in "${targets[@]}"; do arguments+=(--target "$target"); done
mkdir -p .build
log=.build/docs.log
status=0
swift package "${arguments[@]}" --warnings-as-errors "$@" >"$log" 2>&1 || status=$?
# DocC prints a diagnostic as "warning: …" or "error: …" followed by its place (" --> file:line").
problems=$(grep -E '^(warning|error): |^ *--> ' "$log" || true)
if [ "$status" -ne 0 ] || [ -n "$problems" ]; then
    echo "docs: swift package generate-documentation failed (exit $status) or warned:"
    if [ -n "$problems" ]; then echo "$problems"; else tail -n 20 "$log"; fi
    exit 1
fi
archive=$(grep -A1 'Generated combined documentation archive at:' "$log" | tail -n 1 | sed 's/^ *//')
echo "docs: ${#targets[@]} modules, no warning: ${archive:-see $log}"
