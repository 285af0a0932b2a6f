/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBlocking: XEP-0191 blocking command: the block list, synced at sign-in and by pushes. */
#pragma once

#include "services/disco.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Hard limits (T52): a hostile server cannot make the list grow without bound. */
#define XMPP_BLOCKING_MAX_ITEMS 10000 /* JIDs kept from a list or a push; more are dropped */

typedef enum {
  XMPP_BLOCKING_LIST,    /* <blocklist/>: the whole list (a result, §3.2) */
  XMPP_BLOCKING_BLOCK,   /* <block/>: these JIDs are now blocked (§3.3) */
  XMPP_BLOCKING_UNBLOCK, /* <unblock/>: these JIDs (none: every JID) are unblocked (§3.4, §3.5) */
} XmppBlockingKind;

/* A parsed <blocklist/>, <block/> or <unblock/> (pure model). */
typedef struct _XmppBlockingItems {
  XmppBlockingKind kind;
  GPtrArray *jids; /* char*, owned: normalised JIDs, no duplicates, at most MAX_ITEMS */
  guint n_dropped; /* items with a missing or invalid jid, duplicates, or beyond the limit */
} XmppBlockingItems;

/* Pure. NULL when payload is none of the three elements in XMPP_NS_BLOCKING. */
XmppBlockingItems *xmpp_blocking_items_parse(const XmppNode *payload);
void xmpp_blocking_items_free(XmppBlockingItems *items);
/* <block/> or <unblock/> with one <item jid=/> per JID (jids NULL or empty: no items, which for
 * unblock means "unblock everyone", §3.5). */
XmppNode *xmpp_blocking_build(gboolean block, const char *const *jids);

/* What the glue hears. Strings are borrowed for the duration of the call. */
typedef struct _XmppBlockingEvents {
  /* Discovery answered: supported tells whether the server offers XEP-0191. */
  void (*supported)(gpointer data, gboolean supported);
  /* The block list was fetched (jids: char*, normalised). */
  void (*list)(gpointer data, const GPtrArray *jids);
  /* A push from our server: jid blocked, or unblocked. */
  void (*blocked)(gpointer data, const char *jid);
  void (*unblocked)(gpointer data, const char *jid);
  /* A push: every JID was unblocked (§3.5). */
  void (*unblocked_all)(gpointer data);
  /* A request of ours (block, or unblock: jid NULL for everyone) ended with an error, a stanza
   * error or no answer (XMPP_IQ_ERROR): nothing changed on the server, no push follows. */
  void (*refused)(gpointer data, gboolean block, const char *jid, const GError *error);
} XmppBlockingEvents;

typedef struct _XmppBlocking XmppBlocking;

XmppBlocking *xmpp_blocking_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_blocking_free(XmppBlocking *blocking);
/* events copied; data borrowed until replaced or the module is freed. */
void xmpp_blocking_set_events(XmppBlocking *blocking, const XmppBlockingEvents *events,
                              gpointer data);

/* Once READY: asks our server's disco#info for urn:xmpp:blocking (§2), then fetches the list. */
void xmpp_blocking_start(XmppBlocking *blocking);
gboolean xmpp_blocking_is_supported(const XmppBlocking *blocking);
/* The list as we know it (fetched, then kept current by pushes). */
gboolean xmpp_blocking_is_blocked(const XmppBlocking *blocking, const char *jid);
guint xmpp_blocking_n_blocked(const XmppBlocking *blocking);
/* The blocked JIDs, borrowed (free the list with g_list_free), in no particular order. */
GList *xmpp_blocking_get_jids(const XmppBlocking *blocking);

/* Requests (§3.3-§3.5). FALSE when the server has no XEP-0191 or a JID is invalid. The change
 * itself arrives as a push. jid NULL in unblock: unblock everyone. */
gboolean xmpp_blocking_block(XmppBlocking *blocking, const char *jid);
gboolean xmpp_blocking_unblock(XmppBlocking *blocking, const char *jid);

/* Applies a parsed list or push (what the handlers do). Exposed for tests. */
void xmpp_blocking_apply(XmppBlocking *blocking, const XmppBlockingItems *items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppBlockingItems, xmpp_blocking_items_free)

G_END_DECLS
