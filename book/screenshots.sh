#!/usr/bin/env bash
# See the book as a reader does: build it, serve it on 127.0.0.1, and take screenshots
# of a few pages with headless Chromium, in the light theme and in a dark one.
#
#   book/screenshots.sh                  the default pages (below)
#   book/screenshots.sh PAGE.html...     these pages, e.g. timeouts.html
#   HEIGHT=6000 book/screenshots.sh ...  a taller window, to see further down a page
#
# The PNGs go to target/screenshots/ (not committed): PAGE-light.png, PAGE-dark.png,
# each the top HEIGHT pixels (default 2000) of the page, 1280 pixels wide. (Not a
# `#heading` further down: headless Chromium scrolls to it but paints the part above
# as a blank band.)
# Look at them: a picture that does not render, a table that overflows or a dark
# theme that swallows a figure shows here and nowhere else.
#
# Needs mdbook and Chromium. On Debian or Ubuntu: apt-get install -y chromium
# (set CHROMIUM=/path/to/chrome to use another build).
set -euo pipefail
cd "$(dirname "$0")/.."

default_pages=(
    introduction.html
    sockets-are-files.html
    first-server-and-client.html
    python-to-rust.html
    error-codes.html
    troubleshooting.html
    udp-datagrams.html
)

chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            chromium=$(command -v "$candidate")
            break
        fi
    done
fi
if [ -z "$chromium" ]; then
    echo "screenshots.sh: no Chromium found. On Debian or Ubuntu: apt-get install -y chromium" >&2
    echo "(or set CHROMIUM=/path/to/chromium)" >&2
    exit 2
fi
if ! command -v mdbook >/dev/null 2>&1; then
    echo "screenshots.sh: mdbook is missing: cargo install --locked mdbook --version 0.5.4" >&2
    exit 2
fi

out=target/screenshots
mkdir -p "$out"
echo "building the book"
build_failed=""
mdbook build book >"$out/mdbook.log" 2>&1 || build_failed=yes
# With more than one backend (the link checker is one), mdbook writes the HTML to
# book/book/html; with the HTML backend alone, to book/book.
html=book/book/html
[ -f "$html/index.html" ] || html=book/book
if [ ! -f "$html/index.html" ]; then
    cat "$out/mdbook.log" >&2
    exit 1
fi
if [ -n "$build_failed" ]; then
    # Typically a broken link: the HTML is there, so the pictures are still worth taking.
    echo "mdbook build failed (see $out/mdbook.log); taking the screenshots anyway" >&2
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Port 0: the kernel picks a free port, and the server says which.
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$html" >"$tmp/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
    port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$tmp/server.log")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "screenshots.sh: the web server did not start:" >&2
    cat "$tmp/server.log" >&2
    exit 1
fi
echo "serving the book at http://127.0.0.1:$port/"

# mdbook follows the browser's colour preference until the reader picks a theme:
# --force-dark-mode makes Chromium prefer dark, and mdbook shows its dark theme (navy).
shoot() { # URL FILE [EXTRA FLAGS...]
    local url=$1 file=$2
    shift 2
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/profile-$RANDOM" --hide-scrollbars \
        --virtual-time-budget=3000 --window-size=1280,"${HEIGHT:-2000}" \
        --screenshot="$file" "$@" "$url" >"$tmp/chromium.log" 2>&1 || {
        echo "screenshots.sh: Chromium failed on $url:" >&2
        tail -n 5 "$tmp/chromium.log" >&2
        return 1
    }
}

pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=("${default_pages[@]}")
for page in "${pages[@]}"; do
    file=${page%%#*}
    if [ "$file" != "$page" ]; then
        echo "  $page: the #heading is ignored (see the top of this script)"
        page=$file
    fi
    if [ ! -f "$html/$file" ]; then
        echo "  skipped $page: no such page in the built book"
        continue
    fi
    name=${file%.html}
    shoot "http://127.0.0.1:$port/$page" "$out/$name-light.png"
    shoot "http://127.0.0.1:$port/$page" "$out/$name-dark.png" --force-dark-mode
    echo "  $out/$name-light.png  $out/$name-dark.png"
done
