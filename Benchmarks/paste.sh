#!/bin/sh
# Times InputDecoder on a bracketed paste (default 1 MiB), optimised, outside the package: the decoder and the
# few view-model types it uses are compiled with swiftc -O next to Benchmarks/Paste/main.swift. Prints the
# median and worst of 5 runs. Usage: Benchmarks/paste.sh [characters]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -v '^import CaseloadViewModels' "$root/Sources/CaseloadTUI/InputDecoder.swift" > "$work/decoder.swift"
cp "$root/Sources/CaseloadViewModels/Input.swift" "$work/input.swift"
cat > "$work/size.swift" <<'SWIFT'
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
}
SWIFT
cp "$root/Benchmarks/Paste/main.swift" "$work/main.swift"
swiftc -O -module-name PasteBench "$work/decoder.swift" "$work/input.swift" "$work/size.swift" "$work/main.swift" \
    -o "$work/paste-bench"
"$work/paste-bench" "${1:-1048576}"
