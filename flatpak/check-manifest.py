#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest without building it (the GNOME runtime
cannot be downloaded on the machines the tests run on): it parses, every
local path it names exists, its app id and command are the build's, the app
module builds this tree with meson and the bundled server, and its
finish-args are the allowed set."""

import json
import os
import sys

# What the app needs from outside the sandbox: the network (team servers
# and the local server on loopback), IPC for X11 shared memory, a display,
# and the GPU. Keyring, notifications and background use portals, which
# need no finish-args. Anything broader needs a reason here first.
ALLOWED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}

# What the GNOME runtime already has; a module for one of these would
# shadow the runtime's copy.
IN_RUNTIME = {"glib", "gtk", "libadwaita", "json-glib", "libsoup", "sqlite", "libsecret", "libportal"}


def fail(message):
    print(f"manifest: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    manifest_path, app_id, command = sys.argv[1:4]
    with open(manifest_path, encoding="utf-8") as file:
        try:
            manifest = json.load(file)
        except json.JSONDecodeError as error:
            fail(f"not JSON: {error}")

    if manifest.get("id") != app_id:
        fail(f"id is {manifest.get('id')!r}, the build's application id is {app_id!r}")
    if manifest.get("command") != command:
        fail(f"command is {manifest.get('command')!r}, the build installs {command!r}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        fail("the runtime is not GNOME's")
    version = str(manifest.get("runtime-version", ""))
    if not version.isdigit():
        fail(f"runtime-version {version!r} is not a pinned stable release")

    finish_args = set(manifest.get("finish-args", []))
    if finish_args != ALLOWED_FINISH_ARGS:
        extra = sorted(finish_args - ALLOWED_FINISH_ARGS)
        missing = sorted(ALLOWED_FINISH_ARGS - finish_args)
        fail(f"finish-args differ from the allowed set: extra {extra}, missing {missing}")

    base = os.path.dirname(os.path.abspath(manifest_path))
    modules = manifest.get("modules", [])
    if not modules:
        fail("no modules")
    for module in modules:
        name = module.get("name")
        if name in IN_RUNTIME:
            fail(f"module {name!r} is already in the GNOME runtime")
        for source in module.get("sources", []):
            if source.get("type") in ("dir", "file", "patch"):
                path = os.path.join(base, source["path"])
                if not os.path.exists(path):
                    fail(f"module {name!r} names {source['path']!r}, which does not exist")

    app = modules[-1]
    if app.get("name") != "truestory" or app.get("buildsystem") != "meson":
        fail("the last module is not TrueStory built with meson")
    sources = app.get("sources", [])
    tree = [s for s in sources if s.get("type") == "dir"]
    if not tree or not os.path.exists(os.path.join(base, tree[0]["path"], "meson.build")):
        fail("the app module does not build this source tree")
    if "-Dapp=false" in app.get("config-opts", []):
        fail("the app module does not build the app")
    # The local backlog needs the bundled server, which the same meson
    # project builds and installs; and the server needs libsodium.
    if not any(m.get("name") == "libsodium" for m in modules[:-1]):
        fail("libsodium (needed by the bundled server) is not built before the app")
    print(f"manifest: {manifest_path} is consistent with the build")


if __name__ == "__main__":
    main()
