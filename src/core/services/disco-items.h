/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0030 §4 items: the model of a disco#items answer, its parser and the request. Pure: the
 * request goes out through the router (xmpp_router_send_iq) like any other. */
#pragma once

#include "router/router.h"
#include "services/disco.h"

G_BEGIN_DECLS

/* At most this many items are kept from one answer (the rest are counted, not kept). */
#define XMPP_DISCO_MAX_ITEMS 1000

typedef struct _XmppDiscoItem {
  char *jid;  /* a valid JID, as the answer wrote it */
  char *node; /* NULL when absent */
  char *name; /* NULL when absent */
} XmppDiscoItem;

typedef struct _XmppDiscoItems {
  GPtrArray *items; /* XmppDiscoItem*, owned, in received order */
  guint dropped;    /* items left out: past XMPP_DISCO_MAX_ITEMS, or not usable */
} XmppDiscoItems;

void xmpp_disco_items_free(XmppDiscoItems *items);
/* <iq type='get' to=jid><query xmlns='...disco#items' [node=node]/></iq> (node NULL: none). */
XmppNode *xmpp_disco_items_build_get(const char *jid, const char *node);
/* The items of a disco#items result (iq borrowed). An item without a valid JID, or with a
 * value longer than XMPP_DISCO_MAX_STRING, is dropped: a request to something that is not a
 * JID would be checked as if it went to our own account (T38). NULL with XMPP_STANZA_ERROR
 * BAD_REQUEST when the result holds no disco#items query. */
XmppDiscoItems *xmpp_disco_items_parse(const XmppNode *iq, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppDiscoItems, xmpp_disco_items_free)

G_END_DECLS
