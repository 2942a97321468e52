#!/usr/bin/env python3
"""Give every picture in book/src/images a dark palette, for mdbook's dark themes.

    python3 book/theme/svg-dark-palette.py        rewrite the block in every SVG
    python3 book/theme/svg-dark-palette.py --check   fail if a picture's block is stale

Draw a picture in light colours, as before (fill="#222", a <style> with classes).
This script appends, before </svg>, a block

    @media (prefers-color-scheme: dark) { ... }

that gives each colour the picture uses its dark counterpart (PALETTE below): ink
turns light, white and pale panels turn into faint translucent ones over the page's
own background. Inside an <img>, Chromium (since about version 120) and Firefox (since
105) answer prefers-color-scheme with the page's `color-scheme`, which mdbook sets
to dark in coal, navy and ayu, so the picture follows the theme the reader picked;
a browser that does not follows the system's preference, as mdbook's default theme
does. A colour missing from PALETTE is an error: add it here, then run the script.
book/layout-check.py fails on a picture that stays bright in a dark theme.
"""

import re
import sys
from pathlib import Path

IMAGES = Path(__file__).resolve().parent.parent / "src" / "images"
BEGIN = "<!-- dark palette: written by book/theme/svg-dark-palette.py -->"
END = "<!-- end of dark palette -->"

# Light colour (as drawn) -> its counterpart in the dark themes.
PALETTE = {
    "#222222": "#dcdcdc",  # ink: text, lines, arrows
    "#555555": "#aaaaaa",  # notes
    "#999999": "#808080",  # lifelines
    "#bbbbbb": "#666666",
    "#cccccc": "#5c5c5c",  # frames
    "#b35900": "#f2a65a",  # the handshake
    "#c62828": "#ff7b72",  # what goes wrong
    "#ffffff": "rgba(255, 255, 255, 0.03)",  # the background and white boxes
    "#fbfbfb": "rgba(255, 255, 255, 0.04)",
    "#f6f6f6": "rgba(255, 255, 255, 0.06)",
    "#f3f3f3": "rgba(255, 255, 255, 0.06)",
    "#f2f2f2": "rgba(255, 255, 255, 0.06)",
    "#eeeeee": "rgba(255, 255, 255, 0.08)",
    "#ececec": "rgba(255, 255, 255, 0.09)",
    "#e6e6e6": "rgba(255, 255, 255, 0.10)",
    "#e3edfb": "rgba(100, 150, 240, 0.22)",  # blue: the server, TCP
    "#eef4ff": "rgba(100, 150, 240, 0.14)",
    "#e4f4e8": "rgba(90, 190, 120, 0.20)",  # green: the client, UDP
    "#fdf0dc": "rgba(240, 160, 70, 0.20)",  # orange
    "#fffbea": "rgba(240, 210, 90, 0.16)",  # yellow
}
# What has no colour of its own (text and shapes default to black) is ink.
DEFAULT_INK = "#dcdcdc"

COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def full(colour):
    c = colour.lower()
    return "#" + "".join(ch * 2 for ch in c[1:]) if len(c) == 4 else c


def dark(colour, name):
    try:
        return PALETTE[full(colour)]
    except KeyError:
        sys.exit(f"svg-dark-palette: {name}: no dark counterpart for {colour}: add it to PALETTE")


def block_for(svg, name):
    body = svg.split(BEGIN)[0]
    rules = [f"svg {{ fill: {DEFAULT_INK}; }}"]
    # Presentation attributes first: in the light picture a class's colour beats them,
    # and the class rules below come later, so it does in the dark one too.
    for prop in ("fill", "stroke", "stop-color"):
        for colour in sorted(set(re.findall(rf'\b{prop}="(#[0-9a-fA-F]{{3,6}})"', body))):
            rules.append(f'[{prop}="{colour}"] {{ {prop}: {dark(colour, name)}; }}')
    for style in re.findall(r"<style>(.*?)</style>", body, re.S):
        for selector, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", style):
            if "@" in selector or not COLOUR.search(declarations):
                continue
            coloured = [
                d.strip() for d in declarations.split(";") if COLOUR.search(d)
            ]
            mapped = "; ".join(COLOUR.sub(lambda m: dark(m.group(0), name), d) for d in coloured)
            rules.append(f"{' '.join(selector.split())} {{ {mapped}; }}")
    inner = "\n".join("      " + r for r in rules)
    return f"{BEGIN}\n  <style>\n    @media (prefers-color-scheme: dark) {{\n{inner}\n    }}\n  </style>\n  {END}\n"


def rewrite(svg, name):
    start = svg.find(BEGIN)
    if start >= 0:
        end = svg.index(END) + len(END)
        svg = svg[:start].rstrip() + "\n" + svg[end:].lstrip("\n")
    close = svg.rindex("</svg>")
    head = svg[:close].rstrip() + "\n  "
    return head + block_for(svg, name) + svg[close:]


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for path in sorted(IMAGES.glob("*.svg")):
        old = path.read_text()
        new = rewrite(old, path.name)
        if new != old:
            if check:
                stale.append(path.name)
            else:
                path.write_text(new)
                print(f"wrote the dark palette of {path.name}")
    if stale:
        sys.exit("svg-dark-palette: stale or missing dark palette in " + ", ".join(stale)
                 + ": run python3 book/theme/svg-dark-palette.py")


if __name__ == "__main__":
    main()
