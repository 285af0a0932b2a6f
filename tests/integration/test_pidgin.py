# SPDX-License-Identifier: GPL-2.0-or-later
# Smoke test in real Pidgin (GTK, under a private Xvfb display): the plugin loads and signs in.
"""Run alone: LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_pidgin.py -v

Pidgin starts with a private purple home holding alice's account (protocol prpl-lyre, enabled
for Pidgin's UI id `gtk-gaim`) and liblyre.so in its plugins folder. Proof that it signed in:
Prosody binds alice's resource `pidgin`, and an independent client (slixmpp, as bob, who has
alice in his roster) receives alice's available presence.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import protocol  # noqa: E402
from prosody import Prosody  # noqa: E402
import purple_home  # noqa: E402

PROTO = protocol()
PIDGIN_UI = "gtk-gaim"
WAIT_SECONDS = 60


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

    def test_pidgin_signs_in(self):
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
        env = dict(os.environ, DISPLAY=self.start_xvfb(), NO_AT_BRIDGE="1")
        log = open(os.path.join(self.tmp, "pidgin.log"), "w")
        self.procs.append(subprocess.Popen(["pidgin", "-c", home], env=env, stdout=log,
                                           stderr=subprocess.STDOUT))
        deadline = time.monotonic() + WAIT_SECONDS
        while "Resource bound: alice@example.test/pidgin" not in self.server.log_text():
            self.assertIsNone(self.procs[-1].poll(), "pidgin exited early")
            self.assertLess(time.monotonic(), deadline, "alice never bound:\n%s"
                            % self.server.log_text()[-3000:])
            time.sleep(0.25)
        peer = subprocess.run(
            ["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "xmpp_peer.py"),
             "--jid", "bob@example.test/witness", "--password", "bob-secret",
             "--port", str(self.server.c2s_port), "--ca", self.server.ca_file,
             "--wait-presence", "alice@example.test", "--timeout", "45"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
        self.assertEqual(peer.returncode, 0, "bob never saw alice online:\n%s\n%s"
                         % (peer.stdout, peer.stderr[-2000:]))
        self.assertIn('"from": "alice@example.test/pidgin"', peer.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
