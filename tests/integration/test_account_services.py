# SPDX-License-Identifier: GPL-2.0-or-later
# Account services against a real private server (servers.py: Prosody, or ejabberd): in-band
# registration from libpurple's "Create this new account on the server" (XEP-0077), a password
# change saved only once the server confirms and then used to sign in, and an ad-hoc command
# (XEP-0050) listed and run.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_account_services.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from servers import make_server  # noqa: E402

LYRE = protocol() == "prpl-lyre"
SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 40 if not SLOW else 300
SCALE = 1 if not SLOW else 6


# A command any user may run on the server: what to pick in the list, its label there and a
# word of the note it answers with. Prosody: mod_uptime's; ejabberd: mod_adhoc's own (its other
# commands are for admins only).
ADHOC_COMMAND = {"prosody": ("uptime", "Get uptime", "running"),
                 "ejabberd": ("ping", "Ping", "Pong")}


def settings_for(server):
    settings = {"connect_server": "127.0.0.1", "port": server.c2s_port,
                "connection_security": "require_tls"}
    if LYRE and server.ca_file:
        settings["lyre_ca_file"] = server.ca_file
    return settings


@unittest.skipUnless(LYRE, "Lyre's harness commands for the account services")
class AccountServicesCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server(extra_modules=["register", "adhoc", "uptime"],
                                 prosody={"extra_config": "allow_registration = true"})
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")
        cls.server.add_user("bob", "bob-secret")
        cls.clients = []

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.cleanup()
        cls.server.cleanup()

    def client(self, user, password):
        c = Client(self.server, user, password)
        self.clients.append(c)
        return c

    def register(self, user, password):
        return self.client(user, password).run(
            settings_for(self.server), wait_for="disconnected", timeout=TIMEOUT,
            extra=["--register"])

    def test_register_then_sign_in(self):
        r = self.register("romeo", "romeo-secret")
        self.assertTrue(r.has("registered"), r.describe())
        self.assertFalse(r.has("register-failed"), r.describe())
        forms = [e for e in r.of("request") if e.get("kind") == "fields"]
        self.assertTrue(forms, r.describe())
        # The new account signs in with the password it registered with.
        s = self.client("romeo", "romeo-secret").run(settings_for(self.server), timeout=TIMEOUT)
        self.assertEqual(s.returncode, 0, s.describe())
        self.assertTrue(s.has("signed-on"), s.describe())

    def test_register_existing_user_fails(self):
        # XEP-0077 §3.1: the name is taken (conflict): reported, nothing registered.
        r = self.register("alice", "whatever")
        self.assertTrue(r.has("register-failed"), r.describe())
        self.assertFalse(r.has("registered"), r.describe())
        errors = [e for e in r.of("notify") if e.get("kind") == "error"]
        self.assertTrue(errors, r.describe())
        # In words (purple-errors.c), never the protocol's "conflict".
        self.assertIn("already in use", errors[0].get("secondary") or "", r.describe())
        self.assertNotIn("conflict", errors[0].get("secondary") or "", r.describe())

    def test_change_password_then_sign_in(self):
        c = self.client("bob", "bob-secret")
        r = c.run(settings_for(self.server), timeout=TIMEOUT,
                  stdin_text="change-password bob-secret bob-new\nwait %d\ndump-password\nquit\n"
                  % (3 * SCALE))
        self.assertEqual(r.returncode, 0, r.describe())
        infos = [e for e in r.of("notify") if e.get("kind") == "info"]
        self.assertTrue(infos, r.describe())
        self.assertEqual(r.of("password")[-1]["password"], "bob-new", r.describe())
        old = self.client("bob", "bob-secret").run(settings_for(self.server),
                                                   wait_for="disconnected", timeout=TIMEOUT)
        self.assertTrue(old.has("disconnected"), old.describe())
        self.assertFalse(old.has("signed-on"), old.describe())
        new = self.client("bob", "bob-new").run(settings_for(self.server), timeout=TIMEOUT)
        self.assertEqual(new.returncode, 0, new.describe())
        self.assertTrue(new.has("signed-on"), new.describe())

    def test_adhoc_list_and_run(self):
        pick, label, note = ADHOC_COMMAND[self.server.kind]
        c = self.client("alice", "alice-secret")
        r = c.run(settings_for(self.server), timeout=TIMEOUT,
                  stdin_text="adhoc-list\nwait %d\nadhoc-run %s\nwait %d\nquit\n"
                  % (2 * SCALE, pick, 3 * SCALE))
        self.assertEqual(r.returncode, 0, r.describe())
        lists = [e for e in r.of("request") if e.get("kind") == "fields" and e.get("choices")]
        self.assertEqual(len(lists), 2, r.describe())  # the list, then the list picked from
        self.assertEqual(lists[0]["answer"], "cancel", r.describe())
        self.assertIn(label, lists[0]["choices"], r.describe())
        # The command's note: "This server has been running for ..." (mod_uptime), "Pong".
        notes = [e for e in r.of("notify") if e.get("kind") == "info"
                 and note in (e.get("secondary") or "")]
        self.assertTrue(notes, r.describe())


if __name__ == "__main__":
    unittest.main()
