#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a file with translatable strings is missing from
po/POTFILES.in, or when POTFILES.in names a file that does not exist or is
not sorted: a string in a forgotten file would never be translated."""

import os
import re
import sys

TRANSLATABLE = {
    ".c": re.compile(r"\b(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\("),
    ".ui": re.compile(r'translatable="yes"'),
    ".in": re.compile(r"<_?name>|<p>|<summary>|^Name=|^Comment=|<li>|<caption>", re.M),
    ".xml": re.compile(r"<summary>|<description>"),
}


def translatable_files(root):
    found = []
    for folder in ("src/app", "data"):
        for directory, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                path = os.path.join(directory, name)
                extension = os.path.splitext(name)[1]
                if name.endswith(".service.in") or extension not in TRANSLATABLE:
                    continue
                if extension == ".xml" and not name.endswith(".gschema.xml"):
                    continue
                with open(path, encoding="utf-8") as file:
                    if TRANSLATABLE[extension].search(file.read()):
                        found.append(os.path.relpath(path, root))
    return sorted(found)


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as file:
        listed = [line.strip() for line in file
                  if line.strip() and not line.startswith("#")]
    problems = []
    for path in listed:
        if not os.path.exists(os.path.join(root, path)):
            problems.append(f"POTFILES.in names {path}, which does not exist")
    if listed != sorted(listed):
        problems.append("POTFILES.in is not sorted")
    for path in translatable_files(root):
        if path not in listed:
            problems.append(f"{path} has translatable strings but is not in POTFILES.in")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
