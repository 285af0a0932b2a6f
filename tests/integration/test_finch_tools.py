# SPDX-License-Identifier: GPL-2.0-or-later
# Lyre's tools and rooms in real Finch (under a private, detached tmux), read off the screen: the
# XML console and the service browser are reached through the buddy list's Accounts menu as a
# user would; a room is joined through Join Chat, another occupant's message is read and an
# answer typed in the room's window reaches them.
"""Run alone: LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 \
tests/integration/test_finch_tools.py -v
"""

import os
import re
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
from test_presence import Live  # noqa: E402

POLL_SECONDS = 30
ACCOUNT = "alice@example.test/finch"


def plugin_has_asan():
    """A sanitized build's plugin needs the ASan runtime loaded first, which Finch is not."""
    plugin = os.path.join(os.environ.get("LYRE_PLUGIN_DIR", ""), "liblyre.so")
    if not os.path.exists(plugin) or not shutil.which("ldd"):
        return False
    out = subprocess.run(["ldd", plugin], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    return "libasan" in out


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-S", sock] + list(args), check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20).stdout


@unittest.skipUnless(protocol() == "prpl-lyre", "Lyre's own XML console")
class TestFinchTools(unittest.TestCase):
    def setUp(self):
        if not shutil.which("finch") or not shutil.which("tmux"):
            self.skipTest("finch or tmux not installed")
        if plugin_has_asan():
            self.skipTest("the plugin is built with ASan, Finch is not: it cannot load it")
        self.server = Prosody(extra_modules=["muc"])
        self.server.start()
        self.server.add_user("alice", "alice-secret")
        self.server.add_user("bob", "bob-secret")
        self.live = []
        self.tmp = tempfile.mkdtemp(prefix="lyre-finch-tools-")
        self.home = os.path.join(self.tmp, "purple")
        self.sock = os.path.join(self.tmp, "tmux.sock")

    def tearDown(self):
        for h in self.live:
            h.stop()
        if os.path.exists(self.sock):
            tmux(self.sock, "kill-server", check=False)
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def screen(self):
        return tmux(self.sock, "capture-pane", "-p", "-t", "finch", check=False)

    def keys(self, *keys):
        tmux(self.sock, "send-keys", "-t", "finch", *keys)

    def wait_until(self, what, predicate, seconds=POLL_SECONDS):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail("timed out waiting for %s\n--- screen ---\n%s\n--- prosody ---\n%s"
                  % (what, self.screen(), self.server.log_text()[-3000:]))

    def start_finch(self):
        purple_home.write_accounts(self.home, [{
            "protocol": "prpl-lyre", "name": ACCOUNT, "password": "alice-secret",
            "settings": purple_home.client_settings("prpl-lyre", self.server), "enabled": True}])
        purple_home.install_plugin(self.home, os.environ["LYRE_PLUGIN_DIR"])
        cmd = "exec finch -c %s 2>%s" % (self.home, os.path.join(self.tmp, "finch.log"))
        tmux(self.sock, "new-session", "-d", "-x", "200", "-y", "50", "-s", "finch", cmd)

    def open_account_action(self, label):
        """The buddy list's menu (F10), Accounts, the account, then the action by its
        mnemonic: what a user does with the keyboard. Each step waits for what it opens.
        gnt reads the cursor keys in application mode: Right is ESC O C."""
        right = "\x1bOC"
        self.keys("F10")
        self.wait_until("the buddy list's menu", lambda: "Accounts" in self.screen())
        self.keys("-l", right)
        self.wait_until("the Accounts menu", lambda: ACCOUNT + " (" in self.screen())
        self.keys("-l", right)
        self.wait_until("the account's actions", lambda: label in self.screen())
        line = next(x for x in self.screen().splitlines() if label in x)
        mnemonic = re.search(re.escape(label) + r"\s+\((.)\)", line)
        self.assertIsNotNone(mnemonic, self.screen())
        self.keys("-l", mnemonic.group(1))

    def test_console_in_finch(self):
        started = time.monotonic()
        self.start_finch()
        self.wait_until("alice's session bound on the server",
                        lambda: "Resource bound: %s" % ACCOUNT in self.server.log_text())
        self.wait_until("Finch's buddy list", lambda: "Buddy List" in self.screen())
        self.open_account_action("XML Console")
        self.wait_until("the console window", lambda: "passwords and" in self.screen())
        self.keys("-l", "<iq type='get' to='example.test' id='finch1'><ping "
                        "xmlns='urn:xmpp:ping'/></iq>")
        self.keys("Enter")
        self.wait_until("the ping shown as sent", lambda: "id='finch1'>" in self.screen())
        self.wait_until("the server's answer", lambda: "type='result'" in self.screen()
                        and "<ping xmlns='urn:xmpp:ping'/>" in self.screen())
        self.keys("-l", "<iq type='get'")
        self.keys("Enter")
        self.wait_until("the error for malformed XML",
                        lambda: "not well-formed XML" in self.screen())
        if os.environ.get("LYRE_SHOW_SCREEN"):
            print(self.screen(), file=sys.stderr)
        print("test_console_in_finch: %.1f s" % (time.monotonic() - started), file=sys.stderr)

    def test_browser_in_finch(self):
        self.start_finch()
        self.wait_until("alice's session bound on the server",
                        lambda: "Resource bound: %s" % ACCOUNT in self.server.log_text())
        self.wait_until("Finch's buddy list", lambda: "Buddy List" in self.screen())
        self.open_account_action("Browse Services…")
        # Finch's search-results window: the server's row with its kind and features, and the
        # buttons that fit.
        # (The window opens beside the buddy list, which hides its left edge.)
        self.wait_until("the services window", lambda: "Browse Services" in self.screen()
                        and "Kind" in self.screen() and "Features" in self.screen())
        self.wait_until("the server's row and the buttons",
                        lambda: "server/im" in self.screen() and "vCard" in self.screen()
                        and "Browse" in self.screen() and "Info" in self.screen())
        if os.environ.get("LYRE_SHOW_SCREEN"):
            print(self.screen(), file=sys.stderr)

    def test_room_in_finch(self):
        """Join Chat from the buddy list's menu with the room's address; bob (a headless Lyre)
        is in the room: alice reads his message in the room's window and answers there."""
        room = "coven@" + self.server.muc_host
        self.start_finch()
        self.wait_until("alice's session bound on the server",
                        lambda: "Resource bound: %s" % ACCOUNT in self.server.log_text())
        self.wait_until("Finch's buddy list", lambda: "Buddy List" in self.screen())
        self.keys("F10")
        self.wait_until("the buddy list's menu", lambda: "Join Chat..." in self.screen())
        self.keys("-l", "j")
        self.wait_until("the Join a Chat dialog", lambda: "Join a Chat" in self.screen())
        self.keys("-l", room)
        self.keys("Tab")
        self.keys("Enter")
        self.wait_until("the room's window", lambda: "You created this room" in self.screen())
        bob = Live(self.server, "bob", "bob-secret")
        self.live.append(bob)
        self.assertTrue(bob.wait(lambda e: e.get("event") == "signed-on"), bob.describe())
        bob.send("join-chat %s bob" % room)
        self.assertTrue(bob.wait(lambda e: e.get("event") == "chat-joined"), bob.describe())
        self.wait_until("bob arriving in Finch", lambda: "bob entered the room" in self.screen())
        bob.send("chat-send %s Double, double toil and trouble" % room)
        self.wait_until("bob's message in Finch", lambda: "toil and trouble" in self.screen())
        self.keys("-l", "Fire burn, and cauldron bubble")
        self.keys("Enter")
        got = bob.wait(lambda e: e.get("event") == "chat-line" and "cauldron bubble" in
                       e.get("text", ""))
        self.assertTrue(got and got["who"] == "alice", "%s\n%s" % (got, self.screen()))
        # Alice's own line is shown once, from the room's echo.
        self.wait_until("alice's line in her window", lambda: "cauldron bubble" in self.screen())
        self.assertEqual(self.screen().count("cauldron bubble"), 1, self.screen())
        if os.environ.get("LYRE_SHOW_SCREEN"):
            print(self.screen(), file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
