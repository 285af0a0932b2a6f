# SPDX-License-Identifier: GPL-2.0-or-later
# Servers that never answer, on loopback: a TCP connect that is never completed (the listener's
# queue is full, so the kernel drops the SYN), and a server that accepts and then says nothing.
# Each sign-in step has XMPP_NEGOTIATION_STEP_TIMEOUT_S (30 s): both are noticed within that,
# as a network error (Pidgin reconnects later), never left "connecting" for minutes.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_silent_server.py -v
"""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402

STEP_TIMEOUT = 30  # XMPP_NEGOTIATION_STEP_TIMEOUT_S in src/core/session.h
SLACK = 10 if not os.environ.get("LYRE_HARNESS_WRAP") else 60


class Address:
    """What harness_client.Client needs of a server: the account's domain."""
    host = "example.test"


class SilentCase(unittest.TestCase):
    def setUp(self):
        if protocol() != "prpl-lyre":
            self.skipTest("Lyre's deadlines")
        self.sockets = []
        self.client = Client(Address(), "alice", "alice-secret")

    def tearDown(self):
        self.client.cleanup()
        for s in self.sockets:
            s.close()

    def listener(self, backlog):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(backlog)
        self.sockets.append(s)
        return s

    def sign_in(self, port):
        started = time.monotonic()
        r = self.client.run({"connect_server": "127.0.0.1", "port": port,
                             "connection_security": "require_tls"},
                            wait_for="disconnected", timeout=STEP_TIMEOUT + SLACK + 30)
        return r, time.monotonic() - started

    def check_noticed(self, r, elapsed, words):
        self.assertFalse(r.has("signed-on"), r.describe())
        disc = r.of("disconnected")
        self.assertEqual(len(disc), 1, r.describe())
        self.assertEqual(disc[0]["reason_name"], "PURPLE_CONNECTION_ERROR_NETWORK_ERROR",
                         r.describe())
        self.assertIn(words, disc[0]["text"])
        self.assertGreaterEqual(elapsed, STEP_TIMEOUT - 1)
        self.assertLess(elapsed, STEP_TIMEOUT + SLACK, r.describe())

    def test_connect_never_completes(self):
        server = self.listener(0)
        port = server.getsockname()[1]
        # Fill the accept queue: the kernel then drops further SYNs, as a filtering firewall
        # would, and the client's connect neither succeeds nor fails.
        for _ in range(3):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.settimeout(0.5)
            try:
                c.connect(("127.0.0.1", port))
            except OSError:
                pass
            self.sockets.append(c)
        r, elapsed = self.sign_in(port)
        self.check_noticed(r, elapsed, "did not answer in time")

    def test_accepts_then_says_nothing(self):
        server = self.listener(8)
        r, elapsed = self.sign_in(server.getsockname()[1])
        self.check_noticed(r, elapsed, "stopped answering")


if __name__ == "__main__":
    unittest.main(verbosity=2)
