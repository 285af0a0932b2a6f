# SPDX-License-Identifier: GPL-2.0-or-later
# The installed purple-lyre package in a plain Finch: the system's finch, the system plugin
# directory, nothing from a build tree. Run by tests/package/test-deb.sh after apt-get install.
"""Usage: /usr/bin/python3 tests/package/test_installed.py PLUGIN_FILE [--po po/fr.po]

PLUGIN_FILE is the installed plugin (/usr/lib/<triplet>/purple-2/liblyre.so). The test starts a
private Prosody (tests/integration/prosody.py) with alice and bob in each other's roster, writes
a purple home whose accounts.xml holds one enabled prpl-lyre account for alice (connect server
127.0.0.1, the test CA as lyre_ca_file) and has no plugins/ folder, and starts `finch -d -c HOME`
in a private tmux (as tests/integration/test_finch.py does). It passes when

  - Finch maps PLUGIN_FILE (read from /proc/<finch>/maps) and no other liblyre.so,
  - Prosody binds alice@example.test/finch,
  - an independent client (slixmpp, as bob) receives alice's available presence (skipped with
    a note when python3-slixmpp is missing),
  - with --po, the installed French catalogue translates a string of po/fr.po.

Every wait is bounded (WAIT_SECONDS); on failure it prints the Finch screen, Finch's log and
the server log, and it always stops Finch, tmux and Prosody and removes its files.
"""

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(HERE, "..", "integration")
sys.path.insert(0, INTEGRATION)
from prosody import Prosody  # noqa: E402
import purple_home  # noqa: E402
from test_finch import tmux  # noqa: E402

WAIT_SECONDS = 60
ACCOUNT = "alice@example.test/finch"


class Failure(Exception):
    pass


def step(text):
    print("== %s" % text, flush=True)


def wait_until(what, predicate, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    if predicate():
        return
    raise Failure("timed out after %d s waiting for %s" % (seconds, what))


def check_catalogue(po_file):
    """The installed purple-lyre.mo translates a plain entry of po/fr.po (LOCALEDIR is
    /usr/share/locale, where the plugin looks)."""
    with open(po_file, encoding="utf-8") as f:
        text = f.read()
    for entry in text.split("\n\n"):
        if "msgctxt" in entry or "msgid_plural" in entry or "#, fuzzy" in entry:
            continue
        m = re.search(r'^msgid "([^"\\]+)"\nmsgstr "([^"\\]+)"$', entry, re.MULTILINE)
        # A sentence, not a format fragment: letters, no conversion.
        if (m and m.group(1) != m.group(2) and "%" not in m.group(1)
                and sum(c.isalpha() for c in m.group(1)) >= 8):
            msgid, msgstr = m.groups()
            break
    else:
        raise Failure("no plain translated entry found in %s" % po_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LC_ALL="C.UTF-8", LANGUAGE="fr")
    out = subprocess.run(["gettext", "-d", "purple-lyre", "--", msgid], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20).stdout
    if out != msgstr:
        raise Failure("the installed catalogue does not translate %r: got %r, want %r"
                      % (msgid, out, msgstr))
    print("French catalogue: %r -> %r" % (msgid, out))


class Scenario:
    def __init__(self, plugin_file):
        self.plugin_file = os.path.realpath(plugin_file)
        self.server = None
        self.tmp = tempfile.mkdtemp(prefix="lyre-installed-")
        self.home = os.path.join(self.tmp, "purple")
        self.sock = os.path.join(self.tmp, "tmux.sock")
        self.finch_log = os.path.join(self.tmp, "finch.log")

    # -- diagnostics ---------------------------------------------------------------------------
    def screen(self):
        if not os.path.exists(self.sock):
            return ""
        try:
            return tmux(self.sock, "capture-pane", "-p", "-t", "finch", check=False)
        except subprocess.SubprocessError:
            return ""

    def read_finch_log(self):
        try:
            with open(self.finch_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def explain(self):
        server_log = self.server.log_text() if self.server else ""
        lyre_lines = [line for line in self.read_finch_log().splitlines()
                      if "lyre" in line.lower() or "plugin" in line.lower()]
        return ("--- finch screen ---\n%s\n--- finch log (lines naming plugins or lyre) ---\n%s\n"
                "--- prosody (tail) ---\n%s" % (self.screen(), "\n".join(lyre_lines[-60:]),
                                                server_log[-4000:]))

    # -- steps ---------------------------------------------------------------------------------
    def run(self):
        for tool in ("finch", "tmux", "/usr/bin/prosody", "/usr/bin/certtool"):
            if not shutil.which(tool):
                raise Failure("%s is not installed" % tool)
        if not os.path.isfile(self.plugin_file):
            raise Failure("the installed plugin %s does not exist" % self.plugin_file)

        step("private Prosody with alice and bob")
        self.server = Prosody()
        self.server.start()
        self.server.add_user("alice", "alice-secret")
        self.server.add_user("bob", "bob-secret")
        self.server.make_mutual_roster("alice", "bob")

        step("purple home with a prpl-lyre account for %s (no plugins/ folder)" % ACCOUNT)
        purple_home.write_accounts(self.home, [{
            "protocol": "prpl-lyre", "name": ACCOUNT, "password": "alice-secret",
            "settings": purple_home.client_settings("prpl-lyre", self.server),
            "enabled": True}])
        if os.path.exists(os.path.join(self.home, "plugins")):
            raise Failure("the purple home has a plugins/ folder")

        step("finch -d -c %s in tmux" % self.home)
        # Nothing of a build tree: no LYRE_* variables (LYRE_LOCALEDIR would redirect the
        # catalogues), the C locale, the system's PATH.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LYRE_")}
        env["LC_ALL"] = "C.UTF-8"
        env.pop("LANGUAGE", None)
        cmd = "exec finch -d -c %s 2>%s" % (self.home, self.finch_log)
        subprocess.run(["tmux", "-S", self.sock, "new-session", "-d", "-x", "200", "-y", "50",
                        "-s", "finch", cmd], check=True, env=env, timeout=20,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        pid = int(tmux(self.sock, "list-panes", "-t", "finch", "-F", "#{pane_pid}").split()[0])

        wait_until("%s bound on the server" % ACCOUNT,
                   lambda: "Resource bound: %s" % ACCOUNT in self.server.log_text())
        print("Prosody: Resource bound: %s" % ACCOUNT)

        # The Finch process itself has the system plugin mapped, and no other copy.
        exe = os.path.realpath("/proc/%d/exe" % pid)
        if os.path.basename(exe) != "finch":
            raise Failure("pane process %d is %s, not finch" % (pid, exe))
        with open("/proc/%d/maps" % pid) as f:
            mapped = {line.split(None, 5)[5].strip() for line in f
                      if len(line.split(None, 5)) == 6 and "liblyre" in line}
        if {os.path.realpath(p) for p in mapped} != {self.plugin_file}:
            raise Failure("finch (pid %d, %s) maps %s, expected only %s"
                          % (pid, exe, sorted(mapped) or "no liblyre", self.plugin_file))
        print("finch (%s, pid %d) maps %s" % (exe, pid, self.plugin_file))

        if importlib.util.find_spec("slixmpp") is None:
            print("note: python3-slixmpp missing: bob's witness check skipped")
        else:
            step("bob (slixmpp) sees alice online")
            peer = subprocess.run(
                ["/usr/bin/python3", os.path.join(INTEGRATION, "xmpp_peer.py"),
                 "--jid", "bob@example.test/witness", "--password", "bob-secret",
                 "--port", str(self.server.c2s_port), "--ca", self.server.ca_file,
                 "--wait-presence", "alice@example.test", "--timeout", "45"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
            if peer.returncode != 0 or '"from": "%s"' % ACCOUNT not in peer.stdout:
                raise Failure("bob never saw alice online (rc %s):\n%s\n%s"
                              % (peer.returncode, peer.stdout, peer.stderr[-2000:]))
            print("bob received alice's presence from %s" % ACCOUNT)

        wait_until("Finch's buddy list", lambda: "Buddy List" in self.screen(), 20)
        if "Error" in self.screen():
            raise Failure("Finch shows an error")

    def cleanup(self):
        if os.path.exists(self.sock):
            try:
                tmux(self.sock, "kill-server", check=False)
            except subprocess.SubprocessError:
                pass
        if self.server is not None:
            self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plugin_file")
    parser.add_argument("--po", help="po/fr.po: check the installed French catalogue")
    args = parser.parse_args()

    def on_signal(signum, _frame):
        raise SystemExit("interrupted by signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    started = time.monotonic()
    scenario = Scenario(args.plugin_file)
    try:
        if args.po:
            step("installed French catalogue")
            check_catalogue(args.po)
        scenario.run()
    except (Failure, subprocess.SubprocessError, OSError, RuntimeError) as e:
        print("FAIL: %s\n%s" % (e, scenario.explain()), flush=True)
        return 1
    finally:
        scenario.cleanup()
    print("PASS: the installed plugin signs in from a plain finch (%.0f s)"
          % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
