/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The XML layer's namespaces: the stream's own and XML's. Each layer keeps its namespaces in
 * one such file and includes the layer below's; no string has two names. */
#pragma once

#define XMPP_NS_XML           "http://www.w3.org/XML/1998/namespace"
#define XMPP_NS_STREAM        "http://etherx.jabber.org/streams"
#define XMPP_NS_JABBER_CLIENT "jabber:client"
