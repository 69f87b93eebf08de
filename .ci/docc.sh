#!/usr/bin/env bash
# Builds the DocC catalogue of every public library module with the toolchain's
# own `docc` (no package plugin), treating every DocC warning as an error.
#
# 1. One debug build of the library products in its own scratch path
#    (.build-docc, so the normal .build is left alone).
# 2. Each module's symbol graph is extracted from the built module with the
#    toolchain's swift-symbolgraph-extract, into a directory of its own. Graphs
#    emitted during compilation (-emit-symbol-graph) are not used: an incremental
#    build re-emits a module's graph only when that module recompiles, so a doc
#    comment changed in a dependency (inherited docs, or MLOps' re-exports) would
#    leave a stale graph behind. Extraction takes a fraction of a second.
# 3. `docc convert Sources/<Module>/<Module>.docc` with only that module's
#    graphs and --warnings-as-errors. Archives land in
#    .build-docc/archives/<Module>.doccarchive.
#
# Writing doc comments so that this passes: a ``Symbol`` link must resolve inside
# the module's own documentation. Refer to another module's symbols in code voice
# (`MLOpsError`, `KeyValueStore.scan(_:)`), not with double backticks.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(
    MLOpsCore InferenceCore DataVersioning ExperimentTracking Training
    Deployment Monitoring SQLiteStorage MLOps MLOpsTestKit
)
scratch=.build-docc
graphs="$scratch/symbol-graphs"
output="$scratch/archives"

# Every library product of the package must have a catalogue here.
for product in $(sed -n 's/.*\.library(name: "\([A-Za-z0-9_]*\)".*/\1/p' Package.swift); do
    if [[ " ${modules[*]} " != *" $product "* ]]; then
        echo "error: the library product $product is not in .ci/docc.sh's module list" >&2
        exit 1
    fi
done

toolchain="$(dirname "$(command -v swift)")"
docc="${DOCC:-$toolchain/docc}"
extract="$toolchain/swift-symbolgraph-extract"
for tool in "$docc" "$extract"; do
    if [[ ! -x "$tool" ]]; then
        echo "error: $tool not found next to swift; set DOCC=/path/to/docc if docc lives elsewhere" >&2
        exit 1
    fi
done

# MLOps depends on every module except MLOpsTestKit.
swift build --scratch-path "$scratch" --target MLOps
swift build --scratch-path "$scratch" --target MLOpsTestKit
modulesDir="$(swift build --scratch-path "$scratch" --show-bin-path)/Modules"

# Module maps of the package's C targets, which the extractor must find: the system-library
# targets' own (CSQLite) and the ones SwiftPM generates for C source targets (CMLOpsKernels).
includes=(-I "$modulesDir")
for map in Sources/*/module.modulemap "$(dirname "$modulesDir")"/*.build/module.modulemap; do
    [[ -f "$map" ]] && includes+=(-I "$(dirname "$map")")
done

rm -rf "$graphs" "$output"
mkdir -p "$graphs" "$output"

failed=()
for module in "${modules[@]}"; do
    printf -- '--- %s\n' "$module"
    catalogue="Sources/$module/$module.docc"
    if [[ ! -d "$catalogue" ]]; then
        echo "error: $module has no DocC catalogue at $catalogue" >&2
        failed+=("$module")
        continue
    fi
    # The module's own graphs: <Module>.symbols.json and, for extensions of other
    # modules' types, <Module>@<Other>.symbols.json.
    mkdir -p "$graphs/$module"
    if ! "$extract" -module-name "$module" "${includes[@]}" -minimum-access-level public \
        -output-dir "$graphs/$module"; then
        echo "error: no symbol graph for $module" >&2
        failed+=("$module")
        continue
    fi
    log="$scratch/docc-$module.log"
    status=0
    "$docc" convert "$catalogue" \
        --fallback-display-name "$module" \
        --fallback-bundle-identifier "org.swift-mlops.$module" \
        --additional-symbol-graph-dir "$graphs/$module" \
        --output-path "$output/$module.doccarchive" \
        --warnings-as-errors >"$log" 2>&1 || status=$?
    cat "$log"
    # A warning that did not fail the conversion fails CI all the same.
    if ((status != 0)) || grep -qE '^(warning|error): ' "$log"; then
        failed+=("$module")
    fi
done

if ((${#failed[@]} > 0)); then
    echo "error: DocC reported problems in: ${failed[*]}" >&2
    exit 1
fi
echo "DocC: ${#modules[@]} catalogues built with no warnings (archives in $output)"
