/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The im layer's namespaces (RFC 6121 and the XEPs of conversations and presence), on top of
 * the router layer's. Each layer keeps its namespaces in one such file; no string has two names. */
#pragma once

#include "router/namespaces.h"

#define XMPP_NS_ROSTER        "jabber:iq:roster"                      /* RFC 6121 roster */
#define XMPP_NS_CHATSTATES    "http://jabber.org/protocol/chatstates" /* XEP-0085 */
#define XMPP_NS_EVENT         "jabber:x:event"                        /* XEP-0022 */
#define XMPP_NS_HINTS         "urn:xmpp:hints"                        /* XEP-0334 */
#define XMPP_NS_DELAY         "urn:xmpp:delay"                        /* XEP-0203 */
#define XMPP_NS_DELAY_LEGACY  "jabber:x:delay"                        /* XEP-0091 */
#define XMPP_NS_FORWARD       "urn:xmpp:forward:0"                    /* XEP-0297 */
#define XMPP_NS_CARBONS       "urn:xmpp:carbons:2"                    /* XEP-0280 */
#define XMPP_NS_XHTML_IM      "http://jabber.org/protocol/xhtml-im"   /* XEP-0071 */
#define XMPP_NS_XHTML         "http://www.w3.org/1999/xhtml"          /* XEP-0071 body */
#define XMPP_NS_IDLE          "urn:xmpp:idle:1"                       /* XEP-0319 */
#define XMPP_NS_LAST_ACTIVITY "jabber:iq:last" /* XEP-0012, and XEP-0256 in presence */
#define XMPP_NS_NICK          "http://jabber.org/protocol/nick"       /* XEP-0172 */
#define XMPP_NS_CAPS          "http://jabber.org/protocol/caps"       /* XEP-0115 */
#define XMPP_NS_INVISIBLE     "urn:xmpp:invisible:0"                  /* XEP-0186 */
#define XMPP_NS_PRIVACY       "jabber:iq:privacy"                     /* XEP-0016 */
#define XMPP_NS_DISCO_INFO    "http://jabber.org/protocol/disco#info" /* XEP-0030 */
#define XMPP_NS_MUC_USER      "http://jabber.org/protocol/muc#user"   /* XEP-0045 */
#define XMPP_NS_SID           "urn:xmpp:sid:0"                        /* XEP-0359 */
#define XMPP_NS_RECEIPTS      "urn:xmpp:receipts"                     /* XEP-0184 */
#define XMPP_NS_CHAT_MARKERS  "urn:xmpp:chat-markers:0"               /* XEP-0333 */
#define XMPP_NS_CORRECT       "urn:xmpp:message-correct:0"            /* XEP-0308 */
#define XMPP_NS_OOB           "jabber:x:oob"                          /* XEP-0066 */
