# SPDX-License-Identifier: GPL-2.0-or-later
# A private ejabberd 23.01 for the integration tests: free loopback ports, own config, spool,
# logs, Erlang node name and cookie; the same public interface as prosody.Prosody.
"""Start a private ejabberd on 127.0.0.1 for one test (stdlib only).

    with Ejabberd() as server:
        server.add_user("alice", "secret")
        ... server.c2s_port, server.direct_tls_port, server.ca_file ...

Never touches the system service: it runs `erl ... -s ejabberd` directly as the current user
(ejabberdctl would `su` to the ejabberd user) with its own ejabberd.yml, Mnesia directory and
logs under a temporary directory. No epmd runs: like ejabberdctl with ERL_DIST_PORT, the node
listens for Erlang distribution on one port of its own (-erl_epmd_port PORT -start_epmd false),
bound to 127.0.0.1, and control calls come from hidden nodes that do not listen at all
(-dist_listen false). The Erlang cookie is random, in $HOME/.erlang.cookie with HOME set to the
work directory. The c2s listeners (STARTTLS, Direct TLS) are on 127.0.0.1 only; there is no s2s.
The only HTTP listener is HTTPS on 127.0.0.1 for HTTP File Upload, with extra_modules=["upload"].
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from prosody import UPLOAD_MAX_BYTES, free_ports, make_certificates
from server_log import LogQueries

ERL = "/usr/bin/erl"
ERL_LIBS = "/usr/lib/x86_64-linux-gnu"  # where Debian puts ejabberd's own OTP applications
START_TIMEOUT = 30.0  # seconds until the c2s port must accept and the node answer
STOP_TIMEOUT = 10.0   # seconds between SIGTERM and SIGKILL
CTL_TIMEOUT = 60.0    # seconds for one control call (a hidden node doing rpc calls)
RPC_TIMEOUT_MS = 30000

# Every SASL mechanism ejabberd 23.01 knows (ejabberd_c2s:sasl_mechanisms/2 filters these).
ALL_SASL_MECHANISMS = [
    "PLAIN", "DIGEST-MD5", "X-OAUTH2", "ANONYMOUS", "EXTERNAL",
    "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS",
    "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS",
]

# The SCRAM hashes ejabberd 23.01 implements (auth_scram_hash stores one of them).
SCRAM_HASHES = ("SHA-1", "SHA-256", "SHA-512")
AUTH_SCRAM_HASH = {"SHA-1": "sha", "SHA-256": "sha256", "SHA-512": "sha512"}

# fast_tls protocol_options: TLS 1.2 at least, as Debian's ejabberd.yml; tls_protocol narrows.
TLS_OPTIONS = {
    None: ["no_sslv2", "no_sslv3", "no_tlsv1", "no_tlsv1_1"],
    "tlsv1_2": ["no_sslv2", "no_sslv3", "no_tlsv1", "no_tlsv1_1", "no_tlsv1_3"],
    "tlsv1_3": ["no_sslv2", "no_sslv3", "no_tlsv1", "no_tlsv1_1", "no_tlsv1_2"],
}

# Roughly Prosody's BASE_MODULES (prosody.py): roster (with versioning), disco, ping, version,
# time, vCard (+ XEP-0153 hashes, avatar conversion), private XML, PEP, blocking (on privacy
# lists), carbons, MAM (archiving off unless asked, like default_archive_policy = false),
# stream management with resumption, last activity, entity capabilities (PEP +notify).
BASE_MODULES = {
    "mod_roster": {"versioning": True},
    "mod_disco": {},
    "mod_ping": {},
    "mod_version": {"show_os": False},
    "mod_time": {},
    "mod_vcard": {},
    "mod_vcard_xupdate": {},
    "mod_avatar": {},
    "mod_private": {},
    "mod_pubsub": {"plugins": ["flat", "pep"], "access_createnode": "local"},
    "mod_caps": {},
    "mod_privacy": {},
    "mod_blocking": {},
    "mod_carboncopy": {},
    "mod_mam": {"default": "never"},
    "mod_stream_mgmt": {"resume_timeout": 60},
    "mod_last": {},
}

# What Prosody module names in extra_modules mean here (tests name Prosody's modules); an
# ejabberd module name ("mod_...") is taken as it is. None: ejabberd has nothing to add.
EXTRA_MODULES = {
    "offline": {"mod_offline": {}},
    "bookmarks": None,  # mod_private (always on) keeps XEP-0048's; no XEP-0402 #compat
    "register": {"mod_register": {"access": "register", "ip_access": "all",
                                  "password_strength": 0}},
    "adhoc": {"mod_adhoc": {}},
    "blocklist": {"mod_blocking": {}},
    "uptime": None,  # no such command: ejabberd's mod_adhoc offers "Ping" instead
    # Rooms at conference.<host> (mod_muc's default), created by anyone, with their archive.
    "muc": {"mod_muc": {"access": "all", "access_create": "all", "access_persistent": "all",
                        "default_room_options": {"mam": True}},
            "mod_muc_admin": {}},
    # mod_http_upload and its HTTPS listener: _write_config (they need the port and work dir).
    "upload": None,
    # mod_proxy65 (XEP-0065) at proxy.<host>: _write_config (it needs the port).
    "proxy65": None,
}


class Atom(str):
    """An Erlang atom in a control call's arguments."""


def erl_term(value):
    """Python value -> Erlang term text: str/bytes become binaries (as byte lists, so any
    content is safe), Atom an atom, tuple a tuple, list a list, int an integer."""
    if isinstance(value, Atom):
        return "'%s'" % value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return "<<%s>>" % ",".join(str(b) for b in value)
    if isinstance(value, tuple):
        return "{%s}" % ",".join(erl_term(v) for v in value)
    if isinstance(value, list):
        return "[%s]" % ",".join(erl_term(v) for v in value)
    raise TypeError("no Erlang term for %r" % (value,))


# The control node's program: reads [Node, Ops] from a term file, runs each op on the server
# node and prints one result per line (~w: no line breaks). Ops:
#   {call, M, F, A}         rpc:call(Node, M, F, A)
#   {clear_roster, U, S}    delete every roster item of U@S without notifying anybody
CTL_EVAL = r"""
{ok, [Node, Ops]} = file:consult(os:getenv("LYRE_EJABBERD_OPS")),
T = %d,
Run = fun({call, M, F, A}) -> rpc:call(Node, M, F, A, T);
         ({clear_roster, U, S}) ->
              case rpc:call(Node, mod_roster, get_roster, [U, S], T) of
                  Items when is_list(Items) ->
                      [rpc:call(Node, mod_roster, del_roster, [U, S, element(4, I)], T)
                       || I <- Items],
                      ok;
                  Other -> Other
              end
      end,
lists:foreach(fun(Op) -> io:format("~w~n", [Run(Op)]) end, Ops),
halt(0).
""" % RPC_TIMEOUT_MS


# Run by the server node itself once ejabberd has started (-s ejabberd, then -eval):
# 1. ejabberd.log written at once and complete. OTP's logger_std_h buffers its writes
#    (delayed_write) and drops events past 500 a second (burst limit) or 1000 queued, which a
#    few sign-ins exceed with stanza logging. Re-added with ejabberd's own formatter, writing
#    each event as it comes, synchronously: once a client has an answer, every line the
#    server logged before sending it is in the file.
# 2. With LYRE_EJABBERD_STANZAS=1, every chunk of XML received and sent in the log: the xmpp
#    library's debug switch, which loglevel debug also turns on, with every hook run besides.
# 3. A watchdog: the node halts once the process that started it (LYRE_EJABBERD_PARENT) is
#    gone, so that a test killed on a timeout leaves no server behind.
# 4. The file LYRE_EJABBERD_READY, which start() waits for.
SERVER_EVAL = r"""
{ok, #{config := C} = HC} = logger:get_handler_config(ejabberd_log),
ok = logger:remove_handler(ejabberd_log),
ok = logger:add_handler(ejabberd_log, logger_std_h,
                        (maps:with([level, formatter, filters, filter_default], HC))#{
                            config => C#{modes => [raw, append, {delayed_write, 1, 1}],
                                         burst_limit_enable => false,
                                         sync_mode_qlen => 0,
                                         drop_mode_qlen => 1000000,
                                         flush_qlen => 2000000}}),
case os:getenv("LYRE_EJABBERD_STANZAS") of
    "1" -> ok = xmpp:set_config([{debug, true}]);
    _ -> ok
end,
Parent = "/proc/" ++ os:getenv("LYRE_EJABBERD_PARENT"),
spawn(fun() ->
          Watch = fun W(N) when N > 0 ->
                          timer:sleep(1000),
                          case file:read_file_info(Parent) of
                              {ok, _} -> W(N - 1);
                              _ -> erlang:halt(0)
                          end
                  end,
                  Watch(100000000)
      end),
ok = file:write_file(os:getenv("LYRE_EJABBERD_READY"), <<"ready">>).
"""


class Ejabberd(LogQueries):
    """A private ejabberd. Options (the same as prosody.Prosody's where they exist):

    host: the virtual host (default example.test)
    tls: False gives a server with no certificate at all (no STARTTLS, no Direct TLS, PLAIN
         allowed on the unencrypted stream: ejabberd offers it there)
    require_encryption: starttls_required on the c2s listener (ignored when tls is False)
    cert_name: the name the server certificate is issued for (default: host)
    tls_protocol: None (TLS 1.2 and 1.3), "tlsv1_2" or "tlsv1_3" (only that version)
    scram_hash: "SHA-1" (default), "SHA-256" or "SHA-512": the one SCRAM hash stored
         (auth_scram_hash), so the only SCRAM-SHA-* (and -PLUS) offered with the default
         auth_password_format
    sasl_mechanisms: the SASL mechanisms offered, at most (the rest go to
         disable_sasl_mechanisms); ejabberd further offers only the SCRAM hashes its password
         storage can serve and -PLUS only on encrypted streams
    auth_password_format: "scram" (default, as Debian's ejabberd.yml) or "plain" (then every
         SCRAM hash can be offered)
    roster_readonly: accounts (local parts) whose roster changes the server refuses with
         not-allowed (mod_roster's access rule), for tests of a refused roster set
    loglevel: "info" (default) or "debug" (every hook run too: a lot, for debugging)
    log_stanzas: the XML every c2s stream receives and sends in the log (default: True)
    extra_modules: more modules, Prosody's names (EXTRA_MODULES) or ejabberd's ("mod_..."); with
         "upload", HTTP File Upload at upload.<host>, files PUT and GET on
         https://localhost:<https_port>/upload/; with "proxy65", a SOCKS5 bytestreams proxy at
         proxy.<host> on 127.0.0.1:<proxy_port>
    proxy65_host: another name for that proxy (one that is not under host is not among the
         server's items: only a client told its name finds it)
    upload_max_bytes: the upload service's largest file (default prosody.UPLOAD_MAX_BYTES)
    extra_config: a dict of top-level ejabberd.yml options (merged last)
    workdir: where to put everything (default: a new temporary directory, removed on cleanup)
    """

    kind = "ejabberd"
    SCRAM_HASHES = SCRAM_HASHES
    # Log lines (server_log.LogQueries), at info level: "(tls|<0.614.0>) Accepted c2s
    # SCRAM-SHA-1 authentication for alice@example.test by mnesia backend from 127.0.0.1",
    # "Opened c2s session for alice@example.test/harness"; with log_stanzas (notice level)
    # every chunk of XML received or sent, as an Erlang binary on one line:
    # (tls|<0.614.0>) Received XML on stream = <<"<presence/>">>
    AUTH_RE = r"Accepted c2s (?P<mech>\S+) authentication for {jid} by "
    BOUND_RE = r"Opened c2s session for {jid}$"
    DELIVERED_RE = r"Send XML on stream = <<\"[^\n]*\bid='{id}'"
    CLIENT_SENT_RE = r"Received XML on stream = <<\"[^\n]*{fragment}"

    def __init__(self, host="example.test", tls=True, require_encryption=True, cert_name=None,
                 tls_protocol=None, scram_hash="SHA-1", sasl_mechanisms=None,
                 auth_password_format="scram", roster_readonly=(), loglevel="info",
                 log_stanzas=True, extra_modules=(), upload_max_bytes=None, extra_config=None,
                 workdir=None, proxy65_host=None):
        if tls_protocol not in TLS_OPTIONS:
            raise ValueError("tls_protocol must be one of %s" % sorted(map(str, TLS_OPTIONS)))
        if scram_hash not in AUTH_SCRAM_HASH:
            raise ValueError("ejabberd has no SCRAM-%s" % scram_hash)
        self.host = host
        self.muc_host = "conference." + host  # mod_muc's, with extra_modules=["muc"]
        self.tls = tls
        self.require_encryption = require_encryption
        self.cert_name = cert_name or host
        self.tls_protocol = tls_protocol
        self.sasl_mechanisms = list(sasl_mechanisms) if sasl_mechanisms is not None else None
        self.auth_password_format = auth_password_format
        self.roster_readonly = list(roster_readonly)
        self.scram_hash = scram_hash
        self.loglevel = loglevel
        self.log_stanzas = log_stanzas
        self.extra_modules = list(extra_modules)
        # The upload service with extra_modules=["upload"] (XEP-0363), else None: the same name
        # as Prosody's (mod_http_upload's default too).
        self.upload_host = "upload." + host if "upload" in self.extra_modules else None
        if self.upload_host and not tls:
            raise ValueError("the upload service is HTTPS only: it needs tls")
        self.upload_max_bytes = upload_max_bytes or UPLOAD_MAX_BYTES
        # The bytestreams proxy with extra_modules=["proxy65"], else None: Prosody's names.
        self.proxy_host = ((proxy65_host or "proxy." + host) if "proxy65" in self.extra_modules
                           else None)
        self.extra_config = dict(extra_config or {})
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="lyre-ejabberd-")
        os.makedirs(self.workdir, exist_ok=True)
        self.spool = os.path.join(self.workdir, "spool")
        self.log_dir = os.path.join(self.workdir, "logs")
        self.config_file = os.path.join(self.workdir, "ejabberd.yml")
        self.log_file = os.path.join(self.log_dir, "ejabberd.log")
        self.stdout_file = os.path.join(self.workdir, "stdout.log")
        self.ready_file = os.path.join(self.workdir, "ready")
        self.ca_file = self.cert_file = self.key_file = None
        (self.c2s_port, self.direct_tls_port, self.dist_port, self.https_port,
         self.proxy_port) = free_ports(5)
        if not tls:
            self.direct_tls_port = None
        if not self.upload_host:
            self.https_port = None
        if not self.proxy_host:
            self.proxy_port = None
        self.node = "lyre-%s@localhost" % secrets.token_hex(6)
        self.proc = None
        self._ctl_count = 0
        for d in (self.spool, self.log_dir):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o700)
        cookie = os.path.join(self.workdir, ".erlang.cookie")
        with open(cookie, "w") as f:
            f.write(secrets.token_hex(20))
        os.chmod(cookie, 0o400)
        self._write_config()

    # -- configuration -----------------------------------------------------------------------
    def _modules(self):
        modules = {name: dict(opts) for name, opts in BASE_MODULES.items()}
        for name in self.extra_modules:
            if name.startswith("mod_"):
                modules.setdefault(name, {})
                continue
            if name not in EXTRA_MODULES:
                raise ValueError("no ejabberd equivalent known for module %r" % name)
            for mod, opts in (EXTRA_MODULES[name] or {}).items():
                modules[mod] = dict(opts)
        return modules

    def _write_config(self):
        # As Debian's ejabberd.yml (and Prosody's default limit): 256 KiB from a client.
        listen_common = {"ip": "127.0.0.1", "module": "ejabberd_c2s", "access": "c2s",
                         "max_stanza_size": 262144}
        config = {
            "hosts": [self.host],
            "loglevel": self.loglevel,
            "hide_sensitive_log_data": False,
            "auth_method": ["internal"],
            "auth_password_format": self.auth_password_format,
            "auth_scram_hash": AUTH_SCRAM_HASH[self.scram_hash],
            "s2s_access": "none",
            "registration_timeout": "infinity",
            "acl": {"local": {"user_regexp": ""}},
            "access_rules": {"local": {"allow": "local"}, "c2s": {"allow": "all"},
                             "register": {"allow": "all"}},
            "shaper_rules": {},
            "modules": self._modules(),
        }
        if self.roster_readonly:
            config["acl"]["roster_readonly"] = {"user": self.roster_readonly}
            config["access_rules"]["roster"] = [{"deny": "roster_readonly"}, {"allow": "all"}]
            config["modules"]["mod_roster"]["access"] = "roster"
        disabled = ["DIGEST-MD5", "X-OAUTH2"]
        if self.sasl_mechanisms is not None:
            disabled = [m for m in ALL_SASL_MECHANISMS if m not in self.sasl_mechanisms]
        config["disable_sasl_mechanisms"] = disabled
        starttls = dict(listen_common, port=self.c2s_port)
        listeners = [starttls]
        if self.tls:
            # The upload URLs name localhost: the certificate names it too (only then, so
            # that the other tests' certificates name nothing but cert_name).
            self.ca_file, self.cert_file, self.key_file = make_certificates(
                self.workdir, self.cert_name,
                ("localhost", "127.0.0.1") if self.upload_host else ())
            protocol = TLS_OPTIONS[self.tls_protocol]
            config["certfiles"] = [self.cert_file, self.key_file]
            config["ca_file"] = self.ca_file
            config["c2s_protocol_options"] = protocol
            starttls.update({"starttls": True, "starttls_required": bool(self.require_encryption),
                             "protocol_options": protocol})
            listeners.append(dict(listen_common, port=self.direct_tls_port, tls=True,
                                  protocol_options=protocol))
        else:
            starttls.update({"starttls": False, "starttls_required": False})
        if self.upload_host:
            # XEP-0363 by any local user (access rule local), over HTTPS only on 127.0.0.1; the
            # slots' URLs name localhost, which resolves without DNS. Files in the work dir.
            url = "https://localhost:%d/upload" % self.https_port
            config["modules"]["mod_http_upload"] = {
                "hosts": [self.upload_host], "access": "local", "max_size": self.upload_max_bytes,
                "docroot": os.path.join(self.workdir, "upload"), "put_url": url, "get_url": url}
            listeners.append({"ip": "127.0.0.1", "port": self.https_port,
                              "module": "ejabberd_http", "tls": True,
                              "protocol_options": TLS_OPTIONS[self.tls_protocol],
                              "request_handlers": {"/upload": "mod_http_upload"}})
        if self.proxy_host:
            # Its own listener on loopback, told to clients as 127.0.0.1.
            config["modules"]["mod_proxy65"] = {
                "host": self.proxy_host, "ip": "127.0.0.1", "port": self.proxy_port,
                "hostname": "127.0.0.1", "access": "all"}
        config["listen"] = listeners
        config.update(self.extra_config)
        # YAML is a superset of JSON: JSON needs no YAML writer and quotes every string.
        with open(self.config_file, "w") as f:
            f.write("# generated by tests/integration/ejabberd.py\n")
            json.dump(config, f, indent=2)
            f.write("\n")

    def _env(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.workdir,  # .erlang.cookie: this instance's random cookie
            "ERL_LIBS": ERL_LIBS,
            "EJABBERD_CONFIG_PATH": self.config_file,
            "EJABBERD_LOG_PATH": self.log_file,
            "ERL_CRASH_DUMP": os.path.join(self.log_dir, "erl_crash.dump"),
        })
        for name in ("ERL_AFLAGS", "ERL_FLAGS", "ERL_ZFLAGS", "ERL_EPMD_ADDRESS",
                     "ERL_EPMD_PORT", "ERL_INETRC"):
            env.pop(name, None)
        return env

    def _dist_args(self):
        """No epmd: this node's distribution port is fixed and known to the control nodes."""
        return ["-erl_epmd_port", str(self.dist_port), "-start_epmd", "false"]

    def server_argv(self):
        return ([ERL, "-sname", self.node, "-noinput", "+K", "true", "+P", "250000",
                 # Every application is stopped within a few tens of milliseconds of SIGTERM,
                 # then init would idle for a second: stop waiting after half a second.
                 "-shutdown_time", "500"]
                + self._dist_args()
                + ["-kernel", "inet_dist_use_interface", "{127,0,0,1}",
                   "-mnesia", "dir", '"%s"' % self.spool,
                   # ejabberd needs os_mon started, not its port programs (faster, fewer
                   # processes).
                   "-os_mon", "start_memsup", "false", "start_cpu_sup", "false",
                   "start_disksup", "false", "start_os_sup", "false",
                   # The log in ejabberd.log only (console: critical), never rotated.
                   "-ejabberd", "log_rotate_size", "infinity", "log_rotate_count", "0",
                   "quiet", "true",
                   "-s", "ejabberd", "-eval", SERVER_EVAL])

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self):
        env = self._env()
        env["LYRE_EJABBERD_READY"] = self.ready_file
        env["LYRE_EJABBERD_STANZAS"] = "1" if self.log_stanzas else "0"
        env["LYRE_EJABBERD_PARENT"] = str(os.getpid())
        out = open(self.stdout_file, "ab")
        try:
            self.proc = subprocess.Popen(self.server_argv(), stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=out, cwd=self.spool,
                                         env=env, start_new_session=True)
        finally:
            out.close()
        deadline = time.monotonic() + START_TIMEOUT
        for _ in range(int(START_TIMEOUT / 0.05) + 1):
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.stop()
                raise RuntimeError("ejabberd exited with %s:\n%s" % (code, self.log_text()))
            # SERVER_EVAL runs once ejabberd has started, listeners included.
            if os.path.exists(self.ready_file) and self._port_open(self.c2s_port):
                return self
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("ejabberd did not listen on %d within %ss:\n%s"
                           % (self.c2s_port, START_TIMEOUT, self.log_text()))

    @staticmethod
    def _port_open(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()  # beam handles SIGTERM with init:stop(): a clean shutdown
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT)
        # Whatever else runs in the session we started (erl_child_setup, port programs).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def cleanup(self):
        self.stop()
        if self._own_workdir and not os.environ.get("LYRE_KEEP_EJABBERD"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
        return False

    # -- control -----------------------------------------------------------------------------
    def ctl(self, ops):
        """Run ops (see CTL_EVAL) on the node from a hidden control node; their results as
        text, one per op (~w format)."""
        self._ctl_count += 1
        ops_file = os.path.join(self.workdir, "ctl-%d.erl" % self._ctl_count)
        with open(ops_file, "w") as f:
            f.write("%s.\n%s.\n" % (erl_term(Atom(self.node)), erl_term(ops)))
        env = self._env()
        env["LYRE_EJABBERD_OPS"] = ops_file
        env["ERL_CRASH_DUMP_SECONDS"] = "0"  # a failed control call writes no crash dump
        name = "ctl%d-%s@localhost" % (self._ctl_count, secrets.token_hex(4))
        argv = ([ERL, "-sname", name, "-hidden", "-noinput", "-noshell", "-dist_listen", "false"]
                + self._dist_args() + ["-eval", CTL_EVAL])
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env, cwd=self.workdir,
                                  timeout=CTL_TIMEOUT, text=True, start_new_session=True)
        finally:
            os.unlink(ops_file)
        lines = proc.stdout.splitlines()
        if proc.returncode != 0 or len(lines) != len(ops):
            raise RuntimeError("ejabberd control call failed (rc %s):\n%s"
                               % (proc.returncode, proc.stdout))
        return lines

    def _expect(self, ops, want):
        results = self.ctl(ops)
        bad = [(op, r) for op, r in zip(ops, results) if r not in want]
        if bad:
            raise RuntimeError("ejabberd control call failed: %s" % bad[:3])
        return results

    # -- accounts ----------------------------------------------------------------------------
    def add_user(self, name, password):
        self._expect([(Atom("call"), Atom("ejabberd_auth"), Atom("try_register"),
                       [name, self.host, password])], ("ok",))
        return "%s@%s" % (name, self.host)

    def write_roster(self, user, contacts):
        """Replace user's roster: contacts is a list of (bare jid, name, subscription), each
        in the group Friends (as prosody.Prosody.write_roster). Written with mod_roster's own
        set_roster (Mnesia), so the roster version changes too; nobody is notified."""
        ops = [(Atom("clear_roster"), user, self.host)]
        for jid, name, subscription in contacts:
            local, _, domain = jid.partition("@")
            ljid = (local, domain, "")
            record = (Atom("roster"), (user, self.host, ljid), (user, self.host), ljid,
                      name or "", Atom(subscription), Atom("none"), ["Friends"], "", [])
            ops.append((Atom("call"), Atom("mod_roster"), Atom("set_roster"), [record]))
        self._expect(ops, ("ok", "{atomic,ok}"))

    def make_mutual_roster(self, user_a, user_b):
        """Make user_a and user_b (local parts) each other's contacts with subscription both."""
        self.write_roster(user_a, [("%s@%s" % (user_b, self.host), user_b.capitalize(), "both")])
        self.write_roster(user_b, [("%s@%s" % (user_a, self.host), user_a.capitalize(), "both")])

    # -- debugging ---------------------------------------------------------------------------
    def log_offset(self):
        """A mark for log_text(since=...): the current size of the server log."""
        try:
            return os.path.getsize(self.log_file)
        except OSError:
            return 0

    def log_text(self, since=None):
        """The server's stdout and logs; with since, only ejabberd.log after that mark."""
        if since is not None:
            try:
                with open(self.log_file, "rb") as f:
                    f.seek(since)
                    return f.read().decode("utf-8", "replace")
            except OSError:
                return ""
        parts = []
        for path in (self.stdout_file, self.log_file,
                     os.path.join(self.log_dir, "error.log"),
                     os.path.join(self.log_dir, "crash.log")):
            try:
                with open(path, errors="replace") as f:
                    parts.append(f.read())
            except OSError:
                pass
        return "\n".join(parts)


if __name__ == "__main__":
    import sys
    with Ejabberd(loglevel=sys.argv[1] if len(sys.argv) > 1 else "debug") as e:
        t = time.monotonic()
        e.add_user("alice", "alicepw")
        e.add_user("bob", "bobpw")
        e.make_mutual_roster("alice", "bob")
        print("users+roster %.2fs" % (time.monotonic() - t))
        print("node", e.node, "c2s", e.c2s_port, "direct tls", e.direct_tls_port,
              "dist", e.dist_port, "ca", e.ca_file)
        if os.environ.get("LYRE_EJABBERD_HOLD"):
            time.sleep(float(os.environ["LYRE_EJABBERD_HOLD"]))
