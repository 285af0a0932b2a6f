# SPDX-License-Identifier: GPL-2.0-or-later
# Moving over from the built-in XMPP plugin: prpl-jabber makes a real accounts.xml, blist.xml,
# pounces.xml and logs tree (a buddy in a group with a local alias, a room, a pounce, an account
# icon, an exchanged message); Lyre's "Move Accounts from the Built-in XMPP Plugin…" creates the
# Lyre account from it, which then signs in with the saved password and settings, and has the
# buddy, the room, the pounce and the old conversation in its log viewer; the old account is
# disabled, not deleted. A second run changes nothing. The first-run offer is shown once.
# Prosody only: it is about the local files.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_migrate.py -v
"""

import hashlib
import os
import sys
import tempfile
import shutil
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client  # noqa: E402
from prosody import Prosody  # noqa: E402
from test_profile import png  # noqa: E402
import purple_home  # noqa: E402

SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 30 if not SLOW else 300
SCALE = 1 if not SLOW else 6  # valgrind runs are slower: longer waits
OFFER = "Move your XMPP accounts to Lyre?"
CONFIRM = "Move these accounts of the built-in XMPP plugin to Lyre?"
ACTION = "plugin-action prpl-lyre Move Accounts from the Built-in XMPP Plugin"
MESSAGE = "hello bob, this was written by prpl-jabber"
# The harness hides Lyre's first-run offer unless asked: here it is asked in every run, so that
# what keeps it from coming twice is the plugin's own memory.
OFFERED = ("--migration-offer",)
ROOM = "room@conference.example.test"
BOB_ICON = png(32, 32, (200, 60, 20))


def wait(seconds):
    return "wait %d" % (seconds * SCALE)


def commands(*lines):
    return "\n".join(lines + ("quit",)) + "\n"


def log_files(home):
    """{relative path: size} of every file under <home>/logs."""
    out = {}
    root = os.path.join(home, "logs")
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            out[os.path.relpath(path, root)] = os.path.getsize(path)
    return out


class MigrateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Prosody()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")
        cls.bob = cls.server.add_user("bob", "bob-secret")
        # bob on alice's roster in "Friends", named "Bobby": what prpl-jabber's own "Add Buddy"
        # and "Alias" would leave on the server (without running them: under ASan, prpl-jabber's
        # roster-add path leaks a few bytes of its own, which would fail the harness run).
        cls.server.write_roster("alice", [(cls.bob, "Bobby", "both")])

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lyre-migrate-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.client = Client(self.server, "alice", "alice-secret", proto="prpl-jabber")
        self.addCleanup(self.client.cleanup)
        # prpl-jabber cannot be told to trust a CA file: the certificate accepted as "Accept"
        # would keep it (Lyre reads that store too, so the moved account trusts it as well).
        purple_home.trust_peer_cert(self.client.home, "127.0.0.1", self.server.cert_file)

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s" % (msg, result.describe()))

    def accounts(self, result):
        return {(e["protocol"], e["username"]): e for e in result.of("account")}

    def run_jabber(self):
        """prpl-jabber's files: the buddy from the roster (in its group, with its alias), a
        room, a pounce, an avatar for bob, an account icon and a message, so its log exists."""
        icon = os.path.join(self.tmp, "alice.png")
        with open(icon, "wb") as f:
            f.write(png(40, 40, (30, 140, 90)))
        bob_icon = os.path.join(self.tmp, "bob.png")  # as if prpl-jabber had fetched it
        with open(bob_icon, "wb") as f:
            f.write(BOB_ICON)
        r = self.client.run(settings=purple_home.client_settings("prpl-jabber", self.server),
                            timeout=TIMEOUT, extra=OFFERED, stdin_text=commands(
                                "add-pounce %s hello from the pounce" % self.bob,
                                "add-chat %s Rooms" % ROOM,
                                "contact-icon %s %s" % (self.bob, bob_icon),
                                "set-icon %s" % icon,
                                "im %s %s" % (self.bob, MESSAGE),
                                wait(1)))
        self.check(r.returncode == 0 and r.has("signed-on"), r, "prpl-jabber did not sign in")
        return r

    def test_move_then_nothing_more(self):
        r1 = self.run_jabber()
        # The first-run offer: asked once, and "keep" is what a dismissed dialog means.
        offers = [e for e in r1.of("request") if e.get("primary") == OFFER]
        self.check(len(offers) == 1, r1, "no first-run offer")
        self.assertIn("alice@example.test/harness", offers[0]["secondary"])
        self.assertEqual(offers[0]["answer"], "keep using the built-in plugin")
        old_dir = "jabber/alice@example.test/%s/" % self.bob
        old_logs = [p for p in log_files(self.client.home) if p.startswith(old_dir)]
        self.assertEqual(len(old_logs), 1, "prpl-jabber wrote no log (or more than one)")
        # Where Lyre's loggers look for the moved account's conversation with bob: the account
        # folder is Lyre's normalised username (the resource kept), escaped as purple does.
        copy = os.path.join(self.client.home, "logs", "lyre", "alice@example.test%2fharness",
                            self.bob, os.path.basename(old_logs[0]))

        # The move, from the action, answered "Move".
        r2 = self.client.run(cert_answer="accept-once", timeout=TIMEOUT, extra=OFFERED,
                             stdin_text=commands(ACTION, wait(2), "dump-accounts",
                                                 "dump-pounces"))
        self.check(r2.returncode == 0, r2, "move run failed")
        self.check(not [e for e in r2.of("request") if e.get("primary") == OFFER], r2,
                   "the first-run offer came twice")
        asked = [e for e in r2.of("request") if e.get("primary") == CONFIRM]
        self.check(len(asked) == 1 and asked[0]["answer"] == "move", r2, "not asked to confirm")
        self.check([e for e in r2.of("notify") if e.get("primary") == "Moved to Lyre"], r2,
                   "no notice of the move")
        accounts = self.accounts(r2)
        old = accounts.get(("prpl-jabber", "alice@example.test/harness"))
        new = accounts.get(("prpl-lyre", "alice@example.test/harness"))
        self.check(old is not None and new is not None and len(accounts) == 2, r2,
                   "want the old and the new account")
        self.assertEqual(old["enabled"], 0, "the old account is still enabled")
        self.assertEqual(new["enabled"], 1, "the new account is not enabled as the old one was")
        self.assertEqual((new["remember"], new["password"]), (1, "alice-secret"))
        self.assertEqual((new["connect_server"], new["port"]),
                         ("127.0.0.1", self.server.c2s_port))
        self.check(new["icon"], r2, "the account icon did not follow")
        pounces = [e for e in r2.of("pounce") if e["protocol"] == "prpl-lyre"]
        self.check(len(pounces) == 1 and pounces[0]["pouncee"] == self.bob and
                   pounces[0]["message"] == "hello from the pounce" and pounces[0]["enabled"],
                   r2, "the pounce did not follow")
        self.assertTrue(os.path.isfile(copy), "no log copied under the Lyre account: %s"
                        % sorted(log_files(self.client.home)))
        with open(os.path.join(self.client.home, "logs", old_logs[0]), "rb") as a, \
                open(copy, "rb") as b:
            self.assertEqual(a.read(), b.read(), "the copy differs")

        # The Lyre account signs in with what it took over (no --password, no --set), and has
        # the buddy, its alias and group, and the old conversation in its logs.
        self.client.proto = "prpl-lyre"
        r3 = self.client.run(timeout=TIMEOUT, with_password=False, extra=OFFERED,
                             stdin_text=commands(wait(1), "dump-buddies after",
                                                 "dump-logs %s" % self.bob, "dump-accounts",
                                                 "dump-pounces", "dump-chats",
                                                 "buddy-icon %s" % self.bob))
        self.check(r3.returncode == 0 and r3.has("signed-on"), r3, "the moved account did not "
                   "sign in with its saved password and settings")
        bob = [e for e in r3.of("buddy") if e["jid"] == self.bob]
        self.check(len(bob) == 1 and bob[0]["group"] == "Friends" and
                   bob[0]["alias"] == "Bobby", r3, "the buddy did not follow")
        # The log viewer lists the copy (the archive catch-up may add a log of its own).
        logs = r3.of("log")
        self.check(any(e["path"] == copy and MESSAGE in e["text"] for e in logs), r3,
                   "the old conversation is not in the new account's logs")
        # Lyre's own roster fetch would bring bob too; his avatar (which no server has) comes
        # only with the buddy the move made, kept through that fetch.
        icons = r3.of("buddy-icon")
        self.check(icons and icons[0]["sha1"] == hashlib.sha1(BOB_ICON).hexdigest(), r3,
                   "bob's avatar did not follow")
        rooms = {(e["protocol"], e["alias"], e["group"]) for e in r3.of("chat")}
        self.check(rooms == {("prpl-jabber", "", "Rooms"), ("prpl-lyre", ROOM, "Rooms")}, r3,
                   "the room on the buddy list did not follow")
        accounts = self.accounts(r3)
        self.check(accounts.get(("prpl-jabber", "alice@example.test/harness"), {})
                   .get("enabled") == 0, r3, "the old account is gone or enabled again")

        # A second run changes nothing.
        before = (log_files(self.client.home), len(r3.of("account")), len(r3.of("pounce")),
                  len(bob), len(logs), len(r3.of("chat")))
        r4 = self.client.run(cert_answer="accept-once", timeout=TIMEOUT, with_password=False,
                             extra=OFFERED,
                             stdin_text=commands(ACTION, wait(1), "dump-buddies again",
                                                 "dump-logs %s" % self.bob, "dump-accounts",
                                                 "dump-pounces", "dump-chats"))
        self.check(r4.returncode == 0 and r4.has("signed-on"), r4, "second run failed")
        self.check(not r4.of("request"), r4, "asked again")
        self.check([e for e in r4.of("notify") if e.get("primary") == "Nothing to move"], r4,
                   "a second move did something")
        after = (log_files(self.client.home), len(r4.of("account")), len(r4.of("pounce")),
                 len([e for e in r4.of("buddy") if e["jid"] == self.bob]), len(r4.of("log")),
                 len(r4.of("chat")))
        self.assertEqual(after, before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
