/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppServerItems: the entities our server lists (XEP-0030 §4: its disco#items), each asked what
 * it is (disco#info), once a server session. Modules look among them for the service they use
 * (the room service, HTTP upload, ...): the first listed that is one. */
#pragma once

#include "router/router.h"
#include "services/disco.h"

G_BEGIN_DECLS

/* At most this many of the server's items are asked what they are. */
#define XMPP_SERVER_ITEMS_PROBES 20

typedef struct _XmppServerItems XmppServerItems;
/* Is this entity the service the caller looks for? */
typedef gboolean (*XmppServerItemMatch)(const XmppDiscoInfo *info);

XmppServerItems *xmpp_server_items_new(XmppRouter *router, const XmppHost *host);
void xmpp_server_items_free(XmppServerItems *items);
/* A new server session: what was known is forgotten, domain's items asked anew. */
void xmpp_server_items_discover(XmppServerItems *items, const char *domain);
/* The first item listed that has answered and matches: its JID, and its answer in *info (both
 * borrowed, valid until the next discovery); NULL when none (yet). */
const char *xmpp_server_items_find(const XmppServerItems *items, XmppServerItemMatch match,
                                   const XmppDiscoInfo **info);

G_END_DECLS
