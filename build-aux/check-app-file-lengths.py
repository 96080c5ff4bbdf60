#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a file in src/app is over 1,200 lines (the house style): a
file that long holds more than one concern and is split by what it does,
as ts-project-view-*.c and ts-story-editor-*.c are."""

import os
import sys

LIMIT = 1200


def main():
    root = sys.argv[1]
    too_long = []
    for directory, _, names in os.walk(os.path.join(root, "src", "app")):
        for name in sorted(names):
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                lines = handle.read().count(b"\n")
            if lines > LIMIT:
                too_long.append((os.path.relpath(path, root), lines))
    for path, lines in too_long:
        print(f"{path}: {lines} lines, over {LIMIT}", file=sys.stderr)
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main())
