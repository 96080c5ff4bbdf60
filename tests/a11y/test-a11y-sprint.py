#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sprint planned by keyboard and screen reader alone, and its burn-up
read as a table: the app driven
only through the accessibility tree (clicks are AT-SPI actions, typing is
synthesized keys), its results read back from the rows, as Orca reads
them, and checked on the server."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import a11y_harness as h  # noqa: E402

TITLE = "Dock the lander"


def create_story(backlog, app, window):
    h.log("create a story: the key a opens New Story, type, Enter")
    h.press("a")
    entry = app.wait_node(window, "text", "New story title")
    h.wait_for(lambda: h.pyatspi().STATE_FOCUSED in h.states(entry),
               "the title field to have the focus")
    h.type_text(TITLE)
    h.press("Return")
    h.wait_description(app, window, TITLE, "Feature, Unstarted")
    h.wait_for(lambda: backlog.story(TITLE), "the story on the server")


def row_menu(app, window, *path):
    """Opens the selected row's menu with Shift+F10 and follows path."""
    h.press(["Shift_L", "F10"])
    for name in path:
        h.menu_item(app, window, name)


def estimate_and_type(backlog, app, window):
    h.log("estimate it and change its type from the row's menu")
    row_menu(app, window, "Estimate", "3 Points")
    h.wait_description(app, window, TITLE, "3 points")
    row_menu(app, window, "Type", "Bug")
    h.wait_description(app, window, TITLE, "Bug, Unstarted")
    story = h.wait_for(lambda: (s := backlog.story(TITLE)) and s["type"] == "bug" and s,
                       "the bug on the server")
    assert story["estimate"] == 3, f"the server has estimate {story['estimate']}"


def prioritise(backlog, app, window):
    h.log("move it to the top of the plan with Alt+Home")
    h.press(["Alt_L", "Home"])
    h.wait_for(lambda: backlog.stories()[0]["title"] == TITLE, "the story first on the server")
    h.story_row(app, window, TITLE)


def icebox_and_back(backlog, app, window):
    h.log("move it to the Icebox and back")
    row_menu(app, window, "Move to Icebox")
    h.wait_description(app, window, TITLE, "Bug, Icebox")
    h.wait_for(lambda: backlog.story(TITLE)["state"] == "unscheduled", "the Icebox on the server")
    row_menu(app, window, "Move to Backlog")
    h.wait_description(app, window, TITLE, "Bug, Unstarted")
    h.wait_for(lambda: backlog.story(TITLE)["state"] == "unstarted", "the backlog on the server")


def row_button(app, window, name):
    row = h.story_row(app, window, TITLE)
    return h.wait_for(lambda: app.find(row, "push button", name),
                      f"the row's {name} button")


def start_and_finish(backlog, app, window):
    h.log("start it with the key s, finish it with the row's button")
    h.press("s")
    h.wait_description(app, window, TITLE, "Bug, Started")
    h.click(row_button(app, window, "Finish"))
    h.wait_description(app, window, TITLE, "Bug, Finished")
    h.wait_for(lambda: backlog.story(TITLE)["state"] == "finished", "finished on the server")


def task(backlog, app, editor):
    h.log("add a task in the editor and tick it, by keyboard")
    h.tab_to(editor, lambda n: h.role(n) == "text" and n.name == "New task", "the new task field")
    h.type_text("Pack the parachute")
    h.press("Return")
    h.wait_for(lambda: [t["text"] for t in backlog.story(TITLE)["tasks"]] == ["Pack the parachute"],
               "the task on the server")
    box = h.tab_to(editor, lambda n: h.role(n) == "check box" and
                   n.name == "Done: Pack the parachute", "the task's check box",
                   key=["Shift_L", "Tab"])[-1]
    h.press("space")
    h.wait_for(lambda: h.pyatspi().STATE_CHECKED in h.states(box), "the task ticked")
    h.wait_for(lambda: backlog.story(TITLE)["tasks"][0]["done"], "the task done on the server")


def comment(backlog, app, window):
    h.log("open the editor from the row's menu and comment by keyboard")
    row_menu(app, window, "Open")
    editor = app.window(TITLE)
    problems = h.unnamed_controls(editor)
    assert not problems, "unnamed in the editor:\n  " + "\n  ".join(problems)
    task(backlog, app, editor)
    visited = h.tab_to(editor, lambda n: h.role(n) == "text" and n.name == "New comment",
                       "the comment field")
    assert h.in_reading_order(visited), "the editor's focus order is not the reading order: " + \
        ", ".join(f"{h.role(n)} {n.name!r} at {h.extents(n)}" for n in visited if n)
    h.type_text("Docking clamps checked")
    h.press("Return")
    h.wait_for(lambda: app.find(editor, "label", "Docking clamps checked"),
               "the comment in the editor")
    story = backlog.story(TITLE)
    comments = backlog.request(
        "GET", f"/api/v1/projects/{backlog.project_id}/stories/{story['id']}/comments")
    assert [c["text"] for c in comments["comments"]] == ["Docking clamps checked"], comments
    h.press(["Control_L", "w"])
    h.wait_for(lambda: all(w.name != TITLE for w in app.windows()), "the editor to close")


def search(app, window):
    h.log("search by keyboard: Ctrl+F, a word, the rows that match")
    h.press(["Control_L", "f"])
    entry = app.wait_node(window, "entry", "Search stories")
    h.wait_for(lambda: h.pyatspi().STATE_FOCUSED in h.states(entry),
               "the search field to have the focus")
    h.type_text("rocket")
    def only_match():
        rows = [n for n in app.find_all(window, "filler") if n.description and
                any(t in n.description for t in ("Feature,", "Bug,", "Chore,", "Release,"))]
        names = sorted(r.name for r in rows)
        return names == ["Fuel the rocket"] and names
    h.wait_for(only_match, "only “Fuel the rocket” to be listed")
    h.press("Escape")
    h.story_row(app, window, TITLE)


def accept(backlog, app, window, title):
    h.log(f"deliver and accept “{title}” with its row's buttons")
    for button, state in (("Deliver", "Delivered"), ("Accept", "Accepted")):
        row = h.story_row(app, window, title)
        h.click(h.wait_for(lambda: app.find(row, "push button", button), f"{button} on the row"))
        h.wait_description(app, window, title, state)
    h.wait_for(lambda: backlog.story(title)["state"] == "accepted", "accepted on the server")


def table_rows(app, root, first_heading, columns):
    """A chart's table as its rows of texts (names of its labels, which
    say what a dash means), under its heading row."""
    heading = app.find(root, "label", first_heading)
    if heading is None:
        return None
    cells = [n.name for n in h.children(heading.parent) if h.role(n) == "label"]
    start = cells.index(first_heading)
    return [cells[i:i + columns] for i in range(start, len(cells), columns)]


def burn_up_table(backlog, app, window):
    h.log("open Reports from the view menu, the burn-up, its table and its chart by keys")
    h.click(app.wait_node(window, "push button", "View and Project"))
    h.menu_item(app, window, "Reports")
    reports = app.window("Reports")
    problems = h.unnamed_controls(reports)
    assert not problems, "unnamed in Reports:\n  " + "\n  ".join(problems)
    tab = app.wait_node(reports, "page tab", "Burn-Up")
    h.click(tab)
    h.wait_for(lambda: h.pyatspi().STATE_SELECTED in h.states(tab), "the Burn-Up page")
    chart = app.wait_node(reports, "image", "Burn-up chart", exact=False)
    # An AdwViewStack's pages all keep their boxes: the burn-up's own
    # controls are the chart's neighbours.
    page = chart.parent
    h.click(app.wait_node(page, "push button", "Show Table"))
    rows = h.wait_for(lambda: (r := table_rows(app, page, "Day", 3)) and len(r) > 1 and r,
                      "the burn-up table")
    h.log("the table reads", rows[:2], "…")
    assert rows[0] == ["Day", "Accepted", "Planned"], rows[0]
    accepted = [row for row in rows[1:] if row[1] == "2"]
    assert accepted, f"no day of the table reads the 2 points accepted today: {rows}"
    planned = {row[2] for row in rows[1:]}
    assert len(planned) == 1 and int(planned.pop()) >= 2, f"the planned column: {rows}"
    # The chart is one stop of the keyboard; the arrows say each day.
    h.tab_to(reports, lambda n: h.role(n) == "image", "the chart")
    before = chart.description
    h.press("Home")
    h.wait_for(lambda: chart.description != before, "the chart to say its first day")
    h.press("Escape")
    h.wait_for(lambda: all(w.name != "Reports" for w in app.windows()), "Reports to close")


def sprint(backlog, app):
    window = app.window("TrueStory")
    h.story_row(app, window, "Launch checklist", timeout=60)
    create_story(backlog, app, window)
    estimate_and_type(backlog, app, window)
    prioritise(backlog, app, window)
    icebox_and_back(backlog, app, window)
    start_and_finish(backlog, app, window)
    comment(backlog, app, window)
    search(app, window)
    accept(backlog, app, window, "Fuel the rocket")
    burn_up_table(backlog, app, window)


if __name__ == "__main__":
    h.run(sprint)
