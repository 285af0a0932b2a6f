/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The services layer's namespaces, on top of the im layer's. */
#pragma once

#include "im/namespaces.h"

#define XMPP_NS_DISCO_ITEMS  "http://jabber.org/protocol/disco#items"  /* XEP-0030 */
#define XMPP_NS_XDATA        "jabber:x:data"                           /* XEP-0004 */
#define XMPP_NS_MEDIA        "urn:xmpp:media-element"                  /* XEP-0221 */
#define XMPP_NS_BOB          "urn:xmpp:bob"                            /* XEP-0231 */
#define XMPP_NS_VERSION      "jabber:iq:version"                       /* XEP-0092 */
#define XMPP_NS_TIME         "urn:xmpp:time"                           /* XEP-0202 */
#define XMPP_NS_PUBSUB       "http://jabber.org/protocol/pubsub"       /* XEP-0060 */
#define XMPP_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event" /* XEP-0060 */
#define XMPP_NS_PUBSUB_PUBLISH_OPTIONS                                                             \
  "http://jabber.org/protocol/pubsub#publish-options"                 /* XEP-0060 */
#define XMPP_NS_VCARD           "vcard-temp"                          /* XEP-0054 */
#define XMPP_NS_VCARD_UPDATE    "vcard-temp:x:update"                 /* XEP-0153 */
#define XMPP_NS_AVATAR_DATA     "urn:xmpp:avatar:data"                /* XEP-0084 */
#define XMPP_NS_AVATAR_METADATA "urn:xmpp:avatar:metadata"            /* XEP-0084 */
#define XMPP_NS_REGISTER        "jabber:iq:register"                  /* XEP-0077 */
#define XMPP_NS_COMMANDS        "http://jabber.org/protocol/commands" /* XEP-0050 */
#define XMPP_NS_SEARCH          "jabber:iq:search"                    /* XEP-0055 */
#define XMPP_NS_BLOCKING        "urn:xmpp:blocking"                   /* XEP-0191 */
#define XMPP_NS_ATTENTION       "urn:xmpp:attention:0"                /* XEP-0224 */
#define XMPP_NS_MOOD            "http://jabber.org/protocol/mood"     /* XEP-0107 */
#define XMPP_NS_TUNE            "http://jabber.org/protocol/tune"     /* XEP-0118 */
#define XMPP_NS_MAM             "urn:xmpp:mam:2"                      /* XEP-0313 */
#define XMPP_NS_RSM             "http://jabber.org/protocol/rsm"      /* XEP-0059 */
