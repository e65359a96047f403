# shellcheck shell=bash
# Sourced by the other scripts: puts Swift on PATH and installs what is missing
# (LOTTERY_DEPS: which groups of scripts/install-deps; its default otherwise).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "lottery needs a Swift 6 toolchain on PATH (https://www.swift.org/install/linux/)" >&2
    exit 1
fi
read -ra lottery_deps <<<"${LOTTERY_DEPS:-}"
"$ROOT/scripts/install-deps" "${lottery_deps[@]}"
