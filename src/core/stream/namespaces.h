/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stream layer's namespaces (RFC 6120 negotiation and the stream features), on top of the
 * XML layer's. */
#pragma once

#include "xml/namespaces.h"

#define XMPP_NS_STREAM_ERRORS    "urn:ietf:params:xml:ns:xmpp-streams"
#define XMPP_NS_TLS              "urn:ietf:params:xml:ns:xmpp-tls"
#define XMPP_NS_SASL             "urn:ietf:params:xml:ns:xmpp-sasl"
#define XMPP_NS_SASL_CB          "urn:xmpp:sasl-cb:0"
#define XMPP_NS_BIND             "urn:ietf:params:xml:ns:xmpp-bind"
#define XMPP_NS_SESSION          "urn:ietf:params:xml:ns:xmpp-session"
#define XMPP_NS_IQ_AUTH_FEATURE  "http://jabber.org/features/iq-auth"
#define XMPP_NS_SM               "urn:xmpp:sm:3"
#define XMPP_NS_CSI              "urn:xmpp:csi:0"
#define XMPP_NS_ROSTER_VER       "urn:xmpp:features:rosterver"
#define XMPP_NS_PRE_APPROVAL     "urn:xmpp:features:pre-approval"
#define XMPP_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
