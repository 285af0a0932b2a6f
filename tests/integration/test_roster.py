# SPDX-License-Identifier: GPL-2.0-or-later
# The roster (RFC 6121 §2) against a real private server (servers.py: Prosody, or ejabberd):
# buddy-list operations become roster sets (checked with an independent slixmpp client), pushes
# reach a second Lyre session, and roster versioning makes a second sign-in with an unchanged
# 1,000-item roster transfer nothing.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_roster.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, harness_path, protocol  # noqa: E402
from servers import make_server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LYRE = protocol() == "prpl-lyre"
SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 40 if not SLOW else 300
SCALE = 1 if not SLOW else 6  # valgrind runs are slower: longer waits
RECEIVED = re.compile(r"roster: (\d+) items received")


def wait(seconds):
    """A harness wait command, longer under valgrind."""
    return "wait %d" % (seconds * SCALE)


def settings_for(server):
    settings = {"connect_server": "127.0.0.1", "port": server.c2s_port,
                "connection_security": "require_tls"}
    if LYRE and server.ca_file:
        settings["lyre_ca_file"] = server.ca_file
    return settings


def buddies(result, tag):
    """{jid: {"groups": set, "server_alias": str}} from a dump-buddies with this tag."""
    out = {}
    for e in result.of("buddy"):
        if e["tag"] != tag:
            continue
        b = out.setdefault(e["jid"], {"groups": set(), "server_alias": e["server_alias"]})
        b["groups"].add(e["group"])
    return out


def received_counts(result):
    """The item counts the core logged for each roster result ("roster: N items received")."""
    return [int(n) for n in RECEIVED.findall(result.stdout + result.stderr)]


@unittest.skipUnless(LYRE, "Lyre's roster glue and its debug log lines")
class RosterCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server(ejabberd={"roster_readonly": ["judy"]})
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for user in ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
                     "judy"):
            cls.server.add_user(user, user + "-secret")
        cls.host = cls.server.host
        cls.clients = []

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.cleanup()
        cls.server.cleanup()

    def client(self, user):
        c = Client(self.server, user, user + "-secret")
        self.clients.append(c)
        return c

    def jid(self, user):
        return "%s@%s" % (user, self.host)

    def run_commands(self, client, commands, resource="harness", debug=False):
        r = client.run(settings_for(self.server), stdin_text="\n".join(commands) + "\n",
                       timeout=TIMEOUT, resource=resource, extra=["--debug"] if debug else [])
        self.check(r.returncode == 0 and r.has("signed-on"), r, "harness run failed")
        self.check(not r.of("command-error"), r, "a harness command was not understood")
        return r

    def server_roster(self, user):
        """The user's roster as the server has it, fetched by an independent slixmpp client."""
        argv = ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid",
                self.jid(user) + "/witness", "--password", user + "-secret", "--port",
                str(self.server.c2s_port), "--ca", self.server.ca_file, "--dump-roster",
                "--timeout", "20"]
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=60)
        for line in proc.stdout.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "roster":
                return {i["jid"]: i for i in event["items"]}
        self.fail("no roster from the witness:\n%s\n%s" % (proc.stdout, proc.stderr[-2000:]))

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s" % (msg, result.describe()))

    # -- buddy list -> server ---------------------------------------------------------------
    def test_buddy_list_operations_reach_the_server(self):
        alice = self.client("alice")
        bob, carol = self.jid("bob"), self.jid("carol")
        r = self.run_commands(alice, [
            wait(2),
            "add-buddy %s Friends" % bob,
            "add-buddy %s Friends" % carol,
            wait(1),
            "alias %s Bobby" % bob,
            wait(1),
            "add-buddy %s Work" % bob,           # a second group: multi-group item
            "move %s Family" % carol,            # group move
            wait(2),
            "dump-buddies one",
        ])
        local = buddies(r, "one")
        self.check(local.get(bob, {}).get("groups") == {"Friends", "Work"}, r, "bob's groups")
        self.check(local[bob]["server_alias"] == "Bobby", r, "bob's server alias")
        self.check(local.get(carol, {}).get("groups") == {"Family"}, r, "carol's group")
        roster = self.server_roster("alice")
        self.assertEqual(roster[bob]["name"], "Bobby")
        self.assertEqual(roster[bob]["groups"], ["Friends", "Work"])
        self.assertEqual(roster[carol]["groups"], ["Family"])

        # Second sign-in (same purple home): rename a group, remove a contact.
        r = self.run_commands(alice, [
            wait(2),
            "rename-group Work Office",
            "remove-buddy %s" % carol,
            wait(2),
            "dump-buddies two",
        ])
        local = buddies(r, "two")
        self.check(local.get(bob, {}).get("groups") == {"Friends", "Office"}, r, "renamed group")
        self.check(carol not in local, r, "carol still on the buddy list")
        roster = self.server_roster("alice")
        self.assertEqual(roster[bob]["groups"], ["Friends", "Office"])
        self.assertNotIn(carol, roster)

    # Who adds whom so that the server refuses the roster set (not-allowed). Prosody refuses an
    # item for the account's own JID; ejabberd accepts that one, but refuses every change from
    # an account its mod_roster access rule denies (the fixture's roster_readonly).
    REFUSED_ADD = {"prosody": ("bob", "bob"), "ejabberd": ("judy", "carol")}

    def test_server_error_is_shown(self):
        """The server refuses a roster set: the user is told, and the buddy is not kept."""
        user, contact = self.REFUSED_ADD[self.server.kind]
        refused = self.client(user)
        r = self.run_commands(refused, [wait(2), "add-buddy %s Friends" % self.jid(contact),
                                        wait(2), "dump-buddies after"])
        errors = [e for e in r.of("notify") if e["kind"] == "error"]
        self.check(len(errors) == 1, r, "expected one error notification")
        self.assertIn(self.jid(contact), errors[0]["primary"])
        self.assertTrue(errors[0]["secondary"], "the server's reason is missing")
        # Refused, so not kept locally either (else every sign-in would offer it again).
        self.check(self.jid(contact) not in buddies(r, "after"), r, "the refused buddy stayed")
        # Positive twin: a valid contact raises no error.
        bob = self.client("bob")
        r = self.run_commands(bob, [wait(2), "add-buddy %s Friends" % self.jid("carol"),
                                    wait(2)])
        self.check(not [e for e in r.of("notify") if e["kind"] == "error"], r, "unexpected error")

    # -- server -> another session ------------------------------------------------------------
    def test_changes_reach_a_second_session(self):
        """Pushes: what one Lyre session of erin changes shows up live in the other one."""
        frank, grace, heidi = self.jid("frank"), self.jid("grace"), self.jid("heidi")
        self.server.write_roster("erin", [(frank, "Frank", "both"), (grace, "Grace", "both")])
        second = self.client("erin")
        out_path = os.path.join(second.home, "second.out")
        argv = [harness_path(), "--purple-home", second.home, "--protocol", second.proto,
                "--account", self.jid("erin") + "/second", "--password", "erin-secret",
                "--commands", "--timeout", str(TIMEOUT)]
        if os.environ.get("LYRE_PLUGIN_DIR"):
            argv += ["--plugin-dir", os.environ["LYRE_PLUGIN_DIR"]]
        for k, v in settings_for(self.server).items():
            argv += ["--set", "%s=%s" % (k, v)]
        argv = os.environ.get("LYRE_HARNESS_WRAP", "").split() + argv
        wait_s = 12 * SCALE
        with open(out_path, "w") as out:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.DEVNULL, text=True)
            try:
                proc.stdin.write("wait %d\ndump-buddies live\nquit\n" % wait_s)
                proc.stdin.flush()
                deadline = time.time() + TIMEOUT
                while time.time() < deadline:
                    with open(out_path) as f:
                        if '"signed-on"' in f.read():
                            break
                    time.sleep(0.2)
                time.sleep(SCALE)  # its roster is in
                first = self.client("erin")
                self.run_commands(first, [
                    wait(2),
                    "alias %s Franky" % frank,
                    wait(1),
                    "add-buddy %s Work" % frank,
                    "add-buddy %s Others" % heidi,
                    "remove-buddy %s" % grace,
                    wait(2),
                ], resource="first")
                proc.stdin.close()
                proc.wait(timeout=TIMEOUT + 60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        with open(out_path) as f:
            events = [json.loads(l) for l in f if l.startswith("{")]
        live = {}
        for e in events:
            if e.get("event") == "buddy" and e["tag"] == "live":
                live.setdefault(e["jid"], set()).add((e["group"], e["server_alias"]))
        dump = "\n".join(json.dumps(e) for e in events)
        self.assertEqual(live.get(frank), {("Friends", "Franky"), ("Work", "Franky")}, dump)
        self.assertEqual(live.get(heidi), {("Others", "")}, dump)
        self.assertNotIn(grace, live, dump)

    # -- versioning ---------------------------------------------------------------------------
    def test_unchanged_1000_item_roster_transfers_nothing(self):
        contacts = [("c%04d@%s" % (i, self.host), "Contact %d" % i, "both") for i in range(1000)]
        self.server.write_roster("ivan", contacts)
        ivan = self.client("ivan")
        # No wait: purple's signed-on comes once the roster is applied, so the list is whole.
        r1 = self.run_commands(ivan, ["dump-buddies first"], debug=True)
        self.check(received_counts(r1) == [1000], r1, "first sign-in: 1,000 items expected")
        self.check(len(buddies(r1, "first")) == 1000, r1, "1,000 buddies expected")
        # Same purple home: the stored copy and its version are used; the server sends nothing.
        r2 = self.run_commands(ivan, ["dump-buddies second"], debug=True)
        self.check(received_counts(r2) == [0], r2, "second sign-in must receive no items")
        second = buddies(r2, "second")
        self.check(len(second) == 1000, r2, "the buddy list lost items")
        self.assertEqual(second["c0007@%s" % self.host]["server_alias"], "Contact 7")
        self.assertEqual(second["c0007@%s" % self.host]["groups"], {"Friends"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
