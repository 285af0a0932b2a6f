/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The group-chat layer's namespaces (XEP-0045), on top of the instant-messaging ones (which
 * already name muc#user: presence and avatars recognise room presences). */
#pragma once

#include "im/namespaces.h"

#define XMPP_NS_MUC       "http://jabber.org/protocol/muc"
#define XMPP_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define XMPP_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
