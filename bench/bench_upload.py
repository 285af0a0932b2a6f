# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run-bench's upload row: Lyre's Send File (XEP-0363 HTTP upload) against curl -T.
"""The upload scenario of bench/run-bench: the same file PUT to the same upload service, by
Lyre (through the headless libpurple harness's Send File) and by a plain `curl -T`.

    runs = upload_runs(server, harness, plugin_dir, workdir, size, repeat, log, affinity)

server: a started tests/integration Prosody or Ejabberd with extra_modules=["upload"] and the
users UPLOAD_USER (Lyre) and SLOT_USER (curl's slots, and the recipient of Lyre's links).
Lyre is timed from the `send-file` command to its `xfer-complete` event (the slot request,
the HTTPS connection and the PUT with the server's answer); curl from its start to its exit
(the HTTPS connection and the PUT with the server's answer), with a fresh slot asked over
XMPP before each of its runs and not timed. Both run alternately (Lyre, curl, Lyre, ...) on
the client's core. Each result: {"wall_s", "cpu_s", "mb_s"} or {"failed": why}.
"""

import json
import os
import queue
import shutil
import subprocess
import threading
import time

from peer import Peer, PeerError
from prosody import escape_host

NS_UPLOAD = "urn:xmpp:http:upload:0"
# What Lyre asks for a .bin file (GIO's guess) and what curl is told to send: the same.
CONTENT_TYPE = "application/octet-stream"
UPLOAD_USER, SLOT_USER = "uplyre", "upcurl"
CURL = "/usr/bin/curl"
# A run gives up after this long without completing (a healthy 200 MB PUT on loopback takes
# seconds; libsoup's own I/O timeout in Lyre is 60 s).
STALL_S = 90
CLK_TCK = os.sysconf("SC_CLK_TCK")
MB = 1000 * 1000


def make_file(path, size):
    """size bytes of random data (nothing on the way compresses it)."""
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n
    return path


def stored_dir(server):
    """Where the server keeps uploaded files (emptied after every run: 200 MB each)."""
    if server.kind == "prosody":
        return os.path.join(server.data_path, escape_host(server.upload_host),
                            "http_file_share")
    return os.path.join(server.workdir, "upload")


def forget_uploads(server):
    directory = stored_dir(server)
    if not os.path.isdir(directory):
        return
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def request_slot(peer, service, filename, size):
    """XEP-0363 §4: a slot for the file. Returns (put_url, [(header, value)], get_url)."""
    iq = peer.query("<request xmlns='%s' filename='%s' size='%d' content-type='%s'/>"
                    % (NS_UPLOAD, filename, size, CONTENT_TYPE), to=service, timeout=60)
    slot = iq.find("{%s}slot" % NS_UPLOAD)
    put = slot.find("{%s}put" % NS_UPLOAD)
    headers = [(h.get("name"), (h.text or "").strip())
               for h in put.findall("{%s}header" % NS_UPLOAD)]
    return put.get("url"), headers, slot.find("{%s}get" % NS_UPLOAD).get("url")


def cpu_of(pid):
    """User + system CPU seconds of a running process so far (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Harness:
    """lyre-harness (tests/integration) signed in with Lyre, driven by commands; every JSON
    event is stamped with the monotonic time its line was read ("t")."""

    def __init__(self, path, plugin_dir, home, server, user, password, log_file, timeout,
                 preexec_fn=None):
        argv = [path, "--purple-home", home, "--protocol", "prpl-lyre",
                "--account", "%s@%s/bench" % (user, server.host), "--password", password,
                "--cert-answer", "reject", "--commands", "--timeout", str(int(timeout)),
                "--set", "connect_server=127.0.0.1", "--set", "port=%d" % server.c2s_port,
                "--set", "lyre_ca_file=%s" % server.ca_file, "--plugin-dir", plugin_dir]
        self.err = open(log_file, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1,
                                     preexec_fn=preexec_fn)
        self.events = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            now = time.monotonic()
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if isinstance(ev, dict):
                ev["t"] = now
                self.events.put(ev)
        self.events.put({"event": "eof", "t": time.monotonic()})

    def wait(self, pred, timeout):
        """The next event matching pred, or None after timeout (or at the harness's end)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                return None
            if pred(ev):
                return ev
            if ev["event"] == "eof":
                return None

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def quit(self):
        try:
            self.command("quit")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


def wait_service(h, who, tries=50):
    """Lyre finds the upload service a moment after sign-in (the server's items)."""
    for i in range(tries):
        h.command("can-send-file %s t%d" % (who, i))
        e = h.wait(lambda e: e.get("event") == "can-send-file" and e.get("tag") == "t%d" % i,
                   timeout=30)
        if e and e["can"]:
            return True
        time.sleep(0.2)
    return False


def lyre_upload(h, to, path, size):
    """One Send File: from the command to xfer-complete."""
    ended = ("xfer-complete", "xfer-cancel", "notify", "eof", "disconnected")
    cpu0, t0 = cpu_of(h.proc.pid), time.monotonic()
    h.command("send-file %s %s" % (to, path))
    started = None
    while True:  # a stall: no start, progress (every 10 %) or end for STALL_S
        ev = h.wait(lambda e: e.get("event") in ended + ("xfer-start", "xfer-progress"),
                    timeout=STALL_S)
        if ev is None or ev["event"] in ended:
            break
        if ev["event"] == "xfer-start":
            started = ev
    if ev is None or ev["event"] != "xfer-complete" or ev.get("sent") != size:
        if ev is None:  # stalled: end it as the transfer window's Cancel would
            h.command("cancel-xfers")
            h.wait(lambda e: e.get("event") in ended, timeout=30)
        return {"failed": "Lyre: %s" % (ev or "stalled: nothing for %d s" % STALL_S)}
    wall = ev["t"] - t0
    return {"wall_s": wall, "cpu_s": cpu_of(h.proc.pid) - cpu0, "mb_s": size / MB / wall,
            "put_s": ev["t"] - started["t"] if started else None}


def curl_upload(peer, server, path, size, preexec_fn=None):
    """A fresh slot (not timed), then `curl -T` alone: from its start to its exit."""
    put, headers, _ = request_slot(peer, server.upload_host, os.path.basename(path), size)
    argv = [CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", server.ca_file,
            # A stall ends the run (as libsoup's 60 s I/O timeout ends Lyre's), not the bench.
            "--speed-limit", "1", "--speed-time", "60",
            "-T", path, "-H", "Content-Type: " + CONTENT_TYPE]
    for name, value in headers:
        argv += ["-H", "%s: %s" % (name, value)]
    argv.append(put)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=preexec_fn)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0 or not out.strip().startswith("2"):
        return {"failed": "curl: exit %d, HTTP %s %s" % (proc.returncode, out.strip(),
                                                         err.strip())}
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "mb_s": size / MB / wall}


def upload_runs(server, harness, plugin_dir, workdir, size, repeat, password, log,
                affinity=None):
    """Lyre and curl alternately, `repeat` times each, the same file to the same service.
    Returns {"lyre": [results], "curl": [results], "bytes": size, "server": kind}."""
    path = make_file(os.path.join(workdir, "upload.bin"), size)
    out = {"lyre": [], "curl": [], "bytes": size, "server": server.kind}
    home = os.path.join(workdir, "upload-home")
    os.makedirs(home, exist_ok=True)
    h = Harness(harness, plugin_dir, home, server, UPLOAD_USER, password,
                os.path.join(workdir, "upload-harness.log"), (repeat + 2) * 3 * STALL_S, affinity)
    try:
        with Peer("127.0.0.1", server.c2s_port, server.host, SLOT_USER, password,
                  server.ca_file, resource="slots", timeout=120) as peer:
            on = h.wait(lambda e: e.get("event") in ("signed-on", "disconnected"), timeout=120)
            if not on or on["event"] != "signed-on":
                raise RuntimeError("the upload harness did not sign on: %s" % on)
            to = "%s@%s" % (SLOT_USER, server.host)
            if not wait_service(h, to):
                raise RuntimeError("Lyre found no upload service on %s" % server.kind)
            for r in range(repeat):
                for who in ("lyre", "curl"):
                    if who == "lyre":
                        res = lyre_upload(h, to, path, size)
                    else:
                        try:
                            res = curl_upload(peer, server, path, size, affinity)
                        except PeerError as e:
                            res = {"failed": "curl: no slot: %s" % e}
                    forget_uploads(server)
                    out[who].append(res)
                    if "failed" in res:
                        log("upload %-4s %.0f MB: FAILED: %s" % (who, size / MB, res["failed"]))
                    else:
                        put = (", PUT alone %.2f s" % res["put_s"]) if res.get("put_s") else ""
                        log("upload %-4s %.0f MB: %.2f s (%.1f MB/s), %.2f s CPU%s"
                            % (who, size / MB, res["wall_s"], res["mb_s"], res["cpu_s"], put))
                    # Whatever the server still does with the last file is over before the next.
                    peer.ping(timeout=120)
    finally:
        h.quit()
        os.unlink(path)
    return out
