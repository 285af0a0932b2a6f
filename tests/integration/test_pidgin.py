# SPDX-License-Identifier: GPL-2.0-or-later
# Real Pidgin (GTK, under a private Xvfb display): the plugin loads and signs in, and its
# conversation window offers formatting and sends it as XHTML-IM.
"""Run alone: LYRE_PLUGIN_DIR=build/src/purple \
LYRE_PIDGIN_PROBE=build/tests/integration/lyre-pidgin-probe.so \
/usr/bin/python3 tests/integration/test_pidgin.py -v

Pidgin starts with a private purple home holding alice's account (protocol prpl-lyre, enabled
for Pidgin's UI id `gtk-gaim`) and liblyre.so in its plugins folder. Proof that it signed in:
Prosody binds alice's resource `pidgin`, and an independent client (slixmpp, as bob, who has
alice in his roster) receives alice's available presence.

The formatting test also loads lyre-pidgin-probe.so (pidgin-probe.c, listed in the home's
prefs.xml as a loaded plugin): it opens a conversation window with bob, reports which of the
toolbar's buttons and Font menu items are sensitive, and types and sends as a user, while bob's
slixmpp client witnesses what arrives. LYRE_PIDGIN_SCREENSHOTS=DIR keeps a screenshot of the
window with its Font menu open.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import protocol  # noqa: E402
from prosody import Prosody  # noqa: E402
import purple_home  # noqa: E402

PROTO = protocol()
PIDGIN_UI = "gtk-gaim"
WAIT_SECONDS = 60
HERE = os.path.dirname(os.path.abspath(__file__))
BOB = "bob@example.test"


def read_events(path):
    """The probe's JSON lines so far (a line still being written is left for the next read)."""
    events = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    break
    return events


def local(tag):
    """An element's local name (slixmpp prints stanzas without their default namespace)."""
    return tag.rsplit("}", 1)[-1]


class TestPidgin(unittest.TestCase):
    def setUp(self):
        if not shutil.which("pidgin") or not shutil.which("Xvfb"):
            self.skipTest("pidgin or Xvfb not installed")
        self.server = Prosody()
        self.server.start()
        self.server.add_user("alice", "alice-secret")
        self.server.add_user("bob", "bob-secret")
        self.server.make_mutual_roster("alice", "bob")
        self.tmp = tempfile.mkdtemp(prefix="lyre-pidgin-")
        self.procs = []

    def tearDown(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start_xvfb(self):
        """A private X display; Xvfb writes the display number it picked to a pipe."""
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                                 "1024x768x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(xvfb)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            display = f.readline().strip()
        self.assertTrue(display.isdigit(), "Xvfb did not start")
        return ":" + display

    def make_home(self, probe=None):
        """A purple home with alice's account (and the probe plugin, loaded at start-up)."""
        home = os.path.join(self.tmp, "purple")
        os.makedirs(home)
        settings = purple_home.client_settings(PROTO, self.server)
        account = purple_home.account_xml(PROTO, "alice@example.test/pidgin", "alice-secret",
                                          settings, True, ui=PIDGIN_UI)
        with open(os.path.join(home, "accounts.xml"), "w") as f:
            f.write("<?xml version='1.0' encoding='UTF-8' ?>\n<account version='1.0'>\n%s\n"
                    "</account>\n" % account)
        if PROTO == "prpl-lyre":
            purple_home.install_plugin(home, os.environ["LYRE_PLUGIN_DIR"])
        else:
            purple_home.trust_peer_cert(home, "127.0.0.1", self.server.cert_file)
        if probe:
            plugins = os.path.join(home, "plugins")
            os.makedirs(plugins, exist_ok=True)
            path = os.path.join(plugins, os.path.basename(probe))
            shutil.copy2(probe, path)
            # Pidgin loads the plugins its prefs list under /pidgin/plugins/loaded.
            with open(os.path.join(home, "prefs.xml"), "w") as f:
                f.write("<?xml version='1.0' encoding='UTF-8' ?>\n<pref version='1' name='/'>"
                        "<pref name='pidgin'><pref name='plugins'><pref name='loaded' "
                        "type='pathlist'><item value=%s/></pref></pref></pref></pref>\n"
                        % quoteattr(path))
        return home

    def start_pidgin(self, home, env=None):
        env = dict(os.environ, DISPLAY=self.start_xvfb(), NO_AT_BRIDGE="1", **(env or {}))
        log = open(os.path.join(self.tmp, "pidgin.log"), "w")
        self.addCleanup(log.close)
        proc = subprocess.Popen(["pidgin", "-c", home], env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        deadline = time.monotonic() + WAIT_SECONDS
        while "Resource bound: alice@example.test/pidgin" not in self.server.log_text():
            self.assertIsNone(proc.poll(), "pidgin exited early")
            self.assertLess(time.monotonic(), deadline, "alice never bound:\n%s"
                            % self.server.log_text()[-3000:])
            time.sleep(0.25)
        return proc

    def peer_argv(self, *extra):
        return ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"),
                "--jid", BOB + "/witness", "--password", "bob-secret",
                "--port", str(self.server.c2s_port), "--ca", self.server.ca_file] + list(extra)

    def test_pidgin_signs_in(self):
        self.start_pidgin(self.make_home())
        peer = subprocess.run(
            self.peer_argv("--wait-presence", "alice@example.test", "--timeout", "45"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
        self.assertEqual(peer.returncode, 0, "bob never saw alice online:\n%s\n%s"
                         % (peer.stdout, peer.stderr[-2000:]))
        self.assertIn('"from": "alice@example.test/pidgin"', peer.stdout)

    def test_join_a_chat_dialog(self):
        """Buddies > Join a Chat... for a Lyre account offers prpl-jabber's fields (Room,
        Server, Handle, Password), the server filled in. LYRE_PIDGIN_SCREENSHOTS=DIR keeps a
        screenshot of the dialog."""
        probe = os.environ.get("LYRE_PIDGIN_PROBE")
        if not probe or not os.path.exists(probe):
            self.skipTest("lyre-pidgin-probe.so not built (needs pidgin-dev)")
        out = os.path.join(self.tmp, "probe.jsonl")
        shot = os.path.join(self.tmp, "join-a-chat.png")
        self.start_pidgin(self.make_home(probe),
                          env={"LYRE_PROBE_OUT": out, "LYRE_PROBE_JOINCHAT": "1",
                               "LYRE_PROBE_SCREENSHOT": shot})
        events = []
        deadline = time.monotonic() + WAIT_SECONDS
        while not any(e["event"] == "done" for e in events):
            self.assertLess(time.monotonic(), deadline, "the probe did not finish: %s" % events)
            time.sleep(0.25)
            events = read_events(out)
        keep = os.environ.get("LYRE_PIDGIN_SCREENSHOTS")
        if keep and os.path.exists(shot):
            os.makedirs(keep, exist_ok=True)
            shutil.copy2(shot, keep)
        labels = [e["text"] for e in events
                  if e["event"] == "label" and e["window"] == "Join a Chat"]
        for field in ("Room:", "Server:", "Handle:", "Password:"):
            self.assertIn(field, labels, "no %s field in Join a Chat: %s" % (field, labels))
        self.assertTrue(any(e["event"] == "screenshot" and e["ok"] for e in events), events)

    def test_formatting_toolbar_and_bold_message(self):
        probe = os.environ.get("LYRE_PIDGIN_PROBE")
        if not probe or not os.path.exists(probe):
            self.skipTest("lyre-pidgin-probe.so not built (needs pidgin-dev)")
        out = os.path.join(self.tmp, "probe.jsonl")
        shot = os.path.join(self.tmp, "conversation.png")
        self.start_pidgin(self.make_home(probe),
                          env={"LYRE_PROBE_OUT": out, "LYRE_PROBE_BUDDY": BOB,
                               "LYRE_PROBE_SCREENSHOT": shot})
        # bob comes online: the probe then types and sends to him.
        witness = subprocess.Popen(self.peer_argv("--stay", "40", "--timeout", "60"),
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(witness)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(witness.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        events = []
        deadline = time.monotonic() + WAIT_SECONDS
        while not any(e["event"] in ("done", "buddy-timeout") for e in events):
            self.assertLess(time.monotonic(), deadline, "the probe did not finish: %s" % events)
            time.sleep(0.25)
            events = read_events(out)
        # Both messages on bob's side (or give up after a while), then bob leaves.
        deadline = time.monotonic() + 15
        while (sum('"message-xml"' in line for line in lines) < 2
               and time.monotonic() < deadline):
            time.sleep(0.25)
        witness.terminate()
        witness.wait(timeout=30)
        reader.join(timeout=10)
        stdout = "".join(lines)
        details = "probe:\n%s\nwitness:\n%s" % ("\n".join(map(json.dumps, events)), stdout)
        keep = os.environ.get("LYRE_PIDGIN_SCREENSHOTS")
        if keep:
            os.makedirs(keep, exist_ok=True)
            if os.path.exists(shot):
                shutil.copy2(shot, keep)
            with open(os.path.join(keep, "conversation.txt"), "w") as f:
                f.write(details)

        # The toolbar a Pidgin user sees for a Lyre account: every formatting action is on
        # (PURPLE_CONNECTION_HTML), images are off (no OPT_PROTO_IM_IMAGE, NO_IMAGES).
        widgets = {e["name"]: e["sensitive"] for e in events if e["event"] == "widget"}
        for name in ("bold", "italic", "underline", "strikethrough", "larger", "smaller",
                     "font-face", "foreground-color", "background-color", "reset", "link",
                     "font:Bold", "font:Italic", "font:Underline", "font:Larger", "font:Smaller",
                     "font:Font face", "font:Foreground color", "font:Background color",
                     "menu:insert-link"):
            self.assertEqual(widgets.get(name), 1, "%s is not sensitive\n%s" % (name, details))
        self.assertEqual(widgets.get("image"), 0, "Insert Image offered\n%s" % details)

        # Font > Bold, "bold words", Enter: bob gets XHTML-IM bold and a plain body.
        self.assertTrue(any(e["event"] == "done" for e in events), "bob never came online\n%s"
                        % details)
        messages = []
        for line in stdout.splitlines():
            event = json.loads(line)
            if event.get("event") == "message-xml":
                messages.append(ET.fromstring(event["xml"]))
        bold = [m for m in messages
                if any(local(c.tag) == "body" and c.text == "bold words" for c in m)]
        self.assertEqual(len(bold), 1, "no plain body 'bold words'\n%s" % details)
        html = [c for c in bold[0] if local(c.tag) == "html"]
        self.assertEqual(len(html), 1, "no XHTML-IM with the bold message\n%s" % details)
        self.assertEqual(html[0].tag, "{http://jabber.org/protocol/xhtml-im}html", details)
        xhtml_body = list(html[0])
        self.assertEqual([c.tag for c in xhtml_body], ["{http://www.w3.org/1999/xhtml}body"],
                         details)
        strong = [e for e in xhtml_body[0].iter()
                  if local(e.tag) == "strong" or "font-weight: bold" in e.get("style", "")]
        self.assertEqual(["".join(e.itertext()) for e in strong], ["bold words"], details)

        # "/frobnicate hello there", Enter: no command has that name, Pidgin sends it as text.
        self.assertFalse(any(e["event"] == "wrote" and "Unknown command" in e["text"]
                             for e in events), details)
        command = [m for m in messages
                   if any(local(c.tag) == "body" and c.text == "/frobnicate hello there"
                          for c in m)]
        self.assertEqual(len(command), 1, "the unknown command did not arrive as text\n%s"
                         % details)
        self.assertFalse(any(local(c.tag) == "html" for c in command[0]),
                         "XHTML sent with unformatted text\n%s" % details)

if __name__ == "__main__":
    unittest.main(verbosity=2)
