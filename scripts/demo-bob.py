#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# lyre-demo's bob: a small scripted XMPP peer (slixmpp) that is online and answers, so that
# whoever tries the demo can chat at once.
"""Usage: demo-bob.py --jid bob@HOST/bot --password PW --port PORT --ca CA_FILE

Signs in (STARTTLS, verified against CA_FILE) on 127.0.0.1:PORT, says it is available, accepts
subscriptions from its contacts, and answers every chat message with a line of its own. Runs
until it is killed (lyre-demo stop), reconnecting if the server goes away.
"""

import argparse
import asyncio
import ssl
import sys

import slixmpp

GREETING = "I am bob, a scripted peer of the Lyre demo: write to me, I answer every message."


class Bob(slixmpp.ClientXMPP):
    def __init__(self, jid, password, ca_file):
        super().__init__(jid, password)
        self.ssl_context = ssl.create_default_context(cafile=ca_file)
        self.ssl_context.check_hostname = True
        self.count = 0
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.auto_authorize = True
        self.auto_subscribe = True

    async def on_start(self, _event):
        self.send_presence(pstatus=GREETING)
        await self.get_roster()

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        if msg["from"].bare == self.boundjid.bare:
            return
        self.count += 1
        text = msg["body"].strip()
        if self.count == 1:
            reply = "Hello! You wrote \u201c%s\u201d. %s" % (text, GREETING)
        else:
            reply = "Got it (%d so far): \u201c%s\u201d" % (self.count, text)
        self.send_message(mto=msg["from"], mbody=reply, mtype="chat")

    def on_disconnected(self, _event):
        # The demo's server restarted or went away for a moment: come back.
        asyncio.get_event_loop().call_later(2, self.connect, ("127.0.0.1", self.port_number))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jid", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    args = ap.parse_args()
    bob = Bob(args.jid, args.password, args.ca)
    bob.port_number = args.port
    bob.connect(("127.0.0.1", args.port))
    asyncio.get_event_loop().run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
