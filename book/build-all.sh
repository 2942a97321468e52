#!/bin/sh
# The book in its three languages, side by side, so the language menu can lead from a
# page to the same page in another language:
#   book/book/html/          English            (what `mdbook build book` alone writes)
#   book/book/ko/html/       Korean, from book/po/ko.po
#   book/book/zh-TW/html/    Traditional Chinese, from book/po/zh-TW.po
# Open book/book/html/index.html, or serve them all: python3 -m http.server -d book/book
# Needs mdbook and mdbook-gettext (cargo install --locked mdbook-i18n-helpers).
set -eu
cd "$(dirname "$0")/.."

mdbook build book
for lang in ko zh-TW; do
    case $lang in
        ko) title="Rust로 배우는 소켓" ;;
        zh-TW) title="用 Rust 學 Socket" ;;
    esac
    # gettext runs before links, on the same text mdbook-xgettext read (book/i18n.py):
    # the listings' {{#include}} lines are not part of the catalogues.
    # Smart punctuation curls a straight quote by guessing from its neighbours, and
    # guesses wrong before Korean or Chinese text ("포트"라는 became “포트“라는).
    MDBOOK_BOOK__LANGUAGE=$lang MDBOOK_BOOK__TITLE="$title" \
        MDBOOK_OUTPUT__HTML__SMART_PUNCTUATION=false \
        MDBOOK_PREPROCESSOR__GETTEXT='{"before": ["links"]}' \
        mdbook build book -d "book/book/$lang"
done
