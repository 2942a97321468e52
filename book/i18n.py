#!/usr/bin/env python3
"""The book's translations: gettext catalogues in book/po/, one per language.

    python3 book/i18n.py pot               extract the English text: target/i18n/messages.pot
    python3 book/i18n.py update [LANG...]  bring book/po/LANG.po up to date with the English
                                           (msgmerge: a changed paragraph becomes "fuzzy")
    python3 book/i18n.py coverage [--min PCT]
                                           per language: translated, fuzzy, untranslated,
                                           counted against the English as it is now; exit 1
                                           when a language is below PCT percent translated
    python3 book/i18n.py todo [--all] LANG FILE [CHAPTER...]
                                           write the messages that still need a translator
                                           (untranslated or fuzzy) to FILE, to fill in;
                                           --all: every message with its translation, to
                                           review and correct in place
    python3 book/i18n.py apply LANG FILE...
                                           put the translations written in FILE into LANG.po
    python3 book/i18n.py check [LANG...]   every translation keeps its English's code spans
                                           and link targets exactly
    python3 book/i18n.py rendered [LANG...]
                                           after book/build-all.sh: no `**`, `_` or `*` left
                                           in a translated page's text (outside code)
    python3 book/i18n.py files             README.LANG.md and every hint.LANG.md exist and keep
                                           their English's code spans and link targets
    python3 book/i18n.py ids [--fix]       every heading has an explicit {#id}, so links and
                                           the language menu lead to the same place in every
                                           language (mdbook would make a Korean id otherwise)

Only Python's standard library, so CI needs nothing to install for it; `update` uses
GNU gettext's msgmerge (Debian: apt install gettext). mdbook and mdbook-xgettext
(`cargo install mdbook-i18n-helpers`) extract the text. CONTRIBUTING.md says when to
run what.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
PO_DIR = BOOK / "po"
POT = ROOT / "target" / "i18n" / "messages.pot"
LANGUAGES = ["ko", "zh-TW"]


# --- reading and writing PO files ---------------------------------------------------

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unquote(token):
    """One "..." token of a PO file, without its quotes and escapes."""
    body = token.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def quote(text):
    """A PO string: one line per line of text, as gettext's own tools write it."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    escaped = escaped.replace("\r", "\\r")
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if len(parts) <= 1:
        return '"' + (parts[0] if parts else "") + '"'
    return '""\n' + "\n".join('"' + p + '"' for p in parts)


class Entry:
    def __init__(self):
        self.comments = []  # "#." "#:" and translator comments, kept as written
        self.flags = set()
        self.msgid = None
        self.msgstr = ""
        self.obsolete = False

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    def render(self):
        out = list(self.comments)
        if self.flags:
            out.append("#, " + ", ".join(sorted(self.flags)))
        body = "msgid " + quote(self.msgid) + "\nmsgstr " + quote(self.msgstr)
        if self.obsolete:
            body = "\n".join("#~ " + line for line in body.split("\n"))
        out.append(body)
        return "\n".join(out)


def read_po(path):
    """The entries of a PO (or POT) file, the header first."""
    entries, entry, field = [], Entry(), None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry, field = Entry(), None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].lstrip()
            if not line:
                continue
        if not line.strip():
            finish()
            continue
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            if entry.msgid is not None:
                finish()
            entry.comments.append(line)
        elif line.startswith("msgid "):
            if entry.msgid is not None:
                finish()
            entry.msgid, field = unquote(line[6:]), "msgid"
        elif line.startswith("msgstr "):
            entry.msgstr, field = unquote(line[7:]), "msgstr"
        elif line.startswith('"') and field:
            setattr(entry, field, getattr(entry, field) + unquote(line))
        else:
            sys.exit(f"{path}: cannot read this line: {raw!r}")
    finish()
    return entries


def write_po(path, entries):
    Path(path).write_text("\n\n".join(e.render() for e in entries) + "\n", encoding="utf-8")


def sources(entry):
    """The chapters a message comes from ("src/timeouts.md" and so on)."""
    return [s for c in entry.comments if c.startswith("#:") for s in c[2:].split()]


# --- the English text ----------------------------------------------------------------


def need(command, install):
    if shutil.which(command) is None:
        sys.exit(f"{command} is not installed: {install}")


def extract_pot():
    """target/i18n/messages.pot, from book/src as it is now."""
    need("mdbook", "cargo install --locked mdbook --version 0.5.4")
    need("mdbook-xgettext", "cargo install --locked mdbook-i18n-helpers --version 0.4.0")
    env = dict(os.environ)
    # Listings are {{#include}} lines, left unexpanded here (no default preprocessors) and
    # translated the same way (book/build-all.sh runs gettext before links): a comment
    # changed in a crate does not make a catalogue stale.
    env["MDBOOK_BUILD__USE_DEFAULT_PREPROCESSORS"] = "false"
    env["MDBOOK_OUTPUT"] = json.dumps(
        {"xgettext": {"pot-file": "messages.pot", "granularity": 0}}
    )
    POT.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mdbook", "build", str(BOOK), "-d", str(POT.parent)],
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0 or not POT.exists():
        sys.exit("mdbook-xgettext failed:\n" + result.stdout + result.stderr)
    return read_po(POT)


CODE_ONLY = re.compile(r"^(\s|`[^`]*`|[-.,:;/()+=*|<>0-9])*$")


def is_code(msgid):
    """Text a translator keeps as it is: a whole fenced block (an output, a command)
    or a run of inline code with nothing to say around it."""
    if "{{#" in msgid or msgid.startswith("#include "):
        # A piece of an {{#include}} line inside a code block, which the extractor
        # took for a comment: it must stay exactly as it is.
        return True
    return msgid.lstrip().startswith(("```", "~~~")) or (
        "`" in msgid and CODE_ONLY.match(msgid) is not None
    )


# --- commands ------------------------------------------------------------------------


def po_path(lang):
    return PO_DIR / f"{lang}.po"


def cmd_pot(_args):
    entries = extract_pot()
    print(f"{POT.relative_to(ROOT)}: {len(entries) - 1} messages")


def cmd_update(args):
    langs = args or LANGUAGES
    need("msgmerge", "apt install gettext")
    pot = extract_pot()
    for lang in langs:
        path = po_path(lang)
        if not path.exists():
            header = pot[0]
            header.msgstr = header.msgstr.replace("Language: en", f"Language: {lang}")
            write_po(path, pot)
        subprocess.run(
            ["msgmerge", "--quiet", "--update", "--backup=none", "--no-wrap",
             str(path), str(POT)],
            check=True,
        )
        entries = read_po(path)
        kept = 0
        for e in entries[1:]:
            if not e.obsolete and not e.msgstr and is_code(e.msgid):
                e.msgstr, kept = e.msgid, kept + 1
        # Old translations of text that is gone help nobody and hide real changes.
        entries = [e for e in entries if not e.obsolete]
        write_po(path, entries)
        print(f"{path.relative_to(ROOT)}: up to date ({kept} code-only messages kept as they are)")
    cmd_coverage([])


def coverage_of(pot, lang):
    """Counts over the messages that have words to translate; code-only messages (a
    whole output block, a row of inline code) are kept as they are and counted apart."""
    path = po_path(lang)
    by_id = {}
    if path.exists():
        by_id = {e.msgid: e for e in read_po(path)[1:] if not e.obsolete}
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "code": 0}
    for e in pot[1:]:
        t = by_id.get(e.msgid)
        if is_code(e.msgid):
            counts["code"] += 1
        elif t is None or not t.msgstr:
            counts["untranslated"] += 1
        elif t.fuzzy:
            counts["fuzzy"] += 1
        else:
            counts["translated"] += 1
    return counts


def cmd_coverage(args):
    minimum = None
    if args[:1] == ["--min"] and len(args) == 2:
        minimum = float(args[1])
    elif args:
        sys.exit("usage: python3 book/i18n.py coverage [--min PCT]")
    pot = extract_pot()
    low = []
    for lang in LANGUAGES:
        c = coverage_of(pot, lang)
        prose = c["translated"] + c["fuzzy"] + c["untranslated"]
        pct = 100.0 * c["translated"] / max(prose, 1)
        print(
            f"{lang:6} {pct:5.1f}% translated: {c['translated']} of {prose} messages, "
            f"{c['fuzzy']} fuzzy, {c['untranslated']} untranslated "
            f"(and {c['code']} code-only messages, kept as they are)"
        )
        if minimum is not None and pct < minimum:
            low.append(f"{lang} ({pct:.1f}%)")
    if low:
        print(
            f"below {minimum:g}% translated: {', '.join(low)}. A change to the English "
            "carries its translations with it: python3 book/i18n.py update, then "
            "translate what it marks (CONTRIBUTING.md, 'Translations').",
            file=sys.stderr,
        )
        sys.exit(1)


SEPARATOR = "--- translation ---"


def cmd_todo(args):
    everything = "--all" in args
    args = [a for a in args if a != "--all"]
    if len(args) < 2:
        sys.exit("usage: python3 book/i18n.py todo [--all] LANG FILE [CHAPTER...]")
    lang, out, chapters = args[0], Path(args[1]), args[2:]
    entries = read_po(po_path(lang))
    blocks = []
    for n, e in enumerate(entries):
        if n == 0 or e.obsolete or (e.msgstr and not e.fuzzy and not everything):
            continue
        if everything and is_code(e.msgid):
            continue
        where = sources(e)
        # A message shared by several chapters goes to the first one's translator.
        if chapters and not (where and Path(where[0]).stem in chapters):
            continue
        if e.fuzzy:
            old = f"(fuzzy; the old translation was:)\n{e.msgstr}\n"
        else:
            old = e.msgstr + "\n" if e.msgstr else ""
        blocks.append(f"=== {n} {' '.join(where)} ===\n{e.msgid}\n{SEPARATOR}\n{old}")
    out.write_text("\n".join(blocks), encoding="utf-8")
    print(f"{out}: {len(blocks)} messages to translate")


def cmd_apply(args):
    """FILE is either a work file from `todo` with each translation written under its
    English, or blocks of `=== N ===` followed by the translation alone."""
    if len(args) < 2:
        sys.exit("usage: python3 book/i18n.py apply LANG FILE...")
    lang, works = args[0], args[1:]
    path = po_path(lang)
    entries = read_po(path)
    done = problems = 0
    for work in works:
        text = Path(work).read_text(encoding="utf-8")
        for block in re.split(r"^(?==== \d+[ =])", text, flags=re.M):
            if not block.strip():
                continue
            head, _, rest = block.partition("\n")
            n = int(head.split()[1])
            if n <= 0 or n >= len(entries) or entries[n].obsolete:
                print(f"{work}: message {n} is not in {path.name}", file=sys.stderr)
                problems += 1
                continue
            msgid, sep, translation = rest.partition("\n" + SEPARATOR + "\n")
            if not sep:
                translation = rest
            elif entries[n].msgid.rstrip("\n") != msgid.rstrip("\n"):
                print(f"{work}: message {n}: the English is not the catalogue's", file=sys.stderr)
                problems += 1
                continue
            translation = re.sub(
                r"^\(fuzzy; the old translation was:\)\n.*", "", translation, flags=re.S
            ).strip("\n")
            if not translation.strip():
                continue
            if entries[n].msgid.endswith("\n") and not translation.endswith("\n"):
                translation += "\n"
            entries[n].msgstr = translation
            entries[n].flags.discard("fuzzy")
            done += 1
    write_po(path, entries)
    print(f"{path.relative_to(ROOT)}: {done} translations put in, {problems} problems")
    if problems:
        sys.exit(1)


CODE_SPAN = re.compile(r"`+[^`]+`+")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
FENCED = re.compile(r"^(```+|~~~+)[^\n]*\n.*?^\1\s*$", re.S | re.M)
COMMENT = re.compile(r"(^|\s)(#|//).*$", re.M)


def kept_parts(text, lang=None):
    """What a translation must keep of its English: each code span and link target
    (a repeated one may be said once), and each fenced block but for its comments,
    which a translator may translate. A line break inside a code span counts as a
    space, as it renders. A picture may point to its own language's copy
    (images/queues.svg -> images/queues.ko.svg)."""
    blocks = {" ".join(COMMENT.sub("", b.group(0)).split()) for b in FENCED.finditer(text)}
    text = FENCED.sub(" ", text)
    spans = {" ".join(s.split()) for s in CODE_SPAN.findall(text)}
    targets = LINK_TARGET.findall(text)
    if lang:
        targets = [t.replace(f".{lang}.svg", ".svg") for t in targets]
    return blocks | spans | set(targets)


def cmd_check(args):
    langs = args or LANGUAGES
    problems = 0
    for lang in langs:
        for e in read_po(po_path(lang))[1:]:
            if e.obsolete or not e.msgstr or e.fuzzy:
                continue
            want, got = kept_parts(e.msgid), kept_parts(e.msgstr, lang)
            if want != got:
                problems += 1
                lost, added = sorted(want - got), sorted(got - want)
                print(
                    f"{lang}.po, {' '.join(sources(e))}: the translation of "
                    f"{e.msgid[:60]!r}... lost {lost} and added {added}"
                )
    if problems:
        print(
            f"{problems} translations do not keep their English's code and links "
            "exactly (code, commands and link targets stay as they are)",
            file=sys.stderr,
        )
        sys.exit(1)
    print(f"every translation in {', '.join(langs)} keeps its code spans and links")


def cmd_files(_args):
    """The translated plain files beside their English: README.LANG.md and every
    exercise's hint.LANG.md exist, and each keeps its English's code spans and link
    targets (a changed command or TODO number in the English shows up here)."""
    pairs = [(ROOT / "README.md", ROOT / f"README.{lang}.md") for lang in LANGUAGES]
    for hint in sorted((ROOT / "exercises").glob("*/hint.md")):
        pairs += [(hint, hint.with_name(f"hint.{lang}.md")) for lang in LANGUAGES]
    # The links between the READMEs of the three languages are the translations' own.
    own = {f"README.{lang}.md" for lang in LANGUAGES} | {"README.md"}
    problems = 0
    for english, translated in pairs:
        name = translated.relative_to(ROOT)
        if not translated.exists():
            print(f"{name} is missing: translate {english.relative_to(ROOT)}")
            problems += 1
            continue
        want = kept_parts(english.read_text(encoding="utf-8")) - own
        got = kept_parts(translated.read_text(encoding="utf-8")) - own
        if not want <= got:
            print(f"{name} lacks what {english.relative_to(ROOT)} has: {sorted(want - got)}")
            problems += 1
    if problems:
        print(
            f"{problems} translated files are missing or behind their English: a change "
            "to README.md or a hint.md carries its translations with it",
            file=sys.stderr,
        )
        sys.exit(1)
    print(f"{len(pairs)} translated files keep their English's code spans and links")


CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uff00-\uffef"
LEFTOVER = re.compile(
    rf"\*\*|(?<=[{CJK}])_|_(?=[{CJK}])|(?<![\w*])\*(?=[{CJK}])|(?<=[{CJK}])\*(?![\w*])"
)


def cmd_rendered(args):
    """Markdown that did not turn into HTML in a translated book: `**` or an `_` or `*`
    next to Korean or Chinese text. mdbook-gettext writes emphasis back as `_x_`,
    which CommonMark cannot close inside a word, so `_아주_중요` shows its underscores;
    `<em>아주</em>중요` works."""
    found = 0
    for lang in args or LANGUAGES:
        html_dir = BOOK / "book" / lang / "html"
        if not html_dir.is_dir():
            sys.exit(f"{html_dir} is missing: run sh book/build-all.sh first")
        for page in sorted(html_dir.glob("*.html")):
            if page.name in ("print.html", "toc.html", "404.html"):
                continue
            html = page.read_text(encoding="utf-8")
            main = html[html.find("<main>"):html.find("</main>")]
            main = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", main, flags=re.S)
            text = re.sub(r"<[^>]+>", "", main)
            for line in text.splitlines():
                for m in LEFTOVER.finditer(line):
                    found += 1
                    start = max(0, m.start() - 30)
                    print(f"{lang}/{page.name}: markdown left in the text: ...{line[start:m.end() + 30].strip()}...")
    if found:
        print(
            f"{found} places show Markdown instead of emphasis: next to Korean or Chinese "
            "text, write <em>x</em> or <strong>x</strong> in the translation",
            file=sys.stderr,
        )
        sys.exit(1)
    print("no Markdown left in the translated books' text")


HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*(\{#[^}]*\})?\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def auto_id(text, seen):
    """The id mdbook gives a heading (its normalize_id), made unique as mdbook does."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link: its text
    text = text.replace("`", "").replace("*", "")
    base = "".join(
        c.lower() if (c.isalnum() or c in "_-") else ("-" if c.isspace() else "")
        for c in text
    )
    candidate, k = base, 0
    while candidate in seen:
        k += 1
        candidate = f"{base}-{k}"
    seen.add(candidate)
    return candidate


def cmd_ids(args):
    fix = args == ["--fix"]
    if args and not fix:
        sys.exit("usage: python3 book/i18n.py ids [--fix]")
    missing = 0
    for md in sorted((BOOK / "src").glob("*.md")):
        if md.name == "SUMMARY.md":
            continue
        lines, fence, seen, changed = md.read_text(encoding="utf-8").split("\n"), None, set(), False
        for i, line in enumerate(lines):
            m = FENCE.match(line)
            if m:
                if fence is None:
                    fence = m.group(1)
                elif line.strip().startswith(fence):
                    fence = None
                continue
            if fence is not None:
                continue
            h = HEADING.match(line)
            if not h:
                if line.startswith("# "):
                    auto_id(line[2:], seen)
                continue
            if h.group(3):
                seen.add(h.group(3)[2:-1])
                continue
            missing += 1
            new_id = auto_id(h.group(2), seen)
            if fix:
                lines[i] = f"{h.group(1)} {h.group(2)} {{#{new_id}}}"
                changed = True
            else:
                print(f"{md.relative_to(ROOT)}:{i + 1}: heading without an id: {line}")
        if changed:
            md.write_text("\n".join(lines), encoding="utf-8")
    if missing and not fix:
        print(
            "give each heading an explicit id (python3 book/i18n.py ids --fix): a translated "
            "heading would otherwise get a new id and break links to it",
            file=sys.stderr,
        )
        sys.exit(1)
    if fix:
        print(f"{missing} headings given an explicit id")


COMMANDS = {
    "pot": cmd_pot,
    "update": cmd_update,
    "coverage": cmd_coverage,
    "todo": cmd_todo,
    "apply": cmd_apply,
    "ids": cmd_ids,
    "check": cmd_check,
    "rendered": cmd_rendered,
    "files": cmd_files,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
