#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The narrow window (360 px, a phone's width): the projects page and the
backlog page with its panel bar, each control named, and the panels
switched and a story opened by keyboard alone."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import a11y_harness as h  # noqa: E402


def narrow(backlog, app):
    window = app.window("TrueStory")
    problems = []
    h.log("the projects page")
    h.wait_for(lambda: app.find(window, "label", "Apollo"), "the project in the sidebar", 60)
    problems += [f"projects page: {p}" for p in h.unnamed_controls(window)]
    h.log("the backlog page by keyboard, its panel bar and the view menu")
    # Tab to the project, Enter to open it.
    h.tab_to(window, lambda n: h.role(n) == "list item" and h.subtree_name(n) == "Apollo",
             "the project Apollo")
    h.press("Return")
    app.wait_node(window, "push button", "Back to Projects")
    h.story_row(app, window, "Launch checklist", timeout=60)
    problems += [f"backlog page: {p}" for p in h.unnamed_controls(window)]
    for panel in ("Current", "Backlog", "Icebox", "Done"):
        h.wait_for(lambda: app.find(window, "toggle button", panel) or
                   app.find(window, "push button", panel), f"the panel button {panel!r}")
    h.click(app.wait_node(window, "push button", "View and Project"))
    h.wait_for(lambda: app.find(window, "menu item", "What-If Velocity…"), "the narrow view menu")
    problems += [f"view menu: {p}" for p in h.unnamed_controls(window)]
    h.press("Escape")
    assert not problems, "controls without a name:\n  " + "\n  ".join(problems)

    h.log("the Icebox panel by its button, a story opened with Enter")
    icebox = app.find(window, "toggle button", "Icebox") or app.find(window, "push button", "Icebox")
    h.click(icebox)
    h.story_row(app, window, "Moon landing")
    h.press("j")
    h.press("Return")
    editor = app.window("Moon landing")
    found = h.unnamed_controls(editor)
    assert not found, "unnamed in the narrow editor:\n  " + "\n  ".join(found)


if __name__ == "__main__":
    h.run(narrow, settings={"window-width": 360, "window-height": 720})
