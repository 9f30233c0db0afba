#!/usr/bin/env python3
"""tools/check-doc-links.py — every relative link of the documentation resolves.

    python3 tools/check-doc-links.py [--pending PATH]... [FILE.md]...

Checks README.md and every docs/**/*.md (or the files given): each inline link or image
[text](target) and ![alt](target) outside code whose target is not a URL (http:, https:,
mailto:) must name a file or folder that exists, relative to the page; a #fragment must be the
GitHub anchor of a heading of the page it points to (lower case, punctuation other than - and _
dropped, spaces as -, a repeated heading's anchor suffixed -1, -2, …). --pending PATH (relative
to the repository) names a page that another change will add: links to it are listed, not
counted as errors. Prints one line per broken link (file:line: target: why) and exits 1 if there
is one; standard library only.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def slug(text):
    """GitHub's anchor of a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def lines_outside_code(path):
    """(line number, text) of the lines outside fenced code, inline code blanked."""
    inside = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                inside = not inside
                continue
            if not inside:
                yield number, re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)


def anchors(path, cache={}):
    """The GitHub anchors of a page's headings (outside fenced code)."""
    if path not in cache:
        seen, found, inside = {}, set(), False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if FENCE.match(line):
                    inside = not inside
                    continue
                m = None if inside else HEADING.match(line)
                if m:
                    base = slug(m.group(2))
                    n = seen.get(base, 0)
                    found.add(base if n == 0 else f"{base}-{n}")
                    seen[base] = n + 1
        cache[path] = found
    return cache[path]


def pages(arguments):
    if arguments:
        return [os.path.abspath(p) for p in arguments]
    found = [os.path.join(ROOT, "README.md")]
    for folder, _, files in os.walk(os.path.join(ROOT, "docs")):
        found += [os.path.join(folder, name) for name in sorted(files) if name.endswith(".md")]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", action="append", default=[],
                        help="a page another change will add (relative to the repository)")
    parser.add_argument("files", nargs="*")
    options = parser.parse_args()
    pending = {os.path.normpath(os.path.join(ROOT, p)) for p in options.pending}

    broken = links = 0
    waiting = []
    for page in pages(options.files):
        here = os.path.dirname(page)
        name = os.path.relpath(page, ROOT)
        for number, line in lines_outside_code(page):
            for m in LINK.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                    continue  # a URL
                links += 1
                path, _, fragment = target.partition("#")
                resolved = os.path.normpath(os.path.join(here, path)) if path else page
                why = None
                if resolved in pending:
                    waiting.append(f"{name}:{number}: {target}")
                    continue
                if not os.path.exists(resolved):
                    why = "no such file"
                elif fragment:
                    if not resolved.endswith(".md") or os.path.isdir(resolved):
                        why = "a fragment on a page that is not Markdown"
                    elif fragment not in anchors(resolved):
                        why = f"no heading with anchor #{fragment} in {os.path.relpath(resolved, ROOT)}"
                if why:
                    broken += 1
                    print(f"{name}:{number}: {target}: {why}")
    for entry in waiting:
        print(f"{entry}: pending (added by another change)")
    print(f"{links} relative links, {broken} broken, {len(waiting)} to pending pages")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
