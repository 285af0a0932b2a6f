# SPDX-License-Identifier: GPL-2.0-or-later
# A scripted third-party XMPP client (slixmpp) used as an independent witness in integration
# tests. Run as a program; it prints one JSON object per event on stdout.
"""Usage: xmpp_peer.py --jid bob@example.test/peer --password PW --port N --ca CA.pem
          [--wait-presence JID] [--send JID TEXT] [--timeout S]
          [--show SHOW] [--status TEXT] [--priority N] [--dump-roster]
          [--send-xml XML]... [--send-every S] [--stay S] [--caps] [--feature NS]...
          [--disco-info JID] [--answer receipt|displayed|none]...

Connects to 127.0.0.1:PORT with STARTTLS, trusting only CA.pem for the JID's domain, sends
initial presence, and prints {"event": "presence", "from": ..., "type": ..., "show": ...} for
every presence and {"event": "message", ...} for every message. With --wait-presence it exits 0
as soon as an available presence from that bare JID arrives, 1 on timeout. --feature adds a
disco#info feature (before the caps hash is computed, with --caps); --answer answers the Nth chat
message with a body as a XEP-0184 / XEP-0333 client would (if that message asked for it).
"""
import argparse
import asyncio
import json
import ssl
import sys
from xml.sax.saxutils import quoteattr

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath


def emit(**event):
    print(json.dumps(event), flush=True)


class Peer(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.ssl_context = ssl.create_default_context(cafile=args.ca)
        self.ssl_context.check_hostname = True
        self.done = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("message", self.on_message)
        # Every message, bodiless ones too (chat states): slixmpp's "message" needs a <body/>.
        self.register_handler(Callback("any message", MatchXPath("{jabber:client}message"),
                                       self.on_any_message))
        # Answers to what --send-xml asked (an <iq/> of its own), as they came.
        self.register_handler(Callback("any iq", MatchXPath("{jabber:client}iq"),
                                       lambda iq: emit(event="iq-xml", xml=str(iq))))
        self.answers = list(getattr(args, "answer", None) or [])
        self.add_event_handler("failed_auth", lambda *_: self.finish(2, "auth failed"))
        if (getattr(args, "caps", False) or getattr(args, "disco_info", None)
                or getattr(args, "feature", None)):
            # XEP-0030 answers and queries; with --caps, XEP-0115 in our presence too.
            self.register_plugin("xep_0030")
            if args.caps:
                self.register_plugin("xep_0115")
        self.disco_asked = False

    def finish(self, code, why=""):
        if not self.done.done():
            emit(event="exit", code=code, why=why)
            self.done.set_result(code)

    async def on_start(self, _event):
        emit(event="session-start", jid=str(self.boundjid))
        for feature in getattr(self.args, "feature", None) or []:
            await self["xep_0030"].add_feature(feature)
        if getattr(self.args, "caps", False):
            # The hash must be ready before the initial presence, which then carries <c/>.
            await self["xep_0115"].update_caps()
        self.send_presence(pshow=self.args.show, pstatus=self.args.status,
                           ppriority=self.args.priority)
        await self.get_roster()
        if self.args.dump_roster:
            items = []
            for jid in self.client_roster:
                item = self.client_roster[jid]
                if jid == self.boundjid.bare:
                    continue  # entries slixmpp makes for our own resources' presence
                items.append({"jid": str(jid), "name": item["name"],
                              "subscription": item["subscription"],
                              "groups": sorted(item["groups"])})
            emit(event="roster", items=items)
        for to, text in self.args.send or []:
            self.send_message(mto=to, mbody=text, mtype="chat")
            emit(event="sent", to=to, text=text)
        every = getattr(self.args, "send_every", None) or 0
        delay = getattr(self.args, "send_delay", None) or 0
        for i, xml in enumerate(getattr(self.args, "send_xml", None) or []):
            if every > 0 or delay > 0:
                asyncio.get_event_loop().call_later(delay + i * every, self.send_later, xml)
            else:
                self.send_later(xml)
        if getattr(self.args, "stay", None):
            asyncio.get_event_loop().call_later(self.args.stay, self.finish, 0, "stayed")
            return
        if not self.args.wait_presence:
            self.finish(0)

    def send_later(self, xml):
        self.send_raw(xml)
        emit(event="sent-xml", xml=xml)

    def on_any_message(self, msg):
        emit(event="message-xml", xml=str(msg))
        if not self.answers or not msg["body"] or msg["type"] not in ("chat", "normal") or (
                msg["from"].bare == self.boundjid.bare):
            return
        # --answer: the next answer is for this message, given only if the message asked.
        kind = self.answers.pop(0)
        asked = {"receipt": ("urn:xmpp:receipts", "request", "received"),
                 "displayed": ("urn:xmpp:chat-markers:0", "markable", "displayed")}.get(kind)
        if asked is None or not msg["id"] or msg.xml.find("{%s}%s" % asked[:2]) is None:
            emit(event="not-answered", id=msg["id"], kind=kind)
            return
        self.send_later("<message xmlns='jabber:client' to=%s type='chat' id=%s>"
                        "<%s xmlns='%s' id=%s/></message>"
                        % (quoteattr(str(msg["from"])), quoteattr("answer-%s" % msg["id"]),
                           asked[2], asked[0], quoteattr(msg["id"])))

    def on_presence(self, pres):
        emit(event="presence", **{"from": str(pres["from"]), "type": pres["type"],
                                 "show": pres["show"], "status": pres["status"]})
        caps = pres.xml.find("{http://jabber.org/protocol/caps}c")
        want_info = getattr(self.args, "disco_info", None)
        if want_info and caps is not None and not self.disco_asked and (
                str(pres["from"]) == want_info or pres["from"].bare == want_info):
            # --disco-info: what the entity's caps say, then its disco#info at node#ver.
            self.disco_asked = True
            emit(event="caps-seen", **{"from": str(pres["from"]), "hash": caps.get("hash"),
                                      "node": caps.get("node"), "ver": caps.get("ver")})
            node = "%s#%s" % (caps.get("node"), caps.get("ver"))
            asyncio.ensure_future(self.ask_disco_info(pres["from"], node))
        want = self.args.wait_presence
        if want and pres["from"].bare == want and pres["type"] in (
                "available", "chat", "away", "xa", "dnd"):
            self.finish(0, "presence seen")

    async def ask_disco_info(self, jid, node):
        try:
            iq = await self["xep_0030"].get_info(jid=jid, node=node, cached=False, timeout=20)
        except Exception as exc:  # an error answer or a timeout
            emit(event="disco-info-error", error=str(exc))
            self.finish(1, "disco#info failed")
            return
        query = iq["disco_info"]
        emit(event="disco-info", **{"from": str(jid), "node": query["node"],
                                   "identities": [list(i) for i in query["identities"]],
                                   "features": list(query["features"]),
                                   "forms": len(query.xml.findall("{jabber:x:data}x"))})
        self.finish(0, "disco#info answered")

    def on_message(self, msg):
        emit(event="message", **{"from": str(msg["from"]), "type": msg["type"],
                                "body": msg["body"]})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--wait-presence")
    parser.add_argument("--send", nargs=2, action="append", metavar=("JID", "TEXT"))
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--show", help="<show/> of the initial presence")
    parser.add_argument("--status", help="<status/> of the initial presence")
    parser.add_argument("--priority", type=int, help="<priority/> of the initial presence")
    parser.add_argument("--send-xml", action="append", metavar="XML",
                        help="a raw stanza to send after sign-in (repeatable)")
    parser.add_argument("--send-delay", type=float, metavar="S",
                        help="send the first --send-xml S seconds after signing in")
    parser.add_argument("--send-every", type=float, metavar="S",
                        help="send the --send-xml stanzas S seconds apart (default: at once)")
    parser.add_argument("--stay", type=float,
                        help="stay connected this many seconds after sign-in, then exit 0")
    parser.add_argument("--dump-roster", action="store_true",
                        help='print the account\'s roster as {"event": "roster", "items": [...]}')
    parser.add_argument("--caps", action="store_true",
                        help="advertise XEP-0115 caps and answer disco#info (slixmpp plugins)")
    parser.add_argument("--feature", action="append", metavar="NS",
                        help="a feature to add to our disco#info (repeatable; with --caps it is "
                             "in the caps hash)")
    parser.add_argument("--answer", action="append", choices=("receipt", "displayed", "none"),
                        help="answer the Nth chat message with a body from someone else "
                             "(repeatable, in order): receipt (XEP-0184 <received/>, if it has "
                             "<request/>), displayed (XEP-0333, if it is <markable/>) or none")
    parser.add_argument("--disco-info", metavar="JID",
                        help="on a presence with caps from JID (full or bare), print a "
                             '"caps-seen" event, ask disco#info at node#ver and print '
                             '"disco-info", then exit 0')
    args = parser.parse_args()
    peer = Peer(args)
    peer.connect(("127.0.0.1", args.port))
    loop = asyncio.get_event_loop()
    try:
        code = loop.run_until_complete(asyncio.wait_for(peer.done, args.timeout))
    except asyncio.TimeoutError:
        emit(event="exit", code=1, why="timeout")
        code = 1
    peer.disconnect()
    try:
        loop.run_until_complete(asyncio.wait_for(peer.disconnected, 5))
    except (asyncio.TimeoutError, Exception):
        pass
    sys.exit(code)


if __name__ == "__main__":
    main()
