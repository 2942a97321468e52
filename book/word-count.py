#!/usr/bin/env python3
"""Words of prose per chapter, and minutes at 238 words a minute: code blocks, HTML
comments and {{#...}} lines are left out. Run: python3 book/word-count.py"""
import re, sys, pathlib
src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "book/src")
total = 0
rows = []
for md in sorted(src.glob("*.md")):
    if md.name == "SUMMARY.md":
        continue
    text = md.read_text()
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    out, fence = [], None
    for line in text.splitlines():
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif line.strip().startswith(fence):
                fence = None
            continue
        if fence is None and not line.lstrip().startswith("{{#"):
            out.append(line)
    words = len(re.findall(r"[A-Za-z0-9][\w'’.-]*", "\n".join(out)))
    rows.append((words, md.name))
    total += words
for w, n in sorted(rows, reverse=True):
    print(f"{w:6d}  {w/238:5.1f} min  {n}")
print(f"{total:6d}  {total/238:5.1f} min  total")
