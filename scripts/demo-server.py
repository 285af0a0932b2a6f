#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# lyre-demo's Python half: a private Prosody (free loopback ports), alice and bob, a purple home.
"""Usage: demo-server.py DEMO_DIR PLUGIN_DIR [PROTOCOL]

Starts Prosody in DEMO_DIR/prosody (it keeps running after this script exits; its pid file is
DEMO_DIR/prosody/prosody.pid), registers alice and bob as mutual contacts, writes
DEMO_DIR/purple (accounts.xml: alice enabled for Finch, bob disabled; plugins/liblyre.so) and
prints shell assignments (PORT=..., ...) for the caller to eval.
"""

import os
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from prosody import Prosody  # noqa: E402
import purple_home  # noqa: E402

PASSWORDS = {"alice": "alice-demo-pw", "bob": "bob-demo-pw"}
FINCH_PREFS = """<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
	<pref name='finch'>
		<pref name='blist'>
			<pref name='showoffline' type='bool' value='1'/>
		</pref>
	</pref>
</pref>
"""


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    demo_dir, plugin_dir = sys.argv[1], sys.argv[2]
    protocol = sys.argv[3] if len(sys.argv) > 3 else "prpl-lyre"
    server = Prosody(workdir=os.path.join(demo_dir, "prosody"))
    server.start()
    for user, pw in PASSWORDS.items():
        server.add_user(user, pw)
    server.make_mutual_roster("alice", "bob")
    home = os.path.join(demo_dir, "purple")
    settings = purple_home.client_settings(protocol, server)
    purple_home.write_accounts(home, [
        {"protocol": protocol, "name": "alice@%s/demo" % server.host,
         "password": PASSWORDS["alice"], "settings": settings, "enabled": True},
        {"protocol": protocol, "name": "bob@%s/demo" % server.host,
         "password": PASSWORDS["bob"], "settings": settings, "enabled": False},
    ])
    # Finch's buddy list shows offline contacts too: an empty list on first start looks broken.
    with open(os.path.join(home, "prefs.xml"), "w") as f:
        f.write(FINCH_PREFS)
    if protocol == "prpl-lyre":
        purple_home.install_plugin(home, plugin_dir)
    else:
        purple_home.trust_peer_cert(home, "127.0.0.1", server.cert_file)
    out = {"PROSODY_PID": server.proc.pid, "C2S_PORT": server.c2s_port,
           "DIRECT_TLS_PORT": server.direct_tls_port, "XMPP_HOST": server.host,
           "CA_FILE": server.ca_file, "PURPLE_HOME": home,
           "ALICE_PW": PASSWORDS["alice"], "BOB_PW": PASSWORDS["bob"]}
    for key, value in out.items():
        print("%s=%s" % (key, shlex.quote(str(value))))
    # Leave Prosody running: the Popen child is in its own session and outlives us.
    return 0


if __name__ == "__main__":
    sys.exit(main())
