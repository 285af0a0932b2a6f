# SPDX-License-Identifier: GPL-2.0-or-later
# One scenario run of lyre-bench against the bench Prosody: sign-in, receive, send.
"""The client side of bench/run-bench: starts lyre-bench for one plugin and reads its events.

Each function returns a dict of measurements; every wait is bounded (RUN_TIMEOUT).
"""

import json
import os
import queue
import shutil
import subprocess
import threading
import time

RUN_TIMEOUT = 600  # seconds for any one client run (callgrind runs are slow)
PLUGINS = {
    "prpl-lyre": "Lyre",
    "prpl-jabber": "prpl-jabber",
}


class ClientError(RuntimeError):
    pass


class Client:
    """lyre-bench as a subprocess: JSON events in, commands out."""

    def __init__(self, bench, protocol, home, account, password, contacts, wrap=(), extra=()):
        args = list(wrap) + [
            bench.lyre_bench, "--purple-home", home, "--account", account + "/bench",
            "--password", password, "--protocol", protocol, "--contacts", str(contacts),
            "--timeout", str(RUN_TIMEOUT)] + list(extra)
        for key, value in bench.settings(protocol).items():
            args += ["--set", "%s=%s" % (key, value)]
        if protocol == "prpl-lyre":
            args += ["--plugin-dir", bench.plugin_dir]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1,
                                     preexec_fn=bench.client_affinity)
        self.events = queue.Queue()
        self.seen = {}  # the last event of each name that wait() went past
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.events.put(json.loads(line))
        self.events.put({"event": "eof"})

    def wait(self, name, timeout=RUN_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError("no %r event within %ss" % (name, timeout))
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.seen[ev["event"]] = ev
            if ev["event"] == name:
                return ev
            if ev["event"] in ("eof", "error", "timeout", "disconnected", "command-error"):
                raise ClientError("waiting for %r: %s" % (name, ev))

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def quit(self):
        try:
            self.command("quit")
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measured(ev):
    return {"wall_s": int(ev["wall_us"]) / 1e6, "cpu_s": int(ev["cpu_us"]) / 1e6,
            "sys_s": int(ev["sys_us"]) / 1e6,
            "rss_mib": ev["max_rss_kb"] / 1024.0,
            "start": int(ev["start_mono_us"]) / 1e6, "end": int(ev["end_mono_us"]) / 1e6}


def sign_in(bench, protocol, home, user, contacts, wrap=()):
    """One sign-in of `user` (contacts: how many buddies make the list full); the client quits
    afterwards, so the buddy list (and Lyre's roster copy) is saved for a warm run."""
    client = Client(bench, protocol, home, bench.jid(user), bench.password, contacts, wrap)
    try:
        result = measured(client.wait("signin"))
    finally:
        client.quit()
    bench.settle()
    return result


def sign_in_settled(bench, protocol, home, user, contacts, quiet_ms=2000, end="quit",
                    settle_server=True):
    """A sign-in measured until the buddy list has not changed for quiet_ms: the sign-in's own
    figures plus "settle_s" (from enabling the account to the list's last change),
    "settle_cpu_s" and "changes". end: "quit" (the client signs off as Pidgin does on quit) or
    "kill" (the process vanishes, as when a laptop's link or battery dies)."""
    client = Client(bench, protocol, home, bench.jid(user), bench.password, contacts)
    try:
        result = measured(client.wait("signin"))
        client.command("settle %d" % quiet_ms)
        ev = client.wait("settled", timeout=RUN_TIMEOUT)
        result.update({"settle_s": int(ev["wall_us"]) / 1e6,
                       "settle_cpu_s": int(ev["cpu_us"]) / 1e6, "changes": ev["changes"]})
    finally:
        if end == "kill":
            client.proc.kill()
            client.proc.wait()
        else:
            client.quit()
    if settle_server:
        bench.settle()
    return result


def messaging(bench, protocol, home, peer, count, wrap=(), do_send=True):
    """Receive `count` messages from the peer with the client's socket held unread, then send
    `count` to the peer. Returns the receive and send measurements."""
    client = Client(bench, protocol, home, bench.jid(bench.msg_user), bench.password, 1, wrap)
    try:
        client.wait("signin")
        peer.discard_messages()
        client.command("receive %d" % count)
        client.wait("receive-armed")
        client.command("hold")
        client.wait("holding")
        sent = peer.send_messages(bench.jid(bench.msg_user) + "/bench", count)
        client.command("release")
        recv = measured(client.wait("received"))
        recv["server_s"] = sent["end"] - sent["start"]
        result = {"receive": recv}
        if do_send:
            client.command("send %s %d" % (bench.jid(bench.peer_user), count))
            started = client.wait("send-started")
            got = peer.receive_messages(count, from_bare=bench.jid(bench.msg_user),
                                        timeout=RUN_TIMEOUT)
            client.command("report")
            rep = measured(client.wait("report"))
            rep["e2e_s"] = got["last"] - int(started["start_mono_us"]) / 1e6
            result["send"] = rep
    finally:
        client.quit()
    bench.settle()
    return result


def memory(bench, protocol, home, peer, count, warmup=2000):
    """Resident memory growth while `count` messages come in as the peer sends them (the
    client reads as they arrive), after `warmup` messages that open the conversation and
    fill what every client fills once. Returns {"growth_mib", "rss_start_mib", "rss_end_mib",
    "cpu_s"}."""
    client = Client(bench, protocol, home, bench.jid(bench.msg_user), bench.password, 1)
    try:
        client.wait("signin")
        peer.discard_messages()
        to = bench.jid(bench.msg_user) + "/bench"
        client.command("receive %d" % warmup)
        client.wait("receive-armed")
        # Other texts than the measured ones: the same id with the same text from the same
        # sender is one message seen twice, which Lyre shows once.
        peer.send_messages(to, warmup, body_fmt="Warm-up message {i}")
        client.wait("received")
        client.command("receive %d" % count)
        armed = client.wait("receive-armed")
        peer.send_messages(to, count)
        done = client.wait("received")
        start, end = int(armed["rss_kb"]) / 1024.0, int(done["rss_kb"]) / 1024.0
        result = {"growth_mib": end - start, "rss_start_mib": start, "rss_end_mib": end,
                  "cpu_s": int(done["cpu_us"]) / 1e6}
    finally:
        client.quit()
    bench.settle()
    return result


def catch_up(bench, home, user, count):
    """One sign-in of `user` (Lyre) that ends when `count` messages have come in from the
    archive catch-up (the only messages it gets): time, CPU and peak RSS from the start."""
    client = Client(bench, "prpl-lyre", home, bench.jid(user), bench.password, 1,
                    extra=("--receive-from-start", str(count)))
    try:
        result = measured(client.wait("received"))
    finally:
        client.quit()
    bench.settle()
    return result


def room_join(bench, protocol, home, user, room, nick, users, history, mark_s=None, bots=None,
              probe="probe", probe_bot=0, quiet_s=0.5):
    """One join of `room` as `nick` after a sign-in of `user`, measured from the join command
    until the room's window lists `users` occupants (us among them) and shows `history`
    delayed lines: client CPU, wall time, the same at "joined" (the list complete), the longest
    main-loop turn (and the CPU used in it), the most CPU any one turn used ("busy_ms"), peak
    RSS. mark_s (Lyre only): the account's mark for the room, as if the
    last message it showed from the room was that old (Lyre then catches up from the room's
    archive from that time; without a mark a first join shows only the last page). bots (a
    muc_bots.Bots in the room): one of them says a message (the word `probe` in it) the moment
    the room announces us, behind the occupant list and the history the room queued for us;
    "probe_ms" is from its first copy reaching the bots (about when ours reached our socket) to
    its line in the window, "probe_sent_ms" from when it was sent. "lines_after" and
    "users_after": the history lines and occupants in the window once the server is quiet."""
    extra = []
    if protocol == "prpl-lyre" and mark_s is not None:
        extra += ["--set", "lyre_room_marks=%s %d -" % (room, mark_s)]
    client = Client(bench, protocol, home, bench.jid(user), bench.password, 0, extra=extra)
    try:
        client.wait("signin")
        # What the sign-in set off (service discovery, bookmarks) is over before the join.
        bench.settle()
        time.sleep(quiet_s)
        word = ""
        if bots is not None:
            bots.arm_probe(room, nick, probe_bot, "%s: said while you were entering" % probe)
            word = " " + probe
        client.command("join-room %s %s %d %d%s" % (room, nick, users, history, word))
        ev = client.wait("room-ready")
        result = {"wall_s": int(ev["wall_us"]) / 1e6, "cpu_s": int(ev["cpu_us"]) / 1e6,
                  "sys_s": int(ev["sys_us"]) / 1e6, "joined_s": int(ev["joined_us"]) / 1e6,
                  "joined_cpu_s": int(ev["joined_cpu_us"]) / 1e6,
                  "stall_ms": int(ev["max_stall_us"]) / 1e3,
                  "stall_cpu_ms": int(ev["max_stall_cpu_us"]) / 1e3,
                  "busy_ms": int(ev["max_busy_us"]) / 1e3, "rss_mib": ev["max_rss_kb"] / 1024.0,
                  "users": ev["users"], "lines": ev["lines"]}
        if bots is not None:
            shown = client.seen.get("room-probe") or client.wait("room-probe", timeout=60)
            times = bots.probe_times(timeout=60)
            shown_s = int(shown["mono_us"]) / 1e6
            # The echo is timed to within about a millisecond: a line shown sooner than that
            # after its arrival counts as shown at once.
            result["probe_raw_ms"] = (shown_s - times["echo"]) * 1e3
            result["probe_ms"] = max(0.0, result["probe_raw_ms"])
            result["probe_sent_ms"] = (shown_s - times["sent"]) * 1e3
        # Nothing more comes later: no history line twice, nobody listed twice.
        bench.settle()
        client.command("room-status")
        status = client.wait("room-status")
        result["lines_after"], result["users_after"] = status["lines"], status["users"]
    finally:
        if bots is not None:
            bots.disarm_probe()
        client.quit()
    bench.settle()
    return result


def fresh_home(bench, protocol, name):
    """A new libpurple home trusting the bench CA the way each plugin reads trust."""
    home = os.path.join(bench.workdir, "homes", name)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    if protocol == "prpl-jabber":
        # libpurple's CA pool reads certificates/x509/ca; prpl-jabber checks the name it
        # connected to (127.0.0.1), which libpurple's tls_peers cache answers.
        ca_dir = os.path.join(home, "certificates", "x509", "ca")
        peers = os.path.join(home, "certificates", "x509", "tls_peers")
        os.makedirs(ca_dir)
        os.makedirs(peers)
        shutil.copy(bench.server.ca_file, os.path.join(ca_dir, "bench-ca.pem"))
        shutil.copy(bench.server.cert_file, os.path.join(peers, "127.0.0.1"))
    return home
