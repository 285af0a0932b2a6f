# SPDX-License-Identifier: GPL-2.0-or-later
# Runs lyre-harness (the headless libpurple client) for the integration tests, parses its JSON.
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def protocol():
    """The protocol under test: env LYRE_PROTOCOL, default prpl-lyre."""
    return os.environ.get("LYRE_PROTOCOL", "prpl-lyre")


def harness_path():
    path = os.environ.get("LYRE_HARNESS")
    if not path:
        build = os.environ.get("LYRE_BUILD_ROOT", os.path.join(HERE, "..", "..", "build"))
        path = os.path.join(build, "tests", "integration", "lyre-harness")
    return path


# LeakSanitizer's own tracer can crash while it stops the threads at exit (under load, with
# GLib's worker threads ending): then no leak check ran at all. That is not a leak report
# ("detected memory leaks" still fails), so the harness's own exit status stands.
LSAN_TRACER_CRASH = "LeakSanitizer has encountered a fatal error"
LSAN_LEAKS = "ERROR: LeakSanitizer: detected memory leaks"


class Result:
    def __init__(self, returncode, stdout, stderr, argv):
        self.returncode, self.stdout, self.stderr, self.argv = returncode, stdout, stderr, argv
        self.events = []
        for line in stdout.splitlines():
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass
        exits = self.of("exit")
        if (returncode != 0 and LSAN_TRACER_CRASH in stderr and LSAN_LEAKS not in stderr
                and exits and exits[-1].get("status") == 0):
            print("note: LeakSanitizer's tracer crashed after the harness exited 0; no leak "
                  "check ran for this run", flush=True)
            self.returncode = 0

    def of(self, name):
        return [e for e in self.events if e.get("event") == name]

    def has(self, name):
        return bool(self.of(name))

    def describe(self):
        return "argv: %s\nrc=%s\nstdout:\n%s\nstderr (tail):\n%s" % (
            " ".join(self.argv), self.returncode, self.stdout, self.stderr[-4000:])


class Client:
    """One purple home (kept across runs, so remembered certificates persist)."""

    def __init__(self, server, user, password, proto=None):
        self.server, self.user, self.password = server, user, password
        self.proto = proto or protocol()
        self.home = tempfile.mkdtemp(prefix="lyre-purple-")

    def run(self, settings=None, cert_answer="reject", wait_for="signed-on", timeout=20,
            resource="harness", stdin_text=None, extra=(), env=None, with_password=True):
        """env: the harness's environment; by default this one in the C locale (English, as
        the tests expect), whatever the caller's LANG or LANGUAGE. with_password=False: no
        --password, the account signs in with the one it saved."""
        argv = [harness_path(), "--purple-home", self.home, "--protocol", self.proto,
                "--account", "%s@%s/%s" % (self.user, self.server.host, resource)]
        if with_password:
            argv += ["--password", self.password]
        argv += ["--cert-answer", cert_answer, "--wait-for", wait_for, "--timeout", str(timeout)]
        plugin_dir = os.environ.get("LYRE_PLUGIN_DIR")
        if plugin_dir:
            argv += ["--plugin-dir", plugin_dir]
        if stdin_text is not None:
            argv.append("--commands")
        for key, value in (settings or {}).items():
            argv += ["--set", "%s=%s" % (key, value)]
        argv += list(extra)
        wrap = os.environ.get("LYRE_HARNESS_WRAP", "").split()
        argv = wrap + argv
        if env is None:
            env = dict(os.environ, LC_ALL="C")
        proc = subprocess.run(argv, input=stdin_text, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout + 60, env=env)
        return Result(proc.returncode, proc.stdout, proc.stderr, argv)

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)
