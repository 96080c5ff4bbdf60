#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every control of the main window, its menus and popovers, the story
editor, project settings, preferences, Reports and the other windows has a
name that says what it
does, as the accessibility tree shows it to a screen reader; and the
settings' focus goes in reading order."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import a11y_harness as h  # noqa: E402


class Findings:
    def __init__(self):
        self.problems = []

    def check(self, where, root):
        found = h.unnamed_controls(root)
        h.log(f"{where}: {len(found)} unnamed")
        self.problems += [f"{where}: {problem}" for problem in found]

    def fail_if_any(self):
        assert not self.problems, "controls without a name:\n  " + "\n  ".join(self.problems)


def popover(app, window, button, findings, where):
    """Opens a header button's popover, checks the window with it, closes it."""
    h.click(app.wait_node(window, "push button", button))
    h.wait_for(lambda: any(h.role(n) in ("menu item", "text") or h.role(n) == "menu"
                           for n in h.walk_shown(window)), f"the {button} popover")
    findings.check(where, window)
    h.press("Escape")


def preferences_window(app, window, opener, title, findings):
    """Opens a settings window from a menu, checks each of its pages and
    that Tab goes through the first one in reading order, and closes it."""
    opener()
    settings = app.window(title)
    tabs = [n for n in h.walk_shown(settings) if h.role(n) == "page tab"] or [None]
    for tab in tabs:
        if tab is not None:
            h.click(tab)
            h.wait_for(lambda: h.pyatspi().STATE_SELECTED in h.states(tab) or
                       h.pyatspi().STATE_CHECKED in h.states(tab), f"the page {tab.name!r}")
        findings.check(f"{title}, {tab.name if tab else 'its page'}", settings)
    if tabs[0] is not None:
        h.click(tabs[0])
    visited = [n for n in _tab_around(settings) if n is not None]
    assert h.in_reading_order(visited), f"{title}: the focus order is not the reading order: " + \
        ", ".join(f"{h.role(n)} {n.name!r} at {h.extents(n)}" for n in visited)
    h.press("Escape")
    h.wait_for(lambda: all(w.name != title for w in app.windows()), f"{title} to close")


def _tab_around(window, presses=8):
    """The first few controls Tab reaches from the top of the page."""
    visited = []
    for _ in range(presses):
        h.press("Tab")
        node = h.focused(window)
        if node is not None and (not visited or not h._same(node, visited[-1])):
            visited.append(node)
    # The header's controls come first: the page's content is what is read.
    return [n for n in visited if (h.extents(n) or (0, 100))[1] > 50]


# What the seeded rows say: name and description, as Orca reads a row.
ROWS = {
    "Launch checklist": "Feature, Started, 3 points, 1 of 2 tasks done, owned by Pat Planner",
    "Fuel the rocket": "Feature, Finished, 2 points, owned by Sam Sprinter",
    "Paint the fins": "Chore, Unstarted",
    "Radio crackles": "Bug, Unstarted, owned by Pat Planner, Sam Sprinter",
    "Moon landing": "Feature, Icebox, 8 points",
}


def rows_read_as_stories(app, window):
    for title, description in ROWS.items():
        row = h.story_row(app, window, title)
        assert row.description == description, \
            f"the row {title!r} reads {row.description!r}, not {description!r}"
    header = h.wait_for(lambda: next((n for n in h.walk_shown(window) if h.role(n) == "filler"
                                      and n.name.startswith("Current · Iteration 1, ")), None),
                        "the current iteration's header row")
    assert header.name.endswith("6 of 10 points"), header.name
    h.log("rows read as", header.name, "/ Radio crackles:", ROWS["Radio crackles"])


# The main window's Tab cycle in reading order: the sidebar's column top to
# bottom, then the backlog's, its header left to right (the velocity read with
# its figure), then the list.
MAIN_WINDOW_ORDER = ["New Project", "Main Menu", "Apollo", "New Story", "Velocity 10", "Search",
                     "View and Project", "Backlog"]


def main_window_focus_order(window):
    stops = []
    for _ in range(len(MAIN_WINDOW_ORDER) + 1):
        previous = stops[-1] if stops else None
        h.press("Tab")
        stops.append(h.wait_for(lambda: (f := h.focused(window)) is not None and
                                not h._same(f, previous) and f, "the focus to move", 10))
    said = [h.subtree_name(n) for n in stops]
    start = said.index(MAIN_WINDOW_ORDER[0]) if MAIN_WINDOW_ORDER[0] in said else 0
    cycle = (said[start:] + said[:start])[:len(MAIN_WINDOW_ORDER)]
    h.log("Tab goes through", cycle)
    assert cycle == MAIN_WINDOW_ORDER, f"the main window's Tab order is {said}"


def names(backlog, app):
    findings = Findings()
    window = app.window("TrueStory")
    h.story_row(app, window, "Launch checklist", timeout=60)
    findings.check("main window", window)
    rows_read_as_stories(app, window)
    main_window_focus_order(window)
    popover(app, window, "New Story", findings, "New Story popover")
    popover(app, window, "View and Project", findings, "view menu")
    popover(app, window, "Main Menu", findings, "main menu")

    h.log("the row menu and the editor of a story")
    h.press("j")
    h.press(["Shift_L", "F10"])
    h.wait_for(lambda: any(h.role(n) == "menu item" for n in h.walk_shown(window)), "the row menu")
    findings.check("row menu", window)
    h.menu_item(app, window, "Open")
    editor = h.wait_for(lambda: next((w for w in app.windows() if w.name != "TrueStory"), None),
                        "an editor")
    findings.check(f"editor of {editor.name!r}", editor)
    h.press(["Control_L", "w"])

    def open_from_view_menu():
        h.click(app.wait_node(window, "push button", "View and Project"))
        h.menu_item(app, window, "Project Settings")
    preferences_window(app, window, open_from_view_menu, "Project Settings", findings)

    def open_from_main_menu():
        h.click(app.wait_node(window, "push button", "Main Menu"))
        h.menu_item(app, window, "Preferences")
    preferences_window(app, window, open_from_main_menu, "Preferences", findings)

    for menu, item in (("View and Project", "Activity"), ("View and Project", "Reports"),
                       ("Main Menu", "New Project"),
                       ("Main Menu", "Keyboard Shortcuts"), ("Main Menu", "About TrueStory")):
        other_window(app, window, menu, item, findings)
    import_window(app, window, findings)
    findings.fail_if_any()


TRACKER_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tracker",
                           "current.csv")


def import_window(app, window, findings):
    """The Tracker import's preview, its file chosen by keyboard in the
    file chooser (Ctrl+L, the path, Enter), then cancelled."""
    item = "Import from Pivotal Tracker…"
    h.click(app.wait_node(window, "push button", "View and Project"))
    h.menu_item(app, window, item)
    chooser = h.wait_for(lambda: next((w for w in app.windows() if w.name != "TrueStory"), None),
                         "the file chooser")
    h.press(["Control_L", "l"])
    h.wait_for(lambda: (f := h.focused(chooser)) is not None and h.role(f) == "text",
               "the chooser's location field")
    h.type_text(os.path.abspath(TRACKER_CSV))
    h.press("Return")
    preview = h.wait_for(lambda: next((w for w in app.windows() if w.name != "TrueStory" and
                                       app.find(w, "push button", "Import")), None),
                         "the import's preview", 60)
    title = preview.name
    findings.check(f"Tracker import preview ({title!r})", preview)
    h.click(app.wait_node(preview, "push button", "Cancel"))
    h.wait_for(lambda: all(w.name != title for w in app.windows()), "the import to close")


def other_window(app, window, menu, item, findings):
    """A window opened from a menu item: checked, then closed with Escape."""
    before = {w.name for w in app.windows()}
    h.click(app.wait_node(window, "push button", menu))
    h.menu_item(app, window, item)
    opened = h.wait_for(lambda: next((w for w in app.windows() if w.name not in before), None),
                        f"the window of {item!r}")
    title = opened.name
    h.wait_for(lambda: any(h.is_interactive(n) for n in h.walk_shown(opened)),
               f"the controls of {title!r}")
    findings.check(f"{item} ({title!r})", opened)
    h.press("Escape")
    h.wait_for(lambda: all(w.name != title for w in app.windows()), f"{title!r} to close")


if __name__ == "__main__":
    h.run(names)
