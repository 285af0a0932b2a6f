/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The router layer's namespaces (stanzas and their errors), on top of the stream layer's. */
#pragma once

#include "stream/namespaces.h"

#define XMPP_NS_STANZA_ERRORS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define XMPP_NS_IQ_AUTH       "jabber:iq:auth" /* XEP-0078, used during negotiation */
#define XMPP_NS_PING          "urn:xmpp:ping"
