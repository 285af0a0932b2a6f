# SPDX-License-Identifier: GPL-2.0-or-later
# The power users' tools against a real private server (servers.py: Prosody, or ejabberd): the
# XML console (account action "XML Console": stanzas in and out, shown redacted; raw XML sent,
# malformed XML refused with a clear line) and the service browser ("Browse Services…": the
# server's items with their identities and features, Info and Browse on an item).
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_tools.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from servers import make_server  # noqa: E402

LYRE = protocol() == "prpl-lyre"
SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 40 if not SLOW else 300
SCALE = 1 if not SLOW else 6
HOST = "example.test"
CONSOLE = "XML Console"
MUC = "conference." + HOST
NS_MUC = "http://jabber.org/protocol/muc"


def settings_for(server):
    settings = {"connect_server": "127.0.0.1", "port": server.c2s_port,
                "connection_security": "require_tls"}
    if server.ca_file:
        settings["lyre_ca_file"] = server.ca_file
    return settings


@unittest.skipUnless(LYRE, "Lyre's own tools")
class ToolsCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A chat service, so that the server has an item to browse: Prosody's as a component
        # (its disco#items lists the components under its domain), ejabberd's as a module.
        cls.server = make_server(
            extra_modules=["register", "adhoc", "uptime"],
            prosody={"extra_config": 'allow_registration = true\nComponent "%s" "muc"' % MUC},
            ejabberd={"extra_modules": ["register", "adhoc", "mod_muc"]})
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("carol", "carol-secret")
        cls.server.add_user("dave", "dave-secret")
        cls.clients = []

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.cleanup()
        cls.server.cleanup()

    def run_client(self, user, password, commands):
        c = Client(self.server, user, password)
        self.clients.append(c)
        started = time.monotonic()
        r = c.run(settings_for(self.server), timeout=TIMEOUT, stdin_text=commands)
        self.assertEqual(r.returncode, 0, r.describe())
        self.elapsed = time.monotonic() - started
        return r

    def test_console(self):
        w = "wait %d\n" % (1 * SCALE)
        r = self.run_client("carol", "carol-secret", "".join([
            "action XML Console\n", w,
            "console <iq type='get' to='%s' id='x1'><ping xmlns='urn:xmpp:ping'/></iq>\n" % HOST,
            w,
            "console <iq type='get' to='%s' id='x2'><ping xmlns='urn:xmpp:ping'/>\n" % HOST,
            "console <stream:stream>\n",
            "change-password carol-secret carol-n3w-secret\n", w,
            "ping %s\n" % HOST, w,
            "console-close\n",
            "ping %s\n" % HOST, w,
            "quit\n"]))
        done = [e["line"] for e in r.of("command-done")]
        self.assertIn("action XML Console", done, r.describe())
        writes = r.of("conv-write")
        console = [e for e in writes if e.get("conv") == CONSOLE]
        self.assertTrue(console, r.describe())
        self.assertTrue(console[0]["system"], r.describe())  # the line that says what it is
        sent = [e["text"] for e in console if e["flags"] & 1]  # PURPLE_MESSAGE_SEND
        received = [e["text"] for e in console if e["recv"]]
        errors = [e["text"] for e in console if e["error"]]
        # The raw ping goes out as typed, indented, and its answer comes back.
        self.assertTrue(any("&lt;iq type='get' to='%s' id='x1'&gt;" % HOST in t
                            and "&lt;ping xmlns='urn:xmpp:ping'/&gt;" in t for t in sent),
                        r.describe())
        self.assertTrue(any("id='x1'" in t and "type='result'" in t for t in received),
                        r.describe())
        # What Lyre itself sends shows too: /ping's request and its answer.
        self.assertTrue(any("urn:xmpp:ping" in t and "id='x1'" not in t for t in sent),
                        r.describe())
        self.assertGreaterEqual(len([t for t in received if "type='result'" in t]), 2,
                                r.describe())
        # Malformed XML and a stream-level element: refused, in words, nothing sent.
        self.assertTrue(any("not well-formed XML" in t for t in errors), r.describe())
        self.assertTrue(any("&lt;stream:stream&gt; is not a stanza" in t for t in errors),
                        r.describe())
        self.assertFalse(any("id='x2'" in t for t in sent), r.describe())
        # The password change went out (and succeeded) with the password hidden.
        self.assertTrue(any("jabber:iq:register" in t and "[hidden]" in t for t in sent),
                        r.describe())
        self.assertFalse(any("carol-n3w-secret" in e.get("text", "") or "carol-secret"
                             in e.get("text", "") for e in writes), r.describe())
        # Closed: the second ping is not shown in the console (only in its own window).
        closed_at = next(i for i, e in enumerate(r.events) if e.get("event") == "command-done"
                         and e.get("line") == "console-close")
        later = [e for e in r.events[closed_at:] if e.get("event") == "conv-write"
                 and e.get("conv") == CONSOLE]
        self.assertEqual(later, [], r.describe())
        self.assertTrue(any(e.get("conv") == HOST for e in r.events[closed_at:]
                            if e.get("event") == "conv-write"), r.describe())
        print("test_console: %.1f s" % self.elapsed, file=sys.stderr)

    def test_browse(self):
        w = "wait %d\n" % (1 * SCALE)
        r = self.run_client("dave", "dave-secret", "".join([
            "action Browse Services\n", w,
            "results-click info %s\n" % MUC, w,
            "results-click browse %s\n" % MUC, w,
            "results-click commands %s\n" % HOST, w,
            "results-click register %s\n" % HOST, w,
            "quit\n"]))
        windows = r.of("searchresults")
        self.assertEqual(len(windows), 2, r.describe())
        top = windows[0]
        self.assertEqual(top["primary"], "Services of %s" % HOST, r.describe())
        self.assertEqual(top["columns"], "Name|Address|Node|Kind|Features", r.describe())
        self.assertIn("Browse", top["buttons"], r.describe())
        self.assertIn("info", top["buttons"], r.describe())
        rows = [e["cells"].split("\t") for e in r.of("searchresult-row")
                if e["title"] == top["title"]][:top["rows"]]
        # First the server itself, with its identity; then its items, the chat service among
        # them with its identity and its features named.
        self.assertEqual(rows[0][1], HOST, r.describe())
        self.assertIn("server/im", rows[0][3], r.describe())
        self.assertRegex(rows[0][4], r"\d+ in all", r.describe())
        muc = [row for row in rows if row[1] == MUC]
        self.assertEqual(len(muc), 1, r.describe())
        self.assertIn("conference/text", muc[0][3], r.describe())
        self.assertIn("chat rooms", muc[0][4], r.describe())
        # Info: every identity and feature of the item.
        infos = [e for e in r.of("notify-formatted") if e["primary"] == MUC]
        self.assertEqual(len(infos), 1, r.describe())
        self.assertIn(NS_MUC, infos[0]["text"], r.describe())
        self.assertIn("conference/text", infos[0]["text"], r.describe())
        # Browse deeper: the chat service's own window (its rooms: none yet).
        self.assertEqual(windows[1]["primary"], "Services of %s" % MUC, r.describe())
        # Commands on the server: the list of its commands (purple-account-commands.c's).
        lists = [e for e in r.of("request") if e.get("kind") == "fields"
                 and "Commands of %s" % HOST in (e.get("primary") or "")]
        self.assertEqual(len(lists), 1, r.describe())
        self.assertTrue(lists[0]["choices"], r.describe())
        # Register on our own server: not a new registration, a word about Change Password.
        notes = r.of("notify")
        self.assertEqual([e["kind"] for e in notes], ["info"], r.describe())
        self.assertIn("your own server", notes[0]["secondary"], r.describe())
        print("test_browse: %.1f s" % self.elapsed, file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
