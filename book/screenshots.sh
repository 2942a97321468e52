#!/usr/bin/env bash
# See the book as a reader does: build it, and take screenshots of a few pages with
# headless Chromium, at 1280 and at 390 pixels wide (a desktop and a phone), in the
# light theme and in the three dark ones (navy, coal, ayu).
#
#   book/screenshots.sh                  the default pages (below)
#   book/screenshots.sh PAGE.html...     these pages, e.g. timeouts.html
#   HEIGHT=6000 book/screenshots.sh ...  a taller shot, to see further down a page
#
# The PNGs go to target/screenshots/ (not committed): PAGE-WIDTH-THEME.png, each the
# top HEIGHT pixels (default 2000) of the page. book/layout-check.py takes them, and
# reports on the way what it finds wrong (what is wider than its column, a picture's
# label too small, a picture that stays bright in a dark theme).
# Look at them: what the check cannot judge (a picture that is ugly, a table that
# fits but reads badly) shows here.
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

pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=("${default_pages[@]}")
pages=("${pages[@]%%#*}") # a #heading is not a page
# A page that fails the layout check is still worth looking at: report, then go on.
CHROMIUM="$chromium" python3 book/layout-check.py --html "$html" --screenshots "$out" \
    --themes light,navy,coal,ayu --shot-height "${HEIGHT:-2000}" "${pages[@]}" || true
for page in "${pages[@]}"; do
    ls "$out/${page%.html}"-*.png 2>/dev/null || echo "  no shots of $page (no such page in the built book?)"
done
