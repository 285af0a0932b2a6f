# SPDX-License-Identifier: GPL-2.0-or-later
# Tests for the bench tools: the callgrind object-cost parser and the scripted XMPP peer.
"""Run: python3 bench/test_bench_tools.py -v

The callgrind tests compile a small program and shared library and run them under valgrind
(skipped without valgrind or gcc); the peer tests start a private Prosody (skipped without
/usr/bin/prosody)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import callgrind_objects  # noqa: E402
from peer import Peer, PeerAuthError, PeerError, PeerTimeout  # noqa: E402

VALGRIND = shutil.which("valgrind")
GCC = shutil.which("gcc")
PROSODY = "/usr/bin/prosody"

LIB_SRC = r"""
unsigned long tiny_work(unsigned long n)
{
  unsigned long s = 0;
  for (unsigned long i = 0; i < n; i++)
    s += (i * i) ^ (s >> 3);
  return s;
}
"""
MAIN_SRC = r"""
#include <math.h>
#include <stdio.h>
unsigned long tiny_work(unsigned long n);
int main(int argc, char **argv)
{
  unsigned long s = 0;
  volatile double x = argc;
  for (int k = 0; k < CALLS; k++)
    s += tiny_work(ITERATIONS);
  for (int k = 0; k < 100; k++)
    x = sin(x) + 1.0;
  printf("%lu %f\n", s, (double) x);
  (void) argv;
  return 0;
}
"""
CALLS = 10
ITERATIONS = 10000

# name -> extra valgrind options
VARIANTS = {
    "default": [],
    "dump_instr": ["--dump-instr=yes", "--collect-jumps=yes"],
    "no_compress_strings": ["--compress-strings=no"],
    "no_compress_pos": ["--compress-pos=no"],
    "no_compression_instr": ["--compress-strings=no", "--compress-pos=no", "--dump-instr=yes"],
}

# A hand-written file: name compression, a call whose inclusive cost must not count,
# relative and "*" positions, hex addresses, a missing trailing cost, two events.
SYNTHETIC = """# callgrind format
version: 1
creator: hand
positions: instr line
events: Ir Dr
summary: 1000 10

ob=(1) /usr/bin/prog
fl=(1) prog.c
fn=(1) main
0x10 3 100 1
+2 * 50
cob=(2) /usr/lib/libfoo.so
cfi=(2) foo.c
cfn=(2) foo
calls=2 0x40 7
+1 +1 700 5
-1 -1 20 1
ob=(2)
fl=(2)
fn=(2)
0x40 7 600 4
+4 +1 100
ob=(3) /usr/lib/libbar.so
fl=(3) bar.c
fn=(3) bar
* * 130 4

totals: 1000 10
"""
SYNTHETIC_OBJECTS = {"/usr/bin/prog": 170, "/usr/lib/libfoo.so": 700, "/usr/lib/libbar.so": 130}


@unittest.skipUnless(VALGRIND and GCC, "needs valgrind and gcc")
class CallgrindObjectsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lyre-cg-")
        lib_c = os.path.join(cls.tmp, "tiny.c")
        main_c = os.path.join(cls.tmp, "main.c")
        with open(lib_c, "w") as f:
            f.write(LIB_SRC)
        with open(main_c, "w") as f:
            f.write(MAIN_SRC)
        cls.lib = os.path.join(cls.tmp, "libtiny.so")
        cls.prog = os.path.join(cls.tmp, "prog")
        subprocess.run([GCC, "-O1", "-g", "-shared", "-fPIC", "-o", cls.lib, lib_c], check=True,
                       timeout=120)
        subprocess.run([GCC, "-O1", "-g", "-DCALLS=%d" % CALLS, "-DITERATIONS=%d" % ITERATIONS,
                        "-o", cls.prog, main_c, "-L" + cls.tmp, "-ltiny", "-lm",
                        "-Wl,-rpath," + cls.tmp], check=True, timeout=120)
        cls.outputs = {}
        for name, options in VARIANTS.items():
            out = os.path.join(cls.tmp, "callgrind.out." + name)
            subprocess.run([VALGRIND, "--tool=callgrind", "--callgrind-out-file=" + out]
                           + options + [cls.prog], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=300)
            cls.outputs[name] = out

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_self_costs_sum_to_total(self):
        for name, path in self.outputs.items():
            with self.subTest(variant=name):
                total, objects = callgrind_objects.object_costs(path)
                self.assertGreater(total, 0)
                self.assertEqual(sum(objects.values()), total)

    def test_shared_library_share_is_plausible(self):
        for name, path in self.outputs.items():
            with self.subTest(variant=name):
                total, objects = callgrind_objects.object_costs(path)
                lib = objects.get(self.lib, 0)
                # At least 3 instructions per loop iteration, and far fewer than 50.
                self.assertGreaterEqual(lib, CALLS * ITERATIONS * 3)
                self.assertLess(lib, CALLS * ITERATIONS * 50)
                self.assertLess(lib, total)
                self.assertGreater(objects.get(self.prog, 0), 0)
                self.assertTrue(any("libm" in o for o in objects), sorted(objects))
                self.assertTrue(any("libc" in o for o in objects), sorted(objects))

    def test_variants_agree(self):
        results = {name: callgrind_objects.object_costs(path)
                   for name, path in self.outputs.items()}
        base = results["default"]
        for name, result in results.items():
            with self.subTest(variant=name):
                # Same program, same objects and (deterministic) library cost in every format.
                self.assertEqual(sorted(result[1]), sorted(base[1]))
                self.assertEqual(result[1][self.lib], base[1][self.lib])

    def test_cli_prints_json_with_match(self):
        path = self.outputs["default"]
        out = subprocess.run([sys.executable, os.path.join(HERE, "callgrind_objects.py"), path,
                              "--match", "libtiny", "/prog"], check=True, capture_output=True,
                             text=True, timeout=60).stdout
        data = json.loads(out)
        total, objects = callgrind_objects.object_costs(path)
        self.assertEqual(data["total"], total)
        self.assertEqual(data["objects"], objects)
        self.assertEqual(data["matched"], objects[self.lib] + objects[self.prog])

    def test_cli_adds_up_several_files(self):
        a, b = self.outputs["default"], self.outputs["dump_instr"]
        out = subprocess.run([sys.executable, os.path.join(HERE, "callgrind_objects.py"), a, b,
                              "--match", "libtiny"], check=True, capture_output=True,
                             text=True, timeout=60).stdout
        data = json.loads(out)
        ta, oa = callgrind_objects.object_costs(a)
        tb, ob = callgrind_objects.object_costs(b)
        self.assertEqual(data["total"], ta + tb)
        self.assertEqual(data["matched"], oa[self.lib] + ob[self.lib])


class CallgrindSyntheticTest(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(prefix="lyre-cg-", suffix=".out")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def test_compression_calls_and_positions(self):
        total, objects = callgrind_objects.object_costs(self.write(SYNTHETIC))
        self.assertEqual(total, 1000)
        self.assertEqual(objects, SYNTHETIC_OBJECTS)

    def test_other_event_column(self):
        total, objects = callgrind_objects.object_costs(self.write(SYNTHETIC), event="Dr")
        self.assertEqual(total, 10)
        self.assertEqual(objects, {"/usr/bin/prog": 2, "/usr/lib/libfoo.so": 4,
                                   "/usr/lib/libbar.so": 4})

    def test_summary_used_without_totals(self):
        text = SYNTHETIC.replace("totals: 1000 10\n", "")
        self.assertEqual(callgrind_objects.object_costs(self.write(text))[0], 1000)

    def test_one_position_column_by_default(self):
        text = "events: Ir\nob=/lib/a.so\nfn=f\n3 10\n+1 5\ncob=/lib/b.so\ncfn=g\n" \
               "calls=1 9\n4 99\nob=/lib/b.so\nfn=g\n9 99\ntotals: 114\n"
        total, objects = callgrind_objects.object_costs(self.write(text))
        self.assertEqual((total, objects), (114, {"/lib/a.so": 15, "/lib/b.so": 99}))

    def test_rejects_file_without_events(self):
        # Negative twin of the tests above: not callgrind output at all.
        with self.assertRaises(callgrind_objects.CallgrindFormatError):
            callgrind_objects.object_costs(self.write("hello\n12 34\n"))

    def test_rejects_undefined_name_id(self):
        text = "events: Ir\nob=(7)\n1 5\n"
        with self.assertRaises(callgrind_objects.CallgrindFormatError):
            callgrind_objects.object_costs(self.write(text))


@unittest.skipUnless(os.path.exists(PROSODY), "needs prosody")
class PeerProsodyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from prosody import Prosody
        cls.server = Prosody()
        cls.server.add_user("alice", "alice-pw")
        cls.server.add_user("bob", "bob-pw")
        cls.server.add_user("carol", "carol-pw")
        cls.server.make_mutual_roster("alice", "bob")
        cls.server.start()
        cls.alice_jid = "alice@" + cls.server.host
        cls.bob_jid = "bob@" + cls.server.host
        cls.carol_jid = "carol@" + cls.server.host

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def connect(self, user, password=None, resource="peer", timeout=30, **kw):
        p = Peer("127.0.0.1", self.server.c2s_port, self.server.host, user,
                 password or user + "-pw", self.server.ca_file, resource=resource,
                 timeout=timeout, **kw)
        self.addCleanup(p.close)
        return p

    def in_thread(self, fn, *args, **kw):
        """Run fn in a thread; returns a join() giving its result or raising its exception."""
        box = {}

        def run():
            try:
                box["result"] = fn(*args, **kw)
            except BaseException as e:  # handed to the test thread
                box["error"] = e

        t = threading.Thread(target=run, daemon=True)
        t.start()

        def join(timeout=60):
            t.join(timeout)
            self.assertFalse(t.is_alive(), "thread still running")
            if "error" in box:
                raise box["error"]
            return box["result"]
        return join

    def cli(self, user, *command, password=None, resource="cli", **kw):
        return [sys.executable, os.path.join(HERE, "peer.py"), "--port",
                str(self.server.c2s_port), "--domain", self.server.host, "--user", user,
                "--password", password or user + "-pw", "--ca", self.server.ca_file,
                "--resource", resource, "--timeout", "20"] + list(command)

    def test_sign_in_and_ping(self):
        alice = self.connect("alice")
        self.assertEqual(alice.jid, self.alice_jid + "/peer")
        rtt = alice.ping()
        self.assertGreater(rtt, 0)
        self.assertLess(rtt, 5)

    def test_send_and_receive_2000(self):
        alice = self.connect("alice")
        bob = self.connect("bob")
        join = self.in_thread(alice.receive_messages, 2000, self.bob_jid, timeout=60)
        sent = bob.send_messages(self.alice_jid, 2000)
        got = join()
        self.assertEqual(sent["count"], 2000)
        self.assertLessEqual(sent["start"], sent["written"])
        self.assertLessEqual(sent["written"], sent["end"])
        self.assertEqual(got["count"], 2000)
        self.assertLessEqual(got["first"], got["last"])
        self.assertGreaterEqual(got["first"], sent["start"])
        # Exactly 2000: nothing else is waiting afterwards.
        self.assertEqual(alice.discard_messages(), 0)

    def test_receive_filters_by_sender_and_keeps_the_rest(self):
        alice = self.connect("alice")
        bob = self.connect("bob")
        carol = self.connect("carol")
        carol.send_messages(self.alice_jid, 5)
        bob.send_messages(self.alice_jid, 3)
        self.assertEqual(alice.receive_messages(3, self.bob_jid, timeout=10)["count"], 3)
        self.assertEqual(alice.receive_messages(5, self.carol_jid, timeout=10)["count"], 5)
        self.assertEqual(alice.discard_messages(), 0)

    def test_receive_times_out(self):
        alice = self.connect("alice")
        start = time.monotonic()
        with self.assertRaises(PeerTimeout) as ctx:
            alice.receive_messages(1, timeout=0.5)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(ctx.exception.received, 0)

    def test_wait_presence(self):
        alice = self.connect("alice")
        bob = self.connect("bob")
        seen = alice.wait_presence(self.bob_jid, timeout=10)
        self.assertEqual(seen["from"], self.bob_jid + "/peer")
        self.assertIsNone(seen["type"])
        # Alice got bob's initial presence; bob got alice's from the server's probe at his
        # sign-in (RFC 6121 4.3.2).
        self.assertEqual(bob.wait_presence(self.alice_jid, timeout=10)["type"], None)
        # The server answered alice's sign-in probe with bob's "unavailable" before bob came
        # online; claiming bob's available presence forgot that older one.
        bob.close()
        gone = alice.wait_presence(self.bob_jid, available=False, timeout=10)
        self.assertEqual(gone["type"], "unavailable")
        self.assertGreaterEqual(gone["time"], seen["time"])

    def test_wait_presence_since(self):
        alice = self.connect("alice")
        self.connect("bob")
        later = time.monotonic() + 3600
        with self.assertRaises(PeerTimeout):
            alice.wait_presence(self.bob_jid, timeout=1, since=later)
        self.assertIsNone(alice.wait_presence(self.bob_jid, timeout=5, since=0)["type"])

    def test_wait_presence_times_out_for_a_stranger(self):
        alice = self.connect("alice")
        self.connect("carol")   # online, but not in alice's roster: no presence
        with self.assertRaises(PeerTimeout):
            alice.wait_presence(self.carol_jid, timeout=1)

    def test_answers_disco_info_and_refuses_other_iqs(self):
        alice = self.connect("alice")
        bob = self.connect("bob")
        join = self.in_thread(alice.receive_messages, 1, self.bob_jid, timeout=20)
        result = bob.query("<query xmlns='http://jabber.org/protocol/disco#info'/>",
                           to=self.alice_jid + "/peer", timeout=10)
        self.assertEqual(result.get("type"), "result")
        self.assertIsNotNone(result.find("{http://jabber.org/protocol/disco#info}query"))
        with self.assertRaisesRegex(PeerError, "service-unavailable"):
            bob.query("<query xmlns='jabber:iq:version'/>", to=self.alice_jid + "/peer",
                      timeout=10)
        bob.send_messages(self.alice_jid, 1)
        self.assertEqual(join()["count"], 1)

    def test_wrong_password_fails_fast(self):
        start = time.monotonic()
        with self.assertRaisesRegex(PeerAuthError, "not-authorized"):
            Peer("127.0.0.1", self.server.c2s_port, self.server.host, "alice", "wrong",
                 self.server.ca_file, timeout=15)
        self.assertLess(time.monotonic() - start, 15)

    def test_wrong_ca_fails(self):
        # The server certificate must verify against the given CA: the system CAs do not.
        with self.assertRaisesRegex(PeerError, "TLS"):
            Peer("127.0.0.1", self.server.c2s_port, self.server.host, "alice", "alice-pw",
                 None, timeout=15)

    def test_cli_one_shot(self):
        ok = subprocess.run(self.cli("alice", "ping"), capture_output=True, text=True,
                            timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        events = [json.loads(line) for line in ok.stdout.splitlines()]
        self.assertEqual([e["event"] for e in events], ["ready", "pong"])
        bad = subprocess.run(self.cli("alice", "ping", password="wrong"), capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(bad.returncode, 2)
        event = json.loads(bad.stdout.splitlines()[-1])
        self.assertEqual(event["event"], "error")
        self.assertTrue(event["auth"])

    def test_cli_serve(self):
        alice = self.connect("alice")
        proc = subprocess.Popen(self.cli("bob", "serve"), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())

        def command(line=None):
            if line is not None:
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
            return json.loads(proc.stdout.readline())

        self.assertEqual(command()["event"], "ready")
        self.assertEqual(command("wait-presence " + self.alice_jid)["event"], "presence")
        join = self.in_thread(alice.receive_messages, 300, self.bob_jid, timeout=30)
        sent = command("send %s 300" % self.alice_jid)
        self.assertEqual((sent["event"], sent["count"]), ("sent", 300))
        self.assertEqual(join()["count"], 300)
        # Messages that arrive while the peer idles are stamped on arrival and kept.
        before = time.monotonic()
        alice.send_messages(self.bob_jid + "/cli", 2)
        time.sleep(0.3)
        got = command("receive 2 " + self.alice_jid)
        self.assertEqual((got["event"], got["count"]), ("received", 2))
        self.assertGreaterEqual(got["first"], before)
        self.assertLess(got["last"], before + 0.3)
        self.assertEqual(command("ping")["event"], "pong")
        self.assertEqual(command("nonsense 1 2 3")["event"], "error")
        proc.stdin.write("quit\n")
        proc.stdin.close()
        self.assertEqual(proc.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
