#!/bin/sh
# The Windows build of crate NAME, run under Wine: `sh book/runs/windows.sh NAME [ARGS...]`.
# For the book's Windows output blocks. Needs what .ci/run installs for its Windows
# step: the x86_64-pc-windows-gnu target, mingw (x86_64-w64-mingw32-gcc) and Wine.
# Wine is not Windows: a block made this way says it ran under Wine, and the chapter
# names Microsoft's documentation for what Windows itself promises.
. "$(dirname "$0")/common.sh"
name=$1
shift
for tool in x86_64-w64-mingw32-gcc wine; do
    if ! command -v "$tool" >/dev/null; then
        echo "windows.sh: $tool is missing; install gcc-mingw-w64-x86-64 and wine64 (Debian), as .ci/run does" >&2
        exit 1
    fi
done
shim=target/wine-shim
if [ ! -f "$shim/bcryptprimitives.dll" ]; then
    mkdir -p "$shim"
    x86_64-w64-mingw32-gcc -O2 -shared -o "$shim/bcryptprimitives.dll" \
        .ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def
fi
export WINEPATH="$PWD/$shim" WINEPREFIX="$PWD/target/wine-prefix" WINEDEBUG=-all
if [ ! -d "$WINEPREFIX" ]; then
    wineboot -i >/dev/null 2>&1 # Wine's first start makes its prefix, and says so
fi
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    cargo build --quiet --target x86_64-pc-windows-gnu --package "$name"
wine "target/x86_64-pc-windows-gnu/debug/$name.exe" "$@" 2>&1 | tr -d '\r'
