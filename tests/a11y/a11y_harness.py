# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives the real TrueStory app as a screen reader does: only through the
AT-SPI accessibility tree, with keys synthesized through the registry
(XTest on the Xvfb display).

Each test program runs itself again inside its own Xvfb (xvfb-run -a) and
session bus (dbus-run-session), on which the AT-SPI bus is D-Bus-activated;
it never inherits the app suite's GTK_A11Y=none / NO_AT_BRIDGE=1. A missing
tool fails the test when CI is set, and skips it (77) by hand.
"""

import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
# The display could not be opened, or the app ended before it showed
# itself: under xvfb-run -a, another test's X server can take the display
# number this one picked (a race of xvfb-run between concurrent runs). The
# session is started once more.
APP_DIED = 75
INSIDE = "TRUESTORY_A11Y_INSIDE"
SCREEN = "-screen 0 1400x900x24 -nolisten tcp"
# What the app suite sets to keep GTK off the accessibility bus.
A11Y_OFF = ("GTK_A11Y", "NO_AT_BRIDGE")


def log(*parts):
    print("#", *parts, flush=True)


def missing(what):
    """A tool is not there: a failure in CI, a skip by hand."""
    if os.environ.get("CI"):
        print(f"a11y: {what} is missing (build-aux/install-deps installs it)", file=sys.stderr)
        sys.exit(1)
    print(f"a11y: skipped: {what} is missing (build-aux/install-deps installs it)")
    sys.exit(SKIP)


def run_inside_session():
    """Runs this script again inside its own X display and session bus,
    unless it already runs there, and exits with its status."""
    if os.environ.get(INSIDE) == "1":
        for name in A11Y_OFF:
            if name in os.environ:
                sys.exit(f"a11y: {name} is set inside the session; the accessibility bus is off")
        try:
            _keycode("Return")
        except RuntimeError as error:
            print(f"a11y: {error}", file=sys.stderr)
            sys.exit(APP_DIED)
        return
    for tool in ("xvfb-run", "Xvfb", "dbus-run-session", "xauth"):
        if shutil.which(tool) is None:
            missing(tool)
    for service in ("/usr/libexec/at-spi-bus-launcher", "/usr/libexec/at-spi2-registryd"):
        if not os.path.exists(service):
            missing(f"{service} (at-spi2-core)")
    try:
        import pyatspi  # noqa: F401
    except ImportError:
        missing(f"pyatspi for {sys.executable} (python3-pyatspi)")
    for name in ("TRUESTORY_APP", "TRUESTORY_SERVER", "GSETTINGS_SCHEMA_DIR"):
        if not os.environ.get(name):
            sys.exit(f"a11y: {name} is not set (meson sets it: meson test --suite a11y)")
    env = {k: v for k, v in os.environ.items() if k not in A11Y_OFF}
    env[INSIDE] = "1"
    # No session bus of the caller's: dbus-run-session starts one.
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.pop("AT_SPI_BUS_ADDRESS", None)
    command = ["xvfb-run", "-a", "-s", SCREEN, "dbus-run-session", "--",
               sys.executable] + sys.argv
    status = subprocess.call(command, env=env)
    if status == APP_DIED:
        print("a11y: the app ended before it showed itself; once more, on a new display",
              file=sys.stderr)
        status = subprocess.call(command, env=env)
    sys.exit(1 if status == APP_DIED else status)


# Nothing leaves 127.0.0.1: no proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalBacklog:
    """The local backlog the app opens with --local-backlog, made before
    the app starts: its server (truestory-server on 127.0.0.1, port 0)
    already serving the folder, which the app then uses, and the local
    account's credentials where the app keeps them."""

    EMAIL = "planner@localhost.localdomain"
    PASSWORD = "a11y-test-password"

    def __init__(self, settings=None):
        """settings: keys of the app's schema to start with (its window's
        size), kept in GLib's key-file backend; else in memory."""
        self.settings = settings
        self.home = tempfile.mkdtemp(prefix="truestory-a11y-")
        self.env = {}
        for name, folder in (("HOME", "home"), ("XDG_DATA_HOME", "data"),
                             ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                             ("XDG_STATE_HOME", "state"), ("XDG_RUNTIME_DIR", "runtime")):
            path = os.path.join(self.home, folder)
            os.makedirs(path, mode=0o700)
            self.env[name] = path
        self.data_dir = os.path.join(self.env["XDG_DATA_HOME"], "truestory", "local")
        os.makedirs(self.data_dir, mode=0o700)
        self.server = None
        self.app = None
        self.token = None
        self.base_url = None

    # The server and its seed.

    def start_server(self):
        program = os.environ["TRUESTORY_SERVER"]
        subprocess.run([program, "--data-dir", self.data_dir, "user", "add",
                        "--email", self.EMAIL, "--name", "Pat Planner"],
                       input=self.PASSWORD + "\n", text=True, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([program, "--data-dir", self.data_dir, "user", "add",
                        "--email", "sam@localhost.localdomain", "--name", "Sam Sprinter"],
                       input=self.PASSWORD + "\n", text=True, check=True,
                       stdout=subprocess.DEVNULL)
        credentials = os.path.join(self.data_dir, "truestory-app.ini")
        with open(os.open(credentials, os.O_WRONLY | os.O_CREAT, 0o600), "w") as out:
            out.write(f"[local-account]\nemail={self.EMAIL}\npassword={self.PASSWORD}\n")
        self.server = subprocess.Popen(
            [program, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE, text=True, env=self._child_env())
        line = self.server.stdout.readline()
        prefix = "listening on "
        if not line.startswith(prefix):
            raise RuntimeError(f"truestory-server said {line!r}")
        self.base_url = line[len(prefix):].strip()
        self.token = self.request("POST", "/api/v1/session",
                                  {"email": self.EMAIL, "password": self.PASSWORD})["token"]

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        with _opener.open(request, timeout=30) as answer:
            return json.loads(answer.read())

    def seed(self):
        """A project in the middle of its work: stories of each type and
        state, estimated, with owners, and a comment."""
        project = self.request("POST", "/api/v1/projects", {"name": "Apollo"})
        self.project_id = project["id"]
        sam = self.request("POST", f"/api/v1/projects/{self.project_id}/members",
                           {"email": "sam@localhost.localdomain"})
        me = self.request("GET", "/api/v1/me")
        stories = [
            ("Launch checklist", "feature", 3, "started", [me["id"]]),
            ("Fuel the rocket", "feature", 2, "finished", [sam["id"]]),
            ("Paint the fins", "chore", None, "unstarted", []),
            ("Radio crackles", "bug", None, "unstarted", [me["id"], sam["id"]]),
            ("Countdown timer", "feature", 1, "unstarted", []),
            ("First orbit", "release", None, "unstarted", []),
            ("Moon landing", "feature", 8, "unscheduled", []),
        ]
        path = f"/api/v1/projects/{self.project_id}/stories"
        for title, kind, estimate, state, owners in stories:
            story = self.request("POST", path, {"title": title, "type": kind,
                                                "estimate": estimate, "owner_ids": owners})
            # A new story goes to the Icebox; the others go on from there,
            # one allowed step at a time.
            steps = ["unstarted", "started", "finished"]
            if state != "unscheduled":
                for step in steps[:steps.index(state) + 1]:
                    self.request("PATCH", f"{path}/{story['id']}", {"state": step})
            if title == "Launch checklist":
                for text, done in (("Check the seals", True), ("Arm the boosters", False)):
                    self.request("POST", f"{path}/{story['id']}/tasks", {"text": text, "done": done})
        return self.project_id

    def stories(self):
        return self.request("GET", f"/api/v1/projects/{self.project_id}/stories")["stories"]

    def story(self, title):
        for story in self.stories():
            if story["title"] == title:
                return story
        return None

    # The app.

    def _child_env(self):
        env = {k: v for k, v in os.environ.items() if k not in A11Y_OFF}
        env.update(self.env)
        env["GSETTINGS_BACKEND"] = "memory"
        if self.settings:
            env["GSETTINGS_BACKEND"] = "keyfile"
            folder = os.path.join(self.env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "keyfile"), "w") as out:
                out.write("[io/github/truestory/TrueStory]\n")
                for key, value in self.settings.items():
                    out.write(f"{key}={value}\n")
        env["GSK_RENDERER"] = "cairo"
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        env.pop("LANGUAGE", None)
        return env

    def start_app(self, *args):
        self.app = subprocess.Popen([os.environ["TRUESTORY_APP"], "--local-backlog", *args],
                                    env=self._child_env())
        return self.app

    def stop(self):
        for process in (self.app, self.server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


# The accessibility tree.

# Roles a person acts on: each needs a name saying what it does. Any other
# node counts too when it takes the focus (a list view, a chart), but for
# the containers GTK makes focusable for scrolling, whose content is read.
INTERACTIVE_ROLES = {
    "push button", "toggle button", "check box", "radio button", "menu item",
    "check menu item", "radio menu item", "entry", "password text", "spin button",
    "combo box", "slider", "link", "list item", "page tab", "switch",
}
CONTAINER_ROLES = {"scroll pane", "panel", "filler", "frame", "dialog", "window",
                   "application", "label", "viewport", "section"}
_TYPE_NAME = re.compile(r"^(Gtk|Adw|Ts)[A-Z][A-Za-z]*$")
_MNEMONIC = re.compile(r"(^|\s)_\w")


def name_is_missing(name):
    """GTK 4.8 gives an unnamed widget its type name ("GtkMenuButton")."""
    return not name or not name.strip() or _TYPE_NAME.match(name.strip()) is not None


def name_problem(name):
    if name_is_missing(name):
        return "no name" if not name or not name.strip() else f"only its type name {name!r}"
    if _MNEMONIC.search(name):
        return f"a mnemonic underscore in {name!r}"
    if name != name.strip() or "  " in name:
        return f"stray spaces in {name!r}"
    return None


def role(node):
    try:
        return node.getRoleName()
    except Exception:
        return ""


def states(node):
    try:
        return set(node.getState().getStates())
    except Exception:
        return set()


def extents(node):
    """The node's box on the screen, or None when it has none (a stack
    page). An unmapped widget (a hidden stack child, a closed revealer)
    is an empty box: GTK 4.8 sets no SHOWING state to tell."""
    try:
        box = node.queryComponent().getExtents(pyatspi().DESKTOP_COORDS)
    except Exception:
        return None
    return (box.x, box.y, box.width, box.height)


def on_screen(node):
    box = extents(node)
    return box is None or (box[2] > 0 and box[3] > 0)


def children(node):
    try:
        return [child for child in node if child is not None]
    except Exception:
        return []


def walk_shown(node, within=None):
    """Every node under this one that is on the screen: of a stack, only
    the page whose content is laid out; of a folded leaflet, only the
    page inside the window (the other one is laid out beside it)."""
    if within is None:
        within = extents(node)
    for child in children(node):
        if not on_screen(child) or not _overlaps(extents(child), within):
            continue
        yield child
        yield from walk_shown(child, within)


def _overlaps(box, area):
    """Whether the box's centre is across the area, left to right (a
    leaflet's shadow puts the edge of the page beside the window a few
    pixels inside it). Content scrolled out of view, above or below, is
    still walked: a screen reader reads it."""
    if box is None or area is None or area[2] <= 0:
        return True
    x = box[0] + box[2] / 2
    return area[0] <= x <= area[0] + area[2]


def is_interactive(node):
    node_role = role(node)
    if node_role in INTERACTIVE_ROLES:
        return True
    if node_role == "text" and pyatspi().STATE_EDITABLE in states(node):
        return True
    return pyatspi().STATE_FOCUSABLE in states(node) and node_role not in CONTAINER_ROLES


def subtree_name(node, depth=0):
    """A list item's name: GTK 4.8 leaves list items unnamed, so the row
    widget inside (or its children) carries it."""
    if not name_is_missing(node.name):
        return node.name
    if depth > 3:
        return ""
    for child in children(node):
        name = subtree_name(child, depth + 1)
        if name:
            return name
    return ""


def unnamed_controls(root):
    """Describes every interactive node on the screen under root whose
    name does not say what it does."""
    problems = []
    if name_is_missing(root.name):
        problems.append(f"the window {role(root)} has no title: {root.name!r}")
    for node in walk_shown(root):
        if not is_interactive(node):
            continue
        node_role = role(node)
        name = subtree_name(node) if node_role in ("list item",) else node.name
        problem = name_problem(name)
        if problem:
            hint = f" described {node.description!r}" if node.description else ""
            problems.append(f"{node_role}{hint} (in {path_of(node.parent)}): {problem}")
    return problems


def path_of(node):
    parts = []
    while node is not None and role(node) != "application":
        if not name_is_missing(node.name):
            parts.append(f"{role(node)} {node.name!r}")
        try:
            node = node.parent
        except Exception:
            break
    return " < ".join(parts[:3]) or "the window"


def pyatspi():
    import pyatspi as module
    return module


class Timeout(AssertionError):
    pass


class AppDied(RuntimeError):
    pass


def wait_for(condition, what, timeout=30.0):
    """Polls condition until it returns something true, which it returns;
    fails naming what was awaited. The app answers AT-SPI from its main
    loop, so a loaded machine makes it slow, not wrong."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except AppDied:
            raise
        except Exception as error:  # a node that went away meanwhile
            last_error = error
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise Timeout(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


class App:
    """The running app as the accessibility bus shows it."""

    def __init__(self, process):
        self.process = process
        self.pid = process.pid
        self.node = wait_for(self._find, "the app on the accessibility bus", 60)

    def _find(self):
        if self.process.poll() is not None:
            raise AppDied(f"the app ended (status {self.process.returncode}) before it "
                          "showed itself on the accessibility bus")
        for app in pyatspi().Registry.getDesktop(0):
            if app is not None and app.get_process_id() == self.pid and app.childCount > 0:
                return app
        return None

    def windows(self):
        """The app's toplevels (an AdwWindow reads as a "filler")."""
        return children(self.node)

    def window(self, name):
        return wait_for(lambda: next((w for w in self.windows() if w.name == name), None),
                        f"the window {name!r}")

    def find(self, root, role_name, name, exact=True):
        for node in walk_shown(root):
            if role(node) != role_name:
                continue
            if (node.name == name) if exact else (name in (node.name or "")):
                return node
        return None

    def wait_node(self, root, role_name, name, exact=True, timeout=30):
        return wait_for(lambda: self.find(root, role_name, name, exact),
                        f"a {role_name} named {name!r}", timeout)

    def find_all(self, root, role_name):
        return [n for n in walk_shown(root) if role(n) == role_name]


def _click_action(node):
    try:
        action = node.queryAction()
    except NotImplementedError:
        return None, None
    for index in range(action.nActions):
        if action.getName(index) in ("click", "activate", "press"):
            return action, index
    return None, None


def click(node):
    """A button's click action, as Orca's "activate" does. A GTK 4.8 menu
    button is two buttons, the outer one without actions: the inner one
    takes the click."""
    for candidate in [node] + children(node):
        action, index = _click_action(candidate)
        if action is not None:
            action.doAction(index)
            return
    raise AssertionError(f"{role(node)} {node.name!r} has no click action")


def press(*keys):
    """Key presses synthesized by the registry (XTest on the display):
    GTK 4.8 takes neither focus nor text through AT-SPI. A key is a
    keysym name ("Return", "Down", "F10"); a list of them is a chord."""
    atspi = pyatspi()
    for key in keys:
        chord = key if isinstance(key, (list, tuple)) else [key]
        codes = [_keycode(name) for name in chord]
        for code in codes:
            atspi.Registry.generateKeyboardEvent(code, None, atspi.KEY_PRESS)
        for code in reversed(codes):
            atspi.Registry.generateKeyboardEvent(code, None, atspi.KEY_RELEASE)
        time.sleep(0.05)


def type_text(text):
    atspi = pyatspi()
    atspi.Registry.generateKeyboardEvent(0, text, atspi.KEY_STRING)
    time.sleep(0.1)


_x_display = None


def _keycode(keysym_name):
    """The display's keycode of a keysym, from Xlib (libX11, which GTK
    brings anyway): the registry's KEY_PRESS takes keycodes."""
    global _x_display  # pylint: disable=global-statement
    import ctypes  # pylint: disable=import-outside-toplevel
    import ctypes.util  # pylint: disable=import-outside-toplevel
    xlib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XStringToKeysym.restype = ctypes.c_ulong
    xlib.XStringToKeysym.argtypes = [ctypes.c_char_p]
    xlib.XKeysymToKeycode.restype = ctypes.c_ubyte
    xlib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    if _x_display is None:
        _x_display = xlib.XOpenDisplay(None)
        if not _x_display:
            raise RuntimeError("cannot open the X display " + os.environ.get("DISPLAY", "(unset)"))
    keysym = xlib.XStringToKeysym(keysym_name.encode())
    code = xlib.XKeysymToKeycode(_x_display, keysym) if keysym else 0
    if not code:
        raise ValueError(f"no keycode for the key {keysym_name!r}")
    return code


def walk_all(node):
    for child in children(node):
        yield child
        yield from walk_all(child)


def focused(root):
    atspi = pyatspi()
    return next((n for n in walk_all(root) if atspi.STATE_FOCUSED in states(n)), None)


def menu_item(app, root, name, timeout=30):
    """Clicks the menu item named name in the popover menu shown (a
    submenu slides in beside its parent page: the last one is the page
    shown)."""
    def shown_item():
        items = [n for n in walk_shown(root) if role(n).endswith("menu item") and n.name == name]
        return items[-1] if items else None
    click(wait_for(shown_item, f"the menu item {name!r}", timeout))


def story_row(app, root, title, timeout=30):
    return app.wait_node(root, "filler", title, timeout=timeout)


def wait_description(app, root, title, wanted, timeout=30):
    """Waits until the row of title reads wanted in its description."""
    def reads():
        row = app.find(root, "filler", title)
        return row is not None and wanted in (row.description or "") and row
    return wait_for(reads, f"the row {title!r} to read {wanted!r}", timeout)


def tab_to(root, predicate, what, limit=40, key="Tab"):
    """Moves the focus with Tab, as a keyboard user does, until predicate
    holds for the focused node; returns the nodes focused on the way.
    libadwaita 1.2's entry rows do not report their focus over AT-SPI:
    a Tab that shows no focused node is skipped (None on the way)."""
    visited = []
    previous = focused(root)
    for _ in range(limit):
        press(key)
        try:
            node = wait_for(lambda: (f := focused(root)) is not None and
                            not _same(f, previous) and f, "the focus to move", 4)
        except Timeout:
            node = None
        visited.append(node)
        previous = node
        if node is not None and predicate(node):
            return visited
    raise AssertionError(f"Tab never reached {what}; it went through " +
                         ", ".join(f"{role(n)} {n.name!r}" if n else "?" for n in visited))


def _same(a, b):
    if a is None or b is None:
        return False
    try:
        return a == b or (a.path == b.path and a.name == b.name)
    except Exception:
        return False


def in_reading_order(nodes):
    """Whether the focused nodes go top to bottom and, on one line, in the
    direction of reading (left to right here)."""
    boxes = [extents(n) for n in nodes if n is not None]
    boxes = [b for b in boxes if b is not None]
    for before, after in zip(boxes, boxes[1:]):
        same_line = abs(before[1] - after[1]) < max(4, min(before[3], after[3]) // 2)
        if same_line and after[0] < before[0]:
            return False
        if not same_line and after[1] < before[1]:
            return False
    return True


def run(test, settings=None):
    """Runs test(backlog, app) on a seeded local backlog and the app on
    it, then stops both. Exits 0 when the test passed and the app still
    runs, 1 otherwise, with the reason on standard error."""
    run_inside_session()
    backlog = LocalBacklog(settings)
    status = 0
    try:
        backlog.start_server()
        backlog.seed()
        app = App(backlog.start_app())
        test(backlog, app)
        if app.process.poll() is not None:
            raise AssertionError(f"the app ended (status {app.process.returncode}) during the test")
        log("passed")
    except AppDied as error:
        print(f"a11y: {error}", file=sys.stderr)
        status = APP_DIED
    except Exception as error:  # pylint: disable=broad-except
        import traceback  # pylint: disable=import-outside-toplevel
        traceback.print_exc()
        print(f"a11y: FAILED: {error}", file=sys.stderr)
        status = 1
    finally:
        backlog.stop()
    sys.exit(status)
