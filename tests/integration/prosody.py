# SPDX-License-Identifier: GPL-2.0-or-later
# A private Prosody 0.12 for the integration tests: free loopback ports, own config and certs.
"""Start a private Prosody on 127.0.0.1 for one test (stdlib only).

    with Prosody() as server:
        server.add_user("alice", "secret")
        ... server.c2s_port, server.direct_tls_port, server.ca_file ...

Never touches the system service: it runs `prosody --config FILE -F` in the foreground with its
own data dir, pid file and logs under a temporary directory, on ports chosen at run time.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from server_log import LogQueries

PROSODY = "/usr/bin/prosody"
PROSODYCTL = "/usr/bin/prosodyctl"
CERTTOOL = "/usr/bin/certtool"
START_TIMEOUT = 20.0  # seconds until the c2s port must accept connections
STOP_TIMEOUT = 10.0   # seconds between SIGTERM and SIGKILL

BASE_MODULES = [
    "roster", "saslauth", "disco", "ping", "presence", "posix", "version", "time",
    "vcard4", "vcard_legacy", "private", "pep", "blocklist", "carbons", "mam", "smacks",
]


def free_ports(count):
    """Return `count` distinct free TCP ports on 127.0.0.1 (bind port 0, read, close)."""
    socks, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def escape_host(host):
    """Prosody's internal storage escapes non-alphanumerics as %xx (example.test -> example%2etest)."""
    return "".join(c if c.isalnum() else "%%%02x" % ord(c) for c in host)


def lua_str(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _certtool(args, template=None, cwd=None):
    cmd = [CERTTOOL] + args
    if template is not None:
        cmd += ["--template", template]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   cwd=cwd, timeout=60)


def make_certificates(directory, cert_name, extra_names=()):
    """Create a small CA and a server certificate for `cert_name`; return (ca, cert, key) paths.

    extra_names: more subject alternative names after cert_name (an IPv4 address as
    ip_address), e.g. ("localhost", "127.0.0.1") for the HTTPS upload service's URLs.
    """
    ca_key = os.path.join(directory, "ca-key.pem")
    ca_cert = os.path.join(directory, "ca.pem")
    key = os.path.join(directory, "server-key.pem")
    cert = os.path.join(directory, "server.pem")
    ca_tmpl = os.path.join(directory, "ca.tmpl")
    srv_tmpl = os.path.join(directory, "server.tmpl")
    with open(ca_tmpl, "w") as f:
        f.write('cn = "Lyre Test CA"\nca\ncert_signing_key\nexpiration_days = 30\n')
    sans = "".join('%s = "%s"\n' % ("ip_address" if re.fullmatch(r"[\d.]+", n) else "dns_name", n)
                   for n in extra_names)
    with open(srv_tmpl, "w") as f:
        f.write('cn = "%s"\ndns_name = "%s"\n%stls_www_server\nencryption_key\nsigning_key\n'
                'expiration_days = 30\n' % (cert_name, cert_name, sans))
    _certtool(["--generate-privkey", "--key-type=rsa", "--bits=2048", "--outfile", ca_key])
    _certtool(["--generate-self-signed", "--load-privkey", ca_key, "--outfile", ca_cert], ca_tmpl)
    _certtool(["--generate-privkey", "--key-type=rsa", "--bits=2048", "--outfile", key])
    _certtool(["--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca_cert,
               "--load-ca-privkey", ca_key, "--outfile", cert], srv_tmpl)
    return ca_cert, cert, key


def cert_sha256(cert_file):
    """SHA-256 fingerprint of a PEM certificate's DER as "AB:CD:..." (the form Lyre shows)."""
    import base64
    import hashlib
    with open(cert_file) as f:
        text = f.read()
    body = text.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END CERTIFICATE-----", 1)[0]
    digest = hashlib.sha256(base64.b64decode("".join(body.split()))).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


# Prosody 0.12's mod_auth_internal_hashed stores one SCRAM hash (password_hash) and its SASL
# library has SHA-1 and SHA-256 only; these are every mechanism it may offer.
SCRAM_HASHES = ("SHA-1", "SHA-256")
# The upload service's default size limit (extra_modules=["upload"]): a 200 MB file fits.
UPLOAD_MAX_BYTES = 300 * 1024 * 1024

SASL_MECHANISMS = ["PLAIN", "LOGIN", "DIGEST-MD5", "ANONYMOUS", "EXTERNAL", "OAUTHBEARER",
                   "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"]


class Prosody(LogQueries):
    """A private Prosody. Options:

    host: the virtual host (default example.test)
    tls: False gives a server with no certificate at all (no STARTTLS, no Direct TLS,
         c2s_require_encryption = false, allow_unencrypted_plain_auth = true)
    require_encryption: c2s_require_encryption (ignored when tls is False)
    cert_name: the name the server certificate is issued for (default: host)
    tls_protocol: e.g. "tlsv1_2" or "tlsv1_3" to force the protocol (channel binding tests)
    scram_hash: "SHA-1" (default) or "SHA-256": the SCRAM hash stored and offered (password_hash)
    sasl_mechanisms: the SASL mechanisms offered, at most (the rest are disabled)
    extra_modules: more modules_enabled ("muc": a room service at rooms.<host>; "upload": HTTP
         File Upload at upload.<host>, files PUT and GET on https://localhost:<https_port>/;
         "proxy65": a SOCKS5 bytestreams proxy (XEP-0065) at proxy.<host>, on
         127.0.0.1:<proxy_port>)
    proxy65_host: another name for that proxy (one that is not under host is not among the
         server's items: only a client told its name finds it)
    upload_max_bytes: the upload service's largest file (default UPLOAD_MAX_BYTES)
    extra_config: raw Lua appended to the global section
    workdir: where to put everything (default: a new temporary directory, removed on stop)
    """

    kind = "prosody"
    SCRAM_HASHES = SCRAM_HASHES
    # Log lines (server_log.LogQueries): "Authenticated as alice@example.test" (info),
    # "Resource bound: alice@example.test/harness", every stanza's start tag at debug level.
    AUTH_RE = r"^\S+ \S+ \S+ (?P<session>\S+)\s+info\s+Authenticated as {jid}$"
    BOUND_RE = r"Resource bound: {jid}$"
    DELIVERED_RE = r"Sending\[c2s\]: <[^>\n]*\bid='{id}'"
    CLIENT_SENT_RE = r"Received\[c2s[^\]]*\]: [^\n]*{fragment}"

    def __init__(self, host="example.test", tls=True, require_encryption=True, cert_name=None,
                 tls_protocol=None, scram_hash=None, sasl_mechanisms=None, extra_modules=(),
                 upload_max_bytes=None, extra_config="", workdir=None,
                 proxy65_host=None):
        if scram_hash is not None and scram_hash not in SCRAM_HASHES:
            raise ValueError("Prosody 0.12 has no SCRAM-%s (only %s)"
                             % (scram_hash, ", ".join(SCRAM_HASHES)))
        self.host = host
        self.tls = tls
        self.require_encryption = require_encryption
        self.cert_name = cert_name or host
        self.tls_protocol = tls_protocol
        self.scram_hash = scram_hash
        self.sasl_mechanisms = list(sasl_mechanisms) if sasl_mechanisms is not None else None
        self.extra_modules = list(extra_modules)
        # The room service with extra_modules=["muc"]: not the conference.<host> a client would
        # guess, so that finding it by disco (XEP-0045 §6.1) is what the tests see.
        self.muc_host = "rooms." + host
        # The upload service with extra_modules=["upload"] (XEP-0363), else None.
        self.upload_host = "upload." + host if "upload" in self.extra_modules else None
        if self.upload_host and not tls:
            raise ValueError("the upload service is HTTPS only: it needs tls")
        self.upload_max_bytes = upload_max_bytes or UPLOAD_MAX_BYTES
        # The bytestreams proxy with extra_modules=["proxy65"], else None.
        self.proxy_host = ((proxy65_host or "proxy." + host) if "proxy65" in self.extra_modules
                           else None)
        self.extra_config = extra_config
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="lyre-prosody-")
        os.makedirs(self.workdir, exist_ok=True)
        self.data_path = os.path.join(self.workdir, "data")
        self.config_file = os.path.join(self.workdir, "prosody.cfg.lua")
        self.pid_file = os.path.join(self.workdir, "prosody.pid")
        self.log_file = os.path.join(self.workdir, "prosody.log")
        self.stdout_file = os.path.join(self.workdir, "stdout.log")
        self.ca_file = self.cert_file = self.key_file = None
        (self.c2s_port, self.direct_tls_port, self.https_port,
         self.proxy_port) = free_ports(4)
        if not tls:
            self.direct_tls_port = None
        if not self.upload_host:
            self.https_port = None
        if not self.proxy_host:
            self.proxy_port = None
        self.proc = None
        self._write_config()

    # -- configuration -----------------------------------------------------------------------
    def _write_config(self):
        os.makedirs(self.data_path, exist_ok=True)
        os.makedirs(os.path.join(self.workdir, "no-certs"), exist_ok=True)
        os.chmod(self.data_path, 0o750)
        # "muc", "upload" and "proxy65" are not modules of the host but components beside it
        # (below).
        modules = list(BASE_MODULES) + [m for m in self.extra_modules
                                        if m not in ("muc", "upload", "proxy65")]
        lines = [
            "-- generated by tests/integration/prosody.py",
            "run_as_root = true",
            "daemonize = false",
            "pidfile = %s" % lua_str(self.pid_file),
            "data_path = %s" % lua_str(self.data_path),
            "plugin_paths = { }",
            "log = { debug = %s }" % lua_str(self.log_file),
            'interfaces = { "127.0.0.1" }',
            'local_interfaces = { "127.0.0.1" }',
            "c2s_interfaces = { \"127.0.0.1\" }",
            "c2s_ports = { %d }" % self.c2s_port,
            "s2s_ports = { }",
            "component_ports = { }",
            "http_ports = { }",
            # extra_modules=["upload"]: HTTPS on 127.0.0.1 (below); never plain HTTP.
            "https_ports = { %s }" % self.https_port if self.https_port else "https_ports = { }",
            'modules_disabled = { "s2s", "dialback", "s2s_auth_certs", "s2s_bidi" }',
            'authentication = "internal_hashed"',
            'storage = "internal"',
            "allow_registration = false",
            "default_archive_policy = false",
            "smacks_hibernation_time = 60",
            "certificates = %s" % lua_str(os.path.join(self.workdir, "no-certs")),
        ]
        if self.scram_hash:
            lines.append("password_hash = %s" % lua_str(self.scram_hash))
        if self.sasl_mechanisms is not None:
            lines.append("disable_sasl_mechanisms = { %s }" % ", ".join(
                lua_str(m) for m in SASL_MECHANISMS if m not in self.sasl_mechanisms))
        ssl = ""
        if self.tls:
            # The upload URLs name localhost: the certificate names it too (only then, so
            # that the other tests' certificates name nothing but cert_name).
            self.ca_file, self.cert_file, self.key_file = make_certificates(
                self.workdir, self.cert_name,
                ("localhost", "127.0.0.1") if self.upload_host else ())
            modules.append("tls")
            proto = ""
            if self.tls_protocol:
                proto = " protocol = %s;" % lua_str(self.tls_protocol)
            ssl = "ssl = { certificate = %s; key = %s;%s }" % (
                lua_str(self.cert_file), lua_str(self.key_file), proto)
            lines += [
                "c2s_direct_tls_ports = { %d }" % self.direct_tls_port,
                "c2s_require_encryption = %s" % ("true" if self.require_encryption else "false"),
                "allow_unencrypted_plain_auth = false",
                ssl,
                "c2s_direct_tls_ssl = { certificate = %s; key = %s;%s }" % (
                    lua_str(self.cert_file), lua_str(self.key_file), proto),
            ]
        else:
            lines += [
                "c2s_require_encryption = false",
                "allow_unencrypted_plain_auth = true",
            ]
        if self.upload_host:
            # The upload service's HTTPS listener, with the c2s certificate.
            lines += ['https_interfaces = { "127.0.0.1" }',
                      "https_ssl = { certificate = %s; key = %s }" % (
                          lua_str(self.cert_file), lua_str(self.key_file))]
        if self.proxy_host:
            # Its listener is a network service: global, on loopback.
            lines += ["proxy65_ports = { %d }" % self.proxy_port,
                      'proxy65_interfaces = { "127.0.0.1" }']
        lines.append("modules_enabled = { %s }" % ", ".join(lua_str(m) for m in modules))
        if self.extra_config:
            lines.append(self.extra_config)
        lines.append("VirtualHost %s" % lua_str(self.host))
        if ssl:
            lines.append("  " + ssl)
        if "muc" in self.extra_modules:
            # Rooms with their archive (XEP-0313 in rooms), created by any local user.
            lines += ["Component %s %s" % (lua_str(self.muc_host), lua_str("muc")),
                      '  modules_enabled = { "muc_mam" }',
                      "  restrict_room_creation = false",
                      # Listed in the room list, as ejabberd's new rooms are (Prosody's own
                      # default keeps them hidden).
                      "  muc_room_default_public = true"]
        if self.upload_host:
            # XEP-0363 by any local user, over HTTPS only (http_ports stays empty) on 127.0.0.1;
            # the slots' URLs name localhost, which resolves without DNS, and requests for
            # localhost go to this component (http_host). Files in data_path, as everything.
            lines += ["Component %s %s" % (lua_str(self.upload_host), lua_str("http_file_share")),
                      "  http_host = %s" % lua_str("localhost"),
                      "  http_external_url = %s" % lua_str("https://localhost:%d/"
                                                           % self.https_port),
                      "  http_file_share_size_limit = %d" % self.upload_max_bytes]
        if self.proxy_host:
            # XEP-0065 §6 for local users, telling them its address is 127.0.0.1.
            lines += ["Component %s %s" % (lua_str(self.proxy_host), lua_str("proxy65")),
                      "  proxy65_address = %s" % lua_str("127.0.0.1")]
        with open(self.config_file, "w") as f:
            f.write("\n".join(lines) + "\n")

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self):
        out = open(self.stdout_file, "ab")
        try:
            self.proc = subprocess.Popen([PROSODY, "--config", self.config_file, "-F"],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                         cwd=self.workdir, start_new_session=True)
        finally:
            out.close()
        deadline = time.monotonic() + START_TIMEOUT
        for _ in range(int(START_TIMEOUT / 0.05) + 1):
            if self.proc.poll() is not None:
                raise RuntimeError("prosody exited with %s:\n%s" % (self.proc.returncode,
                                                                    self.log_text()))
            if self._port_open(self.c2s_port):
                return self
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("prosody did not listen on %d within %ss:\n%s"
                           % (self.c2s_port, START_TIMEOUT, self.log_text()))

    @staticmethod
    def _port_open(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None

    def cleanup(self):
        self.stop()
        if self._own_workdir and not os.environ.get("LYRE_KEEP_PROSODY"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
        return False

    # -- accounts ----------------------------------------------------------------------------
    def add_user(self, name, password):
        subprocess.run([PROSODYCTL, "--config", self.config_file, "register", name, self.host,
                        password], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
        return "%s@%s" % (name, self.host)

    def _roster_file(self, user):
        directory = os.path.join(self.data_path, escape_host(self.host), "roster")
        os.makedirs(directory, exist_ok=True)
        return os.path.join(directory, escape_host(user) + ".dat")

    def write_roster(self, user, contacts):
        """Write user's roster: contacts is a list of (bare jid, name, subscription).

        Same format mod_storage_internal writes (checked against a roster slixmpp created):
        a Lua table with a [false] metadata entry and one entry per contact JID. The user
        must be offline: Prosody reads the file at login.
        """
        out = ["return {", "\t[false] = {", '\t\t["version"] = 1;', '\t\t["pending"] = {};',
               "\t};"]
        for jid, name, subscription in contacts:
            out += ["\t[%s] = {" % lua_str(jid), '\t\t["groups"] = {', '\t\t\t["Friends"] = true;',
                    "\t\t};", '\t\t["subscription"] = %s;' % lua_str(subscription)]
            if name:
                out.append('\t\t["name"] = %s;' % lua_str(name))
            out.append("\t};")
        out.append("};")
        with open(self._roster_file(user), "w") as f:
            f.write("\n".join(out) + "\n")

    def make_mutual_roster(self, user_a, user_b):
        """Make user_a and user_b (local parts) each other's contacts with subscription both."""
        self.write_roster(user_a, [("%s@%s" % (user_b, self.host), user_b.capitalize(), "both")])
        self.write_roster(user_b, [("%s@%s" % (user_a, self.host), user_a.capitalize(), "both")])

    # -- debugging ---------------------------------------------------------------------------
    def _mechanism_of(self, match, since):
        """Prosody names the mechanism only in the <auth/> it received, on the same session."""
        auth = re.compile(r"^\S+ \S+ \S+ %s\s+debug\s+Received\[c2s_unauthed\]: <auth "
                          r"[^>\n]*mechanism='(?P<mech>[^']+)'" % re.escape(match.group("session")),
                          re.MULTILINE)
        found = list(auth.finditer(match.string, 0, match.start()))
        return found[-1].group("mech") if found else None

    def log_offset(self):
        """A mark for log_text(since=...): the current size of the server log."""
        try:
            return os.path.getsize(self.log_file)
        except OSError:
            return 0

    def log_text(self, since=None):
        """The server's stdout and debug log; with since, only the debug log after that mark."""
        if since is not None:
            try:
                with open(self.log_file, "rb") as f:
                    f.seek(since)
                    return f.read().decode("utf-8", "replace")
            except OSError:
                return ""
        parts = []
        for path in (self.stdout_file, self.log_file):
            try:
                with open(path, errors="replace") as f:
                    parts.append(f.read())
            except OSError:
                pass
        return "\n".join(parts)


if __name__ == "__main__":
    with Prosody() as p:
        p.add_user("alice", "alicepw")
        print("c2s", p.c2s_port, "direct tls", p.direct_tls_port, "ca", p.ca_file)
