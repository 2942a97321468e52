#!/usr/bin/env python3
"""Check the language menu of the three books in headless Chromium.

    sh book/build-all.sh && python3 book/language-menu-check.py

For every chapter of every language, and a section of it, the menu (book/theme/languages.js),
opened by a mouse click, must show English, 한국어 and 繁體中文, and each entry must lead to the same chapter
and the same section in that language: the page loads, its <html lang> is that
language, and the section's heading is there. The menu is opened by a click, as a
reader does, and followed from the English book to Korean and from Korean back.
It uses layout-check.py's way of driving Chromium (its DevTools pipe), and needs
nothing else.
"""

import importlib.util
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("layout_check", HERE / "layout-check.py")
layout = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layout)

BOOKS = {"en": "html", "ko": "ko/html", "zh-TW": "zh-TW/html"}
LABELS = {"en": "English", "ko": "한국어", "zh-TW": "繁體中文"}


def evaluate(browser, session, expression):
    result = browser.call(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session=session,
    )
    if "exceptionDetails" in result:
        raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails']}")
    return result["result"].get("value")


def click(browser, session, selector):
    """Click the centre of an element with the mouse, as a reader does; the element
    must be on screen and on top there (not hidden, not covered). Returns a problem or
    None."""
    # mdbook hides its menu bar while a reader scrolls down and shows it again when
    # they scroll up; a page opened at a section is scrolled down, so go to the top.
    evaluate(browser, session, "window.scrollTo(0, 0)")
    for _ in range(40):  # up to 2 s for the bar to come back on a busy machine
        where = evaluate(
            browser, session,
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return 'missing';"
            " const r = e.getBoundingClientRect(); if (r.width < 1 || r.height < 1) return 'not shown';"
            " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
            " const top = document.elementFromPoint(x, y);"
            " if (!top || !(top === e || e.contains(top))) return 'covered or off screen';"
            " return [x, y]; })()",
        )
        if where != "covered or off screen":
            break
        time.sleep(0.05)
    if isinstance(where, str):
        return f"{selector}: {where}"
    for kind in ("mousePressed", "mouseReleased"):
        browser.call(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": where[0], "y": where[1], "button": "left", "clickCount": 1},
            session=session,
        )
    return None


def main():
    root = HERE / "book"
    for lang, sub in BOOKS.items():
        if not (root / sub / "index.html").is_file():
            sys.exit(f"language-menu-check: {root / sub} is missing: run sh book/build-all.sh")
    chapters = sorted(
        p.name for p in (root / "html").glob("*.html") if p.name not in layout.NOT_CHAPTERS
    )
    started = time.monotonic()
    profile = tempfile.mkdtemp(prefix="language-menu-")
    log = open(Path(profile, "chromium.log"), "wb")
    browser = layout.Chromium(layout.find_chromium(None), profile, log)
    server = layout.serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    problems = []
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        browser.call("Page.enable", session=session)
        browser.call("Runtime.enable", session=session)
        for lang, sub in BOOKS.items():
            for chapter in chapters:
                # The chapter's last section (an explicit id, the same in every language),
                # read from the file: a page is loaded once, with its #section, because
                # a jump within a loaded page fires no load event.
                ids = re.findall(r'<h2 id="([^"]+)"', (root / sub / chapter).read_text())
                section = ids[-1] if ids else ""
                url = f"{base}{sub}/{chapter}"
                layout.load(browser, session, f"{url}#{section}" if section else url)
                problem = click(browser, session, "#language-toggle")
                menu = evaluate(
                    browser, session,
                    "(() => { const t = document.getElementById('language-toggle');"
                    " const list = document.getElementById('language-list');"
                    " if (!t || !list) return null;"
                    " return {open: getComputedStyle(list).display !== 'none', label: t.textContent,"
                    " items: [...list.querySelectorAll('a')].map(a => [a.lang, a.textContent, a.href])}; })()",
                )
                where = f"{sub}/{chapter}"
                if problem or not menu:
                    problems.append(f"{where}: no language menu to click ({problem})")
                    continue
                if not menu["open"] or menu["label"] != LABELS[lang]:
                    problems.append(f"{where}: the menu shows {menu['label']!r} and opened: {menu['open']}")
                offered = {item[0]: (item[1], item[2]) for item in menu["items"]}
                for other, other_sub in BOOKS.items():
                    want = f"{base}{other_sub}/{chapter}" + (f"#{section}" if section else "")
                    label, href = offered.get(other, (None, None))
                    if label != LABELS[other] or href != want:
                        problems.append(f"{where}: {other} leads to {href!r}, not {want!r}")
        # Follow two links as a reader would, and land on the section in the other book.
        # (Each start is another document than the last landing: loading the page
        # the browser is already on is a jump within it, which fires no load event.)
        for start, goal in (("en", "ko"), ("zh-TW", "en"), ("ko", "zh-TW")):
            page = root / BOOKS[start] / "timeouts.html"
            section = re.findall(r'<h2 id="([^"]+)"', page.read_text())[0]
            url = f"{base}{BOOKS[start]}/timeouts.html"
            layout.load(browser, session, f"{url}#{section}")
            problem = click(browser, session, "#language-toggle") or click(
                browser, session, f'#language-list a[lang="{goal}"]'
            )
            if problem:
                problems.append(f"from {start} to {goal}: {problem}")
                continue
            # The click navigates: wait for the other book's page to load.
            browser.wait_event("Page.loadEventFired", session)
            landed = evaluate(
                browser, session,
                f"[document.documentElement.lang, !!document.getElementById({json.dumps(section)}),"
                " location.href]",
            )
            if landed[0] != goal or not landed[1]:
                problems.append(f"from {start} to {goal}: landed on {landed[2]} (lang {landed[0]}), "
                                f"section #{section} found: {landed[1]}")
    finally:
        browser.close()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    seconds = time.monotonic() - started
    if problems:
        print("\n".join(problems))
        sys.exit(f"language-menu-check: {len(problems)} problems ({seconds:.1f} s)")
    print(f"language-menu-check: every chapter's menu leads to the same section in "
          f"{', '.join(BOOKS)} ({len(chapters)} chapters each, {seconds:.1f} s)")


if __name__ == "__main__":
    main()
