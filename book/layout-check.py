#!/usr/bin/env python3
"""Check that every page of the built book fits a desktop and a phone screen.

    python3 book/layout-check.py [--themes light,navy] [--screenshots DIR] [PAGE.html ...]

Run `mdbook build book` first. The script opens every page of the built book (or the
pages named; a new chapter is found by itself) in headless Chromium at 1280 and at 390
CSS pixels wide, in the light theme and in a dark one (navy), and fails, listing each
one, when

  - the page scrolls sideways;
  - an element is wider than the text column. A code block may scroll inside its own
    box, and so may a picture on a narrow screen (book/theme/layout.css gives it a box
    of its own), but not on a wide one; a table may not scroll at all: it must fit;
  - a label in a picture is drawn smaller than 11 px (--min-label);
  - in a dark theme (coal, navy and ayu are all tried) a picture is a bright panel: its
    mean brightness is above 0.45 (--max-dark-brightness), where the page's is about 0.1.

--screenshots DIR also saves PAGE-WIDTH-THEME.png, the top of each page, to look at
(book/screenshots.sh does that for a few pages).

Python's standard library and Chromium only: Chromium is driven through its DevTools
protocol over a pipe (--remote-debugging-pipe: JSON messages on file descriptors 3
and 4), so no WebSocket client, WebDriver or npm package is needed, and CI has python3
already. On Debian or Ubuntu: apt-get install -y chromium (or set CHROMIUM).
"""

import argparse
import base64
import fcntl
import functools
import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

WIDTHS = (1280, 390)
HEIGHT = 900
# The theme a reader picks is kept in localStorage under this key by mdbook's book.js.
THEMES = ("light", "navy")
DARK_THEMES = ("coal", "navy", "ayu")
# Pages mdbook writes that are not chapters: the print page repeats every chapter,
# the 404 page and the table of contents for browsers without JavaScript.
NOT_CHAPTERS = {"print.html", "toc.html", "404.html"}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]

# Runs in the page; returns what does not fit. Kept in one string so that the page
# measures itself with the browser's own layout.
MEASURE_JS = r"""
(async (minLabel) => {
  await document.fonts.ready;
  const problems = [];
  const main = document.querySelector('main');
  const col = main.getBoundingClientRect();
  const view = document.documentElement.clientWidth;
  const scroller = document.scrollingElement;
  if (scroller.scrollWidth > view + 1) {
    problems.push({kind: 'page', what: 'the page scrolls sideways',
                   width: scroller.scrollWidth, column: view});
  }
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim();
    if (cls) s += '.' + cls.split(/\s+/).join('.');
    const text = (el.getAttribute('src') || el.textContent || '').trim().replace(/\s+/g, ' ');
    if (el.classList.contains('table-wrapper')) s = 'table';
    if (text) s += ' "' + text.slice(0, 60) + (text.length > 60 ? '…' : '') + '"';
    // The nearest heading above tells a reader where on the page to look.
    let h = el;
    while (h && h !== main) {
      let p = h.previousElementSibling;
      while (p && !/^H[1-6]$/.test(p.tagName)) p = p.previousElementSibling;
      if (p) return s + ' (under "' + p.textContent.trim().slice(0, 50) + '")';
      h = h.parentElement;
    }
    return s;
  };
  // A box of its own that may scroll sideways: a code block (mdbook scrolls the <code>
  // inside each <pre>), or a picture's box. The box itself must fit; what is inside it
  // may be as wide as it likes.
  const ownScrollBox = (el) => el.closest('pre, .picture');
  const reported = new Set();
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = ownScrollBox(el);
    if (box && box !== el) continue;
    // Tables are measured themselves, not their wrapper that scrolls.
    let tooWide = r.left < col.left - 1 || r.right > col.right + 1;
    if (el.classList.contains('table-wrapper') && el.scrollWidth > el.clientWidth + 1) {
      tooWide = true;
    }
    if (!tooWide) continue;
    let a = el.parentElement, inside = false;
    while (a && a !== main) { if (reported.has(a)) { inside = true; break; } a = a.parentElement; }
    reported.add(el);
    if (inside) continue;
    const width = el.classList.contains('table-wrapper') ? el.scrollWidth : Math.round(r.width);
    problems.push({kind: 'wide', what: describe(el), width, column: Math.round(col.width)});
  }
  // A wide screen shows every picture whole: its box scrolls only on a narrow one.
  if (view >= 1000) {
    for (const box of main.querySelectorAll('.picture')) {
      if (box.scrollWidth > box.clientWidth + 1) {
        problems.push({kind: 'wide', what: describe(box) + ': the picture scrolls',
                       width: box.scrollWidth, column: Math.round(col.width)});
      }
    }
  }
  // Pictures: each label's size as drawn. An <img> of an SVG hides its text from the
  // page, so a copy of the SVG is drawn off-screen at the same size and measured.
  const pictures = [];
  const holder = document.createElement('div');
  holder.style.cssText = 'position:absolute; left:-20000px; top:0; visibility:hidden';
  document.body.appendChild(holder);
  // A picture is an <img> of an SVG, or an SVG inlined in the page (role="img"): not
  // the icons of mdbook's buttons.
  for (const img of main.querySelectorAll('img[src$=".svg"], svg[role="img"]')) {
    const r = img.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    let svg = img;
    if (img.tagName === 'IMG') {
      const response = await fetch(img.src);
      holder.innerHTML = response.ok ? await response.text() : '';
      svg = holder.querySelector('svg');
      if (!svg) {
        problems.push({kind: 'missing', what: describe(img) + ': no such picture: ' + img.src});
        continue;
      }
      svg.setAttribute('width', r.width);
      svg.setAttribute('height', r.height);
    }
    let smallest = Infinity, smallestText = '';
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const scale = Math.sqrt(m.a * m.a + m.b * m.b);
      for (const part of [t, ...t.querySelectorAll('tspan')]) {
        const px = parseFloat(getComputedStyle(part).fontSize) * scale;
        if (px < smallest) { smallest = px; smallestText = part.textContent.trim(); }
      }
    }
    if (smallest < minLabel) {
      problems.push({kind: 'label', what: describe(img),
                     size: Math.round(smallest * 10) / 10, text: smallestText.slice(0, 40)});
    }
    // The part a reader sees: a wide picture in a narrow box shows its left side.
    const seen = Math.min(r.right, (img.closest('.picture') || main).getBoundingClientRect().right,
                          view) - r.left;
    pictures.push({what: describe(img), x: r.left + scrollX, y: r.top + scrollY,
                   width: seen, height: r.height});
  }
  holder.remove();
  return {problems, pictures};
})
"""


class Chromium:
    """One headless Chromium, spoken to in its DevTools protocol over a pipe."""

    def __init__(self, path, profile, stderr):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds_3_and_4():  # in the child, before exec: where Chromium looks for the pipe
            # Out of the way first, so that moving one end cannot close the other.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [path, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=fds_3_and_4,
            close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events = []

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe (did it crash?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_child, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise RuntimeError("Chromium closed its DevTools pipe (did it start?)") from None
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[i]
                    return event
            self._events.append(self._read_message(deadline))

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def png_mean_brightness(data):
    """Mean brightness (0 black .. 1 white) of an 8-bit RGB or RGBA PNG, as Chromium writes."""
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError("unexpected PNG format from Chromium")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    total = 0
    for y in range(height):
        row_start = y * (stride + 1)
        kind = raw[row_start]
        row = bytearray(raw[row_start + 1 : row_start + 1 + stride])
        for i in range(stride):  # undo the PNG row filter
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                up_left = previous[i - channels] if i >= channels else 0
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                row[i] = (row[i] + pred) & 255
        for i in range(0, stride, channels):
            total += 0.2126 * row[i] + 0.7152 * row[i + 1] + 0.0722 * row[i + 2]
        previous = row
    return total / (255 * width * height) if width and height else 0.0


def find_html(book_dir):
    for candidate in (book_dir / "book" / "html", book_dir / "book"):
        if (candidate / "index.html").is_file():
            return candidate
    sys.exit(f"layout-check: no built book under {book_dir}/book: run `mdbook build book` first")


def find_chromium(given):
    for candidate in (given, os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    sys.exit("layout-check: no Chromium found. On Debian or Ubuntu: apt-get install -y chromium "
             "(or set CHROMIUM=/path/to/chromium)")


def serve(directory):
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to check (default: every chapter)")
    parser.add_argument("--html", type=Path, help="the built book (default: book/book/html)")
    parser.add_argument("--chromium", help="the browser to use (default: chromium on PATH)")
    parser.add_argument("--min-label", type=float, default=11.0)
    parser.add_argument("--max-dark-brightness", type=float, default=0.45)
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="also save PAGE-WIDTH-THEME.png of each page's top, to look at")
    parser.add_argument("--themes", default=",".join(THEMES),
                        help=f"themes to check, of light, rust, coal, navy, ayu (default {','.join(THEMES)})")
    parser.add_argument("--shot-height", type=int, default=2000,
                        help="how much of each page a screenshot shows (default 2000 px)")
    args = parser.parse_args()

    book_dir = Path(__file__).resolve().parent
    html = args.html or find_html(book_dir)
    pages = args.pages or sorted(
        str(p.relative_to(html)) for p in html.rglob("*.html") if p.name not in NOT_CHAPTERS
    )
    missing = [page for page in pages if not (html / page.split("#")[0]).is_file()]
    if missing:
        sys.exit(f"layout-check: no such page in {html}: {', '.join(missing)}")
    chromium_path = find_chromium(args.chromium)
    started = time.monotonic()

    # The browser first: it is started with fork, before the server's thread exists.
    profile = tempfile.mkdtemp(prefix="layout-check-")
    log = open(os.path.join(profile, "chromium.log"), "wb")
    browser = Chromium(chromium_path, profile, log)
    server = serve(html)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failures = []
    try:
        check_all(browser, base, pages, args, failures)
    except (RuntimeError, TimeoutError) as error:
        log.flush()
        tail = Path(profile, "chromium.log").read_text(errors="replace").splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        sys.exit(f"layout-check: Chromium failed: {error} (its last lines above)")
    finally:
        browser.close()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

    seconds = time.monotonic() - started
    checked = f"{len(pages)} pages at {' and '.join(map(str, WIDTHS))} px, themes {args.themes}"
    if failures:
        for where, problem in failures:
            print(f"{where}: {problem}")
        print(f"layout-check: {len(failures)} problems in {checked} ({seconds:.1f} s)", file=sys.stderr)
        sys.exit(1)
    print(f"layout-check: every page fits: {checked} ({seconds:.1f} s)")


def check_all(browser, base, pages, args, failures):
    """Every page at every width in every theme; what does not fit goes to failures."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    browser.call("Page.enable", session=session)
    browser.call("Runtime.enable", session=session)
    themes = args.themes.split(",")
    # Each page is loaded once per width, in the first theme (kept where mdbook's
    # book.js looks for the reader's choice); the other themes are then picked with
    # the reader's own control, mdbook's theme menu, without loading it again.
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument",
        {"source": f"localStorage.setItem('mdbook-theme', {json.dumps(themes[0])});"},
        session=session,
    )
    for width in WIDTHS:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": width < 600},
            session=session,
        )
        for page in pages:
            load(browser, session, base + page)
            for theme in themes:
                pick_theme(browser, session, theme)
                where = f"{page} at {width} px, {theme}"
                for problem in check_page(browser, session, args, theme):
                    failures.append((where, problem))
                if args.screenshots:
                    save_screenshot(browser, session, args, page, width, theme)


def load(browser, session, url):
    browser.call("Page.navigate", {"url": url}, session=session)
    # A load event may be an earlier page's, still queued: wait for this one's (a page
    # that redirects ends elsewhere, so after a second event any complete page will do).
    for attempt in range(3):
        browser.wait_event("Page.loadEventFired", session)
        href, ready = browser.call(
            "Runtime.evaluate",
            {"expression": "[location.href, document.readyState]", "returnByValue": True},
            session=session,
        )["result"]["value"]
        if ready == "complete" and (href == url or attempt > 0):
            return


def pick_theme(browser, session, theme):
    """Pick a theme as a reader does, by its button in mdbook's theme menu."""
    result = browser.call(
        "Runtime.evaluate",
        {"expression": f"(() => {{ const b = document.getElementById('mdbook-theme-{theme}');"
                       " if (!b) return false; b.click(); return true; })()",
         "returnByValue": True},
        session=session,
    )
    if not result["result"].get("value"):
        sys.exit(f"layout-check: mdbook's theme menu has no theme {theme!r}")


def save_screenshot(browser, session, args, page, width, theme):
    height = browser.call("Runtime.evaluate",
                          {"expression": "document.scrollingElement.scrollHeight"},
                          session=session)["result"]["value"]
    shot = browser.call(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": width, "height": min(height, args.shot_height),
                  "scale": 1}},
        session=session,
    )
    args.screenshots.mkdir(parents=True, exist_ok=True)
    name = page.replace("/", "_").removesuffix(".html")
    (args.screenshots / f"{name}-{width}-{theme}.png").write_bytes(base64.b64decode(shot["data"]))


def check_page(browser, session, args, theme):
    result = browser.call(
        "Runtime.evaluate",
        {"expression": f"({MEASURE_JS})({args.min_label})", "awaitPromise": True,
         "returnByValue": True},
        session=session,
    )
    if "exceptionDetails" in result:
        yield f"the measuring script failed: {result['exceptionDetails']}"
        return
    value = result["result"]["value"]
    for p in value["problems"]:
        if p["kind"] == "page":
            yield f"{p['what']} ({p['width']} px for a {p['column']} px window)"
        elif p["kind"] == "wide":
            yield f"wider than its column: {p['what']} ({p['width']} px, column {p['column']} px)"
        elif p["kind"] == "missing":
            yield p["what"]
        else:
            yield (f"picture label smaller than {args.min_label:g} px: {p['what']}: "
                   f"{p['size']} px (\"{p['text']}\")")
    if theme not in DARK_THEMES:
        return
    for picture in value["pictures"]:
        # Every dark theme, on the same layout: only the colours change.
        for dark in DARK_THEMES:
            pick_theme(browser, session, dark)
            # Scrolled into the window first, below mdbook's menu bar: a shot of what
            # is on screen is quick, one beyond it lays the whole page out again.
            browser.call("Runtime.evaluate",
                         {"expression": f"window.scrollTo(0, {picture['y'] - 70})"},
                         session=session)
            # The clip is in the page's coordinates, and now inside the window.
            clip = {"x": picture["x"], "y": picture["y"], "width": picture["width"],
                    "height": min(picture["height"], HEIGHT - 80), "scale": 0.1}
            shot = browser.call("Page.captureScreenshot", {"format": "png", "clip": clip},
                                session=session)
            brightness = png_mean_brightness(base64.b64decode(shot["data"]))
            if brightness > args.max_dark_brightness:
                yield (f"a bright panel in the dark theme {dark}: {picture['what']} "
                       f"(mean brightness {brightness:.2f})")
        pick_theme(browser, session, theme)


if __name__ == "__main__":
    main()
