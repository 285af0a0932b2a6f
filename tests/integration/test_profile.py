# SPDX-License-Identifier: GPL-2.0-or-later
# The profile area against a real private server (servers.py: Prosody with vcard4, vcard_legacy
# and pep, or ejabberd with mod_vcard, mod_avatar and PEP): a vCard set by one Lyre account
# through "Set User Info…" and read by another through Get Info (escaped, T50), an avatar set by
# one account and received with the same bytes by the other (XEP-0084 over PEP, XEP-0153 PHOTO
# in the vCard), and a file that is not an image refused cleanly (T51).
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_profile.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, harness_path, protocol  # noqa: E402
from servers import make_server  # noqa: E402

LYRE = protocol() == "prpl-lyre"
SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 40 if not SLOW else 300
SCALE = 1 if not SLOW else 6


def wait(seconds):
    return "wait %d" % (seconds * SCALE)


def png(width, height, rgb):
    """A real PNG of one colour (so purple and any UI can load it)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


@unittest.skipUnless(LYRE, "Lyre's profile glue")
class ProfileCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for user in ("alice", "bob", "carol", "dave", "erin"):
            cls.server.add_user(user, user + "-secret")
        cls.server.make_mutual_roster("alice", "bob")
        cls.server.make_mutual_roster("carol", "dave")
        cls.host = cls.server.host
        cls.clients = []
        cls.tmp = tempfile.mkdtemp(prefix="lyre-profile-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

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

    def settings(self):
        return {"connect_server": "127.0.0.1", "port": self.server.c2s_port,
                "connection_security": "require_tls", "lyre_ca_file": self.server.ca_file}

    def run_commands(self, client, commands):
        r = client.run(self.settings(), stdin_text="\n".join(commands) + "\n", timeout=TIMEOUT)
        self.check(r.returncode == 0 and r.has("signed-on"), r, "harness run failed")
        self.check(not r.of("command-error"), r, "a harness command was not understood")
        return r

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s\n--- %s log tail ---\n%s" % (
                msg, result.describe(), self.server.kind, self.server.log_text()[-3000:]))

    def info_entries(self, result, who):
        entries = {}
        for e in result.of("userinfo-entry"):
            if e["who"] == who:
                entries.setdefault(e["label"], []).append(e["value"])
        return entries

    def test_vcard_set_by_one_read_by_another(self):
        alice, bob = self.client("alice"), self.client("bob")
        r = self.run_commands(alice, [
            wait(2),
            "set-vcard fn=Alice <b>Liddell</b>|nickname=Ally|email=alice@example.org|"
            "locality=Oxford|org_name=Wonderland|description=Down the rabbit hole",
            wait(3),
        ])
        self.check([e for e in r.of("request") if e.get("title") == "vcard"], r, "no vCard form")
        self.check(not [e for e in r.of("notify") if e.get("kind") == "error"], r, "error shown")
        r = self.run_commands(bob, [wait(2), "get-info %s" % self.jid("alice"), wait(4)])
        self.check(r.has("userinfo"), r, "no Get Info window")
        entries = self.info_entries(r, self.jid("alice"))
        # T50: the markup in the name is shown as text.
        self.check(entries.get("Full Name") == ["Alice &lt;b&gt;Liddell&lt;/b&gt;"], r,
                   "full name: %s" % entries)
        self.check(entries.get("Nickname") == ["Ally"], r, "nickname: %s" % entries)
        self.check(entries.get("Email") == ["alice@example.org"], r, "email: %s" % entries)
        self.check("Oxford" in (entries.get("Address") or [""])[0], r, "address: %s" % entries)
        self.check(entries.get("Organization Name") == ["Wonderland"], r, "org: %s" % entries)
        self.check(entries.get("Description") == ["Down the rabbit hole"], r,
                   "description: %s" % entries)

        # The form is prefilled with what is published: changing one field keeps the others.
        self.run_commands(alice, [wait(2), "set-vcard nickname=Al", wait(3)])
        r = self.run_commands(bob, [wait(2), "get-info %s" % self.jid("alice"), wait(4)])
        entries = self.info_entries(r, self.jid("alice"))
        self.check(entries.get("Nickname") == ["Al"], r, "new nickname: %s" % entries)
        self.check(entries.get("Full Name") == ["Alice &lt;b&gt;Liddell&lt;/b&gt;"], r,
                   "full name lost: %s" % entries)

    def start_live(self, client, resource, commands):
        """The harness for client in the background, its commands given at once, its events
        written to a file: (process, path of the file)."""
        argv = [harness_path(), "--purple-home", client.home, "--protocol", client.proto,
                "--account", "%s/%s" % (self.jid(client.user), resource), "--password",
                client.password, "--commands", "--timeout", str(TIMEOUT)]
        if os.environ.get("LYRE_PLUGIN_DIR"):
            argv += ["--plugin-dir", os.environ["LYRE_PLUGIN_DIR"]]
        for k, v in self.settings().items():
            argv += ["--set", "%s=%s" % (k, v)]
        argv = os.environ.get("LYRE_HARNESS_WRAP", "").split() + argv
        out_path = os.path.join(client.home, "%s.out" % resource)
        with open(out_path, "w") as out:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.DEVNULL, text=True)
        proc.stdin.write("".join(c + "\n" for c in commands))
        proc.stdin.flush()
        return proc, out_path

    @staticmethod
    def events_in(out_path):
        events = []
        with open(out_path) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
        return events

    def wait_event(self, out_path, name, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [e for e in self.events_in(out_path) if e.get("event") == name]
            if found:
                return found[0]
            time.sleep(0.2)
        return None

    def test_avatar_set_by_one_received_by_another(self):
        dave = self.client("dave")
        image = png(48, 48, (200, 30, 90))
        path = os.path.join(self.tmp, "carol.png")
        with open(path, "wb") as f:
            f.write(image)
        sha1 = hashlib.sha1(image).hexdigest()
        # carol sets her icon and stays online while dave signs in: ejabberd 23.01 sends a
        # contact's last PEP items only while that contact is online (mod_pubsub answers the
        # presence probe of the newcomer; its ignore_pep_from_offline does nothing any more),
        # Prosody also from an offline contact.
        carol, carol_out = self.start_live(self.client("carol"), "harness",
                                           [wait(2), "set-icon %s" % path, wait(40), "quit"])
        try:
            icon_set = self.wait_event(carol_out, "icon-set")
            time.sleep(2 * SCALE)  # the metadata is published after the data
            # dave signs in: the server sends carol's last metadata item (+notify in our
            # caps), Lyre fetches the data, checks the hash and stores the icon.
            r = self.run_commands(dave, [wait(5), "buddy-icon %s" % self.jid("carol"),
                                         "get-info %s" % self.jid("carol"), wait(3)])
        finally:
            carol.terminate()
            carol.wait(timeout=60)
            carol.stdin.close()
        carol_events = self.events_in(carol_out)
        self.assertTrue(icon_set and icon_set["sha1"] == sha1, "icon not set: %s" % carol_events)
        self.assertFalse([e for e in carol_events if e.get("event") == "notify"
                          and e.get("kind") == "error"], "error shown: %s" % carol_events)
        icons = [e for e in r.of("buddy-icon") if e["who"] == self.jid("carol")]
        self.check(icons and icons[0]["sha1"] == sha1, r, "icon bytes differ: %s" % icons)
        self.check(icons[0]["checksum"] == sha1, r, "purple's checksum is not the hash")
        # XEP-0153: the same image is in carol's vCard PHOTO.
        entries = self.info_entries(r, self.jid("carol"))
        self.check("Photo" in entries and "<img" in entries["Photo"][0], r,
                   "no photo in the vCard: %s" % entries)

    def test_avatar_change_reaches_a_live_contact(self):
        """dave is online when carol changes her icon: the PEP notification brings it."""
        dave = self.client("dave")
        argv = [harness_path(), "--purple-home", dave.home, "--protocol", dave.proto,
                "--account", self.jid("dave") + "/live", "--password", "dave-secret",
                "--commands", "--timeout", str(TIMEOUT)]
        if os.environ.get("LYRE_PLUGIN_DIR"):
            argv += ["--plugin-dir", os.environ["LYRE_PLUGIN_DIR"]]
        for k, v in self.settings().items():
            argv += ["--set", "%s=%s" % (k, v)]
        argv = os.environ.get("LYRE_HARNESS_WRAP", "").split() + argv
        image = png(40, 40, (10, 120, 240))
        path = os.path.join(self.tmp, "carol-live.png")
        with open(path, "wb") as f:
            f.write(image)
        out_path = os.path.join(dave.home, "live.out")
        with open(out_path, "w") as out:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.DEVNULL, text=True)
            try:
                proc.stdin.write("wait %d\nbuddy-icon %s\nquit\n" % (16 * SCALE,
                                                                      self.jid("carol")))
                proc.stdin.flush()
                deadline = time.time() + TIMEOUT
                while time.time() < deadline:
                    with open(out_path) as f:
                        if '"signed-on"' in f.read():
                            break
                    time.sleep(0.2)
                time.sleep(SCALE)
                r = self.run_commands(self.client("carol"), [wait(2), "set-icon %s" % path,
                                                             wait(3)])
                self.check(r.of("icon-set"), r, "icon not set")
                proc.wait(timeout=TIMEOUT + 30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdin.close()
        events = []
        with open(out_path) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
        icons = [e for e in events if e.get("event") == "buddy-icon"]
        self.assertTrue(icons, "no buddy-icon event: %s" % events[-10:])
        self.assertEqual(icons[0]["sha1"], hashlib.sha1(image).hexdigest())

    def test_T51_not_an_image_refused(self):
        erin = self.client("erin")
        path = os.path.join(self.tmp, "not-an-image.png")
        with open(path, "wb") as f:
            f.write(b"<svg xmlns='http://www.w3.org/2000/svg'/>" * 10)
        r = self.run_commands(erin, [wait(2), "set-icon %s" % path, wait(2)])
        errors = [e for e in r.of("notify") if e.get("kind") == "error"]
        self.check(len(errors) == 1, r, "expected one error notification")
        self.check("buddy icon" in (errors[0].get("primary") or "").lower(), r,
                   "unexpected error: %s" % errors)


if __name__ == "__main__":
    unittest.main()
