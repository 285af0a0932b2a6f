# SPDX-License-Identifier: GPL-2.0-or-later
# Smoke test in real Finch (under a private, detached tmux): alice signs in, sees bob, gets an IM.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_finch.py -v

test_alice_online: Finch (started as the README's demo does) signs alice in: Prosody binds
alice's resource `finch`, and an independent client (slixmpp, as bob, who has alice in his
roster) receives alice's available presence, so the account is online for real.

test_alice_sees_bob_and_gets_im: the buddy list shows "Bob" only once bob is online (Finch
hides offline buddies), and bob's IM appears in a conversation window. It needs the roster and
messages (the RFC 6121 issue) and is skipped for prpl-lyre until they exist.
LYRE_PROTOCOL=prpl-jabber runs both with Pidgin's plugin.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import harness_path, protocol  # noqa: E402
from prosody import Prosody  # noqa: E402
import purple_home  # noqa: E402

POLL_SECONDS = 60
PROTO = protocol()


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-S", sock] + list(args), check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20).stdout


class TestFinch(unittest.TestCase):
    def setUp(self):
        if not shutil.which("finch") or not shutil.which("tmux"):
            self.skipTest("finch or tmux not installed")
        self.server = Prosody()
        self.server.start()
        self.server.add_user("alice", "alice-secret")
        self.server.add_user("bob", "bob-secret")
        self.server.make_mutual_roster("alice", "bob")
        self.tmp = tempfile.mkdtemp(prefix="lyre-finch-")
        self.home = os.path.join(self.tmp, "purple")
        self.sock = os.path.join(self.tmp, "tmux.sock")
        self.bob = None

    def tearDown(self):
        if self.bob is not None and self.bob.poll() is None:
            self.bob.kill()
            self.bob.wait(timeout=10)
        if os.path.exists(self.sock):
            tmux(self.sock, "kill-server", check=False)
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def screen(self):
        return tmux(self.sock, "capture-pane", "-p", "-t", "finch", check=False)

    def wait_until(self, what, predicate):
        deadline = time.monotonic() + POLL_SECONDS
        for _ in range(POLL_SECONDS * 4):
            if predicate():
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.25)
        self.fail("timed out waiting for %s\n--- screen ---\n%s\n--- finch stderr ---\n%s\n"
                  "--- prosody ---\n%s" % (what, self.screen(), self.finch_stderr()[-3000:],
                                           self.server.log_text()[-3000:]))

    def finch_stderr(self):
        try:
            with open(os.path.join(self.tmp, "finch.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start_finch(self):
        settings = purple_home.client_settings(PROTO, self.server)
        purple_home.write_accounts(self.home, [{
            "protocol": PROTO, "name": "alice@example.test/finch", "password": "alice-secret",
            "settings": settings, "enabled": True}])
        if PROTO == "prpl-lyre":
            purple_home.install_plugin(self.home, os.environ["LYRE_PLUGIN_DIR"])
        else:
            # prpl-jabber cannot trust a CA file: pre-accept the certificate as "Accept" would.
            purple_home.trust_peer_cert(self.home, "127.0.0.1", self.server.cert_file)
        cmd = "exec finch -c %s 2>%s" % (self.home, os.path.join(self.tmp, "finch.log"))
        tmux(self.sock, "new-session", "-d", "-x", "200", "-y", "50", "-s", "finch", cmd)
        return settings

    def test_alice_online(self):
        self.start_finch()
        self.wait_until("alice's session bound on the server",
                        lambda: "Resource bound: alice@example.test/finch"
                        in self.server.log_text())
        peer = subprocess.run(
            ["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "xmpp_peer.py"),
             "--jid", "bob@example.test/witness", "--password", "bob-secret",
             "--port", str(self.server.c2s_port), "--ca", self.server.ca_file,
             "--wait-presence", "alice@example.test", "--timeout", "45"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=90)
        self.assertEqual(peer.returncode, 0, "bob never saw alice online:\n%s\n%s\n%s" % (
            peer.stdout, peer.stderr[-2000:], self.screen()))
        self.assertIn('"from": "alice@example.test/finch"', peer.stdout)
        self.assertNotIn("Error", self.screen())

    def test_alice_sees_bob_and_gets_im(self):
        settings = self.start_finch()
        self.wait_until("alice's session bound on the server",
                        lambda: "Resource bound: alice@example.test/finch"
                        in self.server.log_text())
        self.wait_until("Finch's buddy list", lambda: "Buddy List" in self.screen())
        time.sleep(1)
        self.assertNotIn("Bob", self.screen(), "bob is offline: Finch must not list him yet")

        token = "hello-from-bob-%d" % os.getpid()
        bob_home = os.path.join(self.tmp, "bob")
        argv = [harness_path(), "--purple-home", bob_home, "--protocol", PROTO,
                "--account", "bob@example.test/harness", "--password", "bob-secret",
                "--cert-answer", "reject" if PROTO == "prpl-lyre" else "accept-once",
                "--timeout", "90", "--commands"]
        if os.environ.get("LYRE_PLUGIN_DIR"):
            argv += ["--plugin-dir", os.environ["LYRE_PLUGIN_DIR"]]
        for key, value in settings.items():
            argv += ["--set", "%s=%s" % (key, value)]
        self.bob = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
        self.bob.stdin.write("wait 2\nim alice@example.test %s\nwait 60\nquit\n" % token)
        self.bob.stdin.close()
        bob_lines = []
        reader = threading.Thread(target=lambda: bob_lines.extend(iter(self.bob.stdout.readline,
                                                                       "")), daemon=True)
        reader.start()

        self.wait_until("bob online in alice's buddy list", lambda: "Bob" in self.screen())
        # The conversation window may open behind the buddy list: cycle windows with Alt-n
        # (gnt's "next window") until the message is visible.
        state = {"polls": 0}

        def message_visible():
            if token in self.screen():
                return True
            state["polls"] += 1
            if state["polls"] % 8 == 0:
                tmux(self.sock, "send-keys", "-t", "finch", "M-n", check=False)
            return False
        self.wait_until("bob's message in a conversation window", message_visible)

        # Alice answers from Finch: the conversation window has the focus, type and send.
        reply = "reply-from-alice-%d" % os.getpid()
        tmux(self.sock, "send-keys", "-t", "finch", "-l", reply)
        tmux(self.sock, "send-keys", "-t", "finch", "Enter")
        self.wait_until("alice's reply shown in her window", lambda: reply in self.screen())

        def bob_got_reply():
            return any('"event":"im"' in line.replace(" ", "") and reply in line
                       for line in list(bob_lines))
        self.wait_until("alice's reply received by bob", bob_got_reply)


if __name__ == "__main__":
    unittest.main(verbosity=2)
