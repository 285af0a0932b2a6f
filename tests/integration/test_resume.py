# SPDX-License-Identifier: GPL-2.0-or-later
# Stream management (XEP-0198) against a real private server (servers.py: Prosody, or
# ejabberd), through a loopback fault proxy (fault_proxy.py): links reset, half-closed and gone
# silent in the middle of a conversation with an independent peer (slixmpp), and a server
# restart. Every numbered message arrives exactly once and in order both ways, and the account
# never shows as signed off while the session resumes. (A silent link: test_dead_link.py.)
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_resume.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import re
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fault_proxy import FaultProxy  # noqa: E402
from harness_client import Client  # noqa: E402
from peer_client import Peer, chat  # noqa: E402
from servers import make_server  # noqa: E402

HOST = "example.test"
ALICE = "alice@%s" % HOST
CAROL = "carol@%s" % HOST
ALICE_FULL = ALICE + "/harness"
CAROL_FULL = CAROL + "/peer"
# The account archives everything (neither test server archives by default).
ARCHIVE_ALWAYS = ("<iq xmlns='jabber:client' type='set' id='prefs'><prefs xmlns='urn:xmpp:mam:2' "
                  "default='always'/></iq>")


class ResumeBase(unittest.TestCase):
    """A server, alice (Lyre, through a fault proxy) and carol (slixmpp, direct)."""
    @classmethod
    def setUpClass(cls):
        cls.server = make_server(extra_modules=["offline"])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")
        cls.server.add_user("carol", "carol-secret")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.mark = self.server.log_offset()
        self.alice = Client(self.server, "alice", "alice-secret")
        self.proxy = FaultProxy(self.server.c2s_port).start()

    def tearDown(self):
        self.proxy.close()
        self.alice.cleanup()

    def settings(self):
        return {"connect_server": "127.0.0.1", "port": self.proxy.port,
                "connection_security": "require_tls", "lyre_ca_file": self.server.ca_file}

    def check(self, cond, what, *results):
        if not cond:
            details = "\n".join(r.describe() if hasattr(r, "describe") else
                                "peer stdout:\n%s\nstderr:\n%s" % (r.stdout, r.stderr[-2000:])
                                for r in results)
            self.fail("%s\n%s\n--- %s log tail ---\n%s" % (
                what, details, self.server.kind, self.server.log_text(since=self.mark)[-4000:]))

    def wait_bound(self, jid, timeout=30):
        if not self.server.bound(jid, self.mark, timeout=timeout):
            self.fail("%s never bound a resource\n%s"
                      % (jid, self.server.log_text(since=self.mark)[-3000:]))

    def wait_reconnected(self, n, timeout=20):
        """Until the proxy has seen n connections (bounded)."""
        deadline = time.monotonic() + timeout
        while self.proxy.n_accepted() < n and time.monotonic() < deadline:
            time.sleep(0.1)

    def run_alice(self, commands, timeout):
        result = {}

        def run():
            result["res"] = self.alice.run(settings=self.settings(), timeout=timeout,
                                           stdin_text="\n".join(commands) + "\n",
                                           extra=("--debug",))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, result

    def received_by_alice(self, res):
        return [e["text"] for e in res.of("conv-write")
                if e.get("recv") and e["conv"] == CAROL]

    def assert_exactly_once_in_order(self, got, want, what, *results):
        self.check(got == want, "%s: got %s, want %s (missing %s, duplicated %s)" % (
            what, got, want, [w for w in want if w not in got],
            sorted({g for g in got if got.count(g) > 1})), *results)

    def assert_stayed_online(self, res):
        self.check(not res.has("disconnected"), "the account was signed off", res)
        self.check(len(res.of("signed-on")) == 1, "signed on more than once", res)



class ResumeCase(ResumeBase):
    # -- resets and half-closes in the middle of a conversation ------------------------------
    def test_reset_and_half_close_lose_nothing(self):
        n = 28  # 14 s of traffic both ways: the three faults fall inside it
        commands = []
        for i in range(1, n + 1):
            commands += ["im %s a-%d" % (CAROL, i), "wait 0.5"]
        commands += ["wait 14"]
        alice, result = self.run_alice(commands, timeout=90)
        self.wait_bound(ALICE_FULL)
        carol = Peer(self.server, CAROL_FULL, "carol-secret",
                     [chat(ALICE, "c-%d" % i) for i in range(1, n + 1)], stay=30, every=0.5)
        time.sleep(2.5)
        self.proxy.cut("rst")  # reset by peer, both ways
        self.wait_reconnected(2)
        time.sleep(1.0)
        self.proxy.cut("fin")  # the path closes cleanly under us
        self.wait_reconnected(3)
        time.sleep(1.0)
        self.proxy.truncate_next(7)  # the next record from the server cut short, then a reset
        carol.finish()
        alice.join(timeout=120)
        res = result.get("res")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res, carol)
        want_c = ["c-%d" % i for i in range(1, n + 1)]
        want_a = ["a-%d" % i for i in range(1, n + 1)]
        self.assert_exactly_once_in_order(self.received_by_alice(res), want_c,
                                          "carol's lines at alice", res, carol)
        self.assert_exactly_once_in_order(carol.bodies_from(ALICE), want_a,
                                          "alice's lines at carol", res, carol)
        self.assert_stayed_online(res)
        resumed = res.stdout.count("session resumed")  # purple debug lines: stdout
        self.check(resumed >= 3, "the session was resumed %d times" % resumed, res)
        self.check(self.proxy.n_accepted() >= 4, "too few reconnections through the proxy", res)

    # -- the server restarts: the session is gone, nothing of ours is -----------------------
    def test_server_restart_resends(self):
        n = 8
        commands = []
        for i in range(1, n + 1):
            commands += ["im %s r-%d" % (CAROL, i), "wait 0.6"]
        commands += ["wait 8"]
        alice, result = self.run_alice(commands, timeout=60)
        self.wait_bound(ALICE_FULL)
        time.sleep(2.2)
        self.server.stop()
        time.sleep(1.0)
        self.server.start()
        alice.join(timeout=120)
        res = result.get("res")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res)
        # carol comes online afterwards: every line once, from offline storage.
        carol = Peer(self.server, CAROL_FULL, "carol-secret", [], stay=4).finish()
        self.assert_exactly_once_in_order(carol.bodies_from(ALICE),
                                          ["r-%d" % i for i in range(1, n + 1)],
                                          "alice's lines at carol", res, carol)
        self.assert_stayed_online(res)
        self.check(re.search(r"signed in anew|session resumed", res.stdout),
                   "neither resumed nor signed in anew", res)

    # -- the server restarts with messages to us in flight: the archive has them -------------
    def test_server_restart_archive_recovers(self):
        Peer(self.server, ALICE + "/phone", "alice-secret", [ARCHIVE_ALWAYS], stay=1).finish()
        restart_s = 8 if self.server.kind == "ejabberd" else 4
        alice, result = self.run_alice(["wait %d" % (14 + 2 * restart_s)], timeout=120)
        self.wait_bound(ALICE_FULL)
        time.sleep(1.5)  # signed in, first catch-up over
        Peer(self.server, CAROL_FULL, "carol-secret",
             [chat(ALICE, "x-%d" % i) for i in range(1, 4)], stay=2, every=0.2).finish()
        # What the server sends alice from now on never reaches her; then the server restarts
        # and forgets her session: x-4..x-6 are only in the archive (and perhaps offline).
        self.proxy.set_mode("drop-down")
        Peer(self.server, CAROL_FULL, "carol-secret",
             [chat(ALICE, "x-%d" % i) for i in range(4, 7)], stay=2, every=0.2).finish()
        self.server.stop()
        self.proxy.set_mode("pass")
        self.server.start()
        alice.join(timeout=180)
        res = result.get("res")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res)
        self.assert_exactly_once_in_order(self.received_by_alice(res),
                                          ["x-%d" % i for i in range(1, 7)],
                                          "carol's lines at alice", res)
        self.assert_stayed_online(res)
        anew = res.stdout.find("signed in anew")
        self.check(anew >= 0, "the session was not signed in anew", res)
        fetched = re.search(r"archive catch-up: (\d+) message\(s\), complete", res.stdout[anew:])
        self.check(fetched and int(fetched.group(1)) >= 3,
                   "the archive catch-up after signing in anew did not bring x-4..x-6", res)


if __name__ == "__main__":
    unittest.main()
