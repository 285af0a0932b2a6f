# SPDX-License-Identifier: GPL-2.0-or-later
# Prepares a private libpurple home (accounts.xml, plugins/, cached certificates) for Finch.
"""accounts.xml is libpurple 2's format (account.c, checked against the file libpurple writes):

<account version='1.0'><account>
  <protocol>prpl-jabber</protocol><name>alice@example.test/finch</name><password>pw</password>
  <settings><setting name='port' type='int'>5222</setting> ...</settings>
  <settings ui='gnt-purple'><setting name='auto-login' type='bool'>1</setting></settings>
</account></account>

"Enabled" is the per-UI bool `auto-login` (purple_account_set_enabled); Finch's UI id is `gnt-purple`.
"""

import os
import shutil
from xml.sax.saxutils import escape

FINCH_UI = "gnt-purple"


def _setting(name, value):
    if isinstance(value, bool):
        return "<setting name='%s' type='bool'>%d</setting>" % (escape(name), int(value))
    if isinstance(value, int):
        return "<setting name='%s' type='int'>%d</setting>" % (escape(name), value)
    return "<setting name='%s' type='string'>%s</setting>" % (escape(name), escape(str(value)))


def account_xml(protocol, name, password, settings, enabled=True, ui=FINCH_UI):
    lines = ["\t<account>",
             "\t\t<protocol>%s</protocol>" % escape(protocol),
             "\t\t<name>%s</name>" % escape(name)]
    if password is not None:
        lines.append("\t\t<password>%s</password>" % escape(password))
    lines.append("\t\t<settings>")
    lines += ["\t\t\t" + _setting(k, v) for k, v in settings.items()]
    lines.append("\t\t</settings>")
    lines += ["\t\t<settings ui='%s'>" % escape(ui),
              "\t\t\t" + _setting("auto-login", bool(enabled)),
              "\t\t</settings>",
              "\t</account>"]
    return "\n".join(lines)


def write_accounts(home, accounts):
    """accounts: list of dicts with protocol, name, password, settings, enabled, ui (the UI the
    account is enabled for: Finch's unless given)."""
    os.makedirs(home, exist_ok=True)
    body = "\n".join(account_xml(a["protocol"], a["name"], a.get("password"),
                                 a.get("settings", {}), a.get("enabled", True),
                                 a.get("ui", FINCH_UI))
                     for a in accounts)
    with open(os.path.join(home, "accounts.xml"), "w") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' ?>\n\n<account version='1.0'>\n%s\n"
                "</account>\n" % body)
    os.chmod(os.path.join(home, "accounts.xml"), 0o600)


def install_plugin(home, plugin_dir):
    """Copy liblyre.so into <home>/plugins, where libpurple looks for the user's plugins."""
    src = os.path.join(plugin_dir, "liblyre.so")
    if not os.path.exists(src):
        raise FileNotFoundError(src)
    os.makedirs(os.path.join(home, "plugins"), exist_ok=True)
    shutil.copy2(src, os.path.join(home, "plugins", "liblyre.so"))


def trust_peer_cert(home, peer_name, cert_file):
    """Seed libpurple's tls_peers cache (what "Accept" stores) so prpl-jabber does not ask."""
    directory = os.path.join(home, "certificates", "x509", "tls_peers")
    os.makedirs(directory, exist_ok=True)
    shutil.copy2(cert_file, os.path.join(directory, peer_name))


def client_settings(protocol, server, security="require_tls"):
    """Account settings for a private Prosody (same keys for prpl-lyre and prpl-jabber)."""
    settings = {"connect_server": "127.0.0.1", "port": server.c2s_port,
                "connection_security": security}
    if protocol == "prpl-lyre" and server.ca_file:
        settings["lyre_ca_file"] = server.ca_file
    return settings
