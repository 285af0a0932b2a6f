# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command, as a newcomer runs it: scripts/lyre-demo starts a private Prosody,
# bob (a scripted peer that answers) and Finch signed in as alice; Finch's buddy list shows bob;
# bob answers a message; `scripts/lyre-demo stop` leaves nothing running.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_demo.py -v
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from peer_client import Peer, chat  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEMO = os.path.join(REPO, "scripts", "lyre-demo")
POLL_SECONDS = 40


class DemoCase(unittest.TestCase):
    def setUp(self):
        if not shutil.which("finch") or not shutil.which("tmux"):
            self.skipTest("finch or tmux not installed")
        self.tmp = tempfile.mkdtemp(prefix="lyre-demo-test-")
        self.sock = os.path.join(self.tmp, "tmux.sock")
        build_dir = os.path.dirname(os.path.dirname(os.environ["LYRE_PLUGIN_DIR"]))
        self.env = dict(os.environ, LYRE_DEMO_DIR=os.path.join(self.tmp, "demo"),
                        LYRE_DEMO_SESSION="demo-test", LYRE_DEMO_TMUX_SOCKET=self.sock,
                        LYRE_DEMO_BUILD_DIR=build_dir, LC_ALL="C.UTF-8")

    def tearDown(self):
        self.demo("stop")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def demo(self, *args):
        return subprocess.run([DEMO] + list(args), env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=600)

    def screen(self):
        return subprocess.run(["tmux", "-S", self.sock, "capture-pane", "-p", "-t", "demo-test"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              timeout=20).stdout

    def wait_screen(self, pattern, what):
        deadline = time.monotonic() + POLL_SECONDS
        while time.monotonic() < deadline:
            if re.search(pattern, self.screen()):
                return
            time.sleep(0.5)
        self.fail("%s never on Finch's screen:\n%s" % (what, self.screen()))

    def pid_alive(self, path):
        try:
            with open(path) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return False
        return os.path.exists("/proc/%d" % pid)

    def test_demo_runs_and_bob_answers(self):
        out = self.demo()
        self.assertEqual(out.returncode, 0, out.stdout[-3000:])
        self.assertIn("Lyre demo is running", out.stdout)
        port = int(re.search(r"STARTTLS port (\d+)", out.stdout).group(1))
        host = re.search(r"host (\S+), STARTTLS", out.stdout).group(1)
        ca = re.search(r"CA certificate: (\S+),", out.stdout).group(1)
        # bob is online (his line in the buddy list), alice's account signed in.
        self.wait_screen(r"Bob\b|bob@", "bob in the buddy list")
        server = types.SimpleNamespace(c2s_port=port, ca_file=ca)
        pw = re.search(r"alice@\S+\s+password (\S+)", out.stdout).group(1)
        probe = Peer(server, "alice@%s/probe" % host, pw,
                     [chat("bob@%s" % host, "hello bob")], stay=6).finish()
        replies = probe.bodies_from("bob@%s" % host)
        self.assertTrue(any("hello bob" in r and "I am bob" in r for r in replies),
                        "bob did not answer: %s\n%s" % (replies, probe.stderr[-2000:]))
        demo_dir = self.env["LYRE_DEMO_DIR"]
        stop = self.demo("stop")
        self.assertEqual(stop.returncode, 0, stop.stdout)
        for what in ("tmux session", "bob", "Prosody"):
            self.assertIn("stopped %s" % what, stop.stdout)
        self.assertFalse(self.pid_alive(os.path.join(demo_dir, "bob.pid")))
        self.assertFalse(self.pid_alive(os.path.join(demo_dir, "prosody", "prosody.pid")))


if __name__ == "__main__":
    unittest.main()
