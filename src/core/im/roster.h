/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRoster: the RFC 6121 §2 roster: fetch (with versioning), pushes, sets and removals. */
#pragma once

#include "router/router.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Hard limits (T52): a hostile or broken server must not make us grow without bound. */
#define XMPP_ROSTER_MAX_ITEMS       50000 /* items kept; more in a result are dropped */
#define XMPP_ROSTER_MAX_GROUPS      64    /* groups per item; more are dropped */
#define XMPP_ROSTER_MAX_GROUP_BYTES 1023  /* a longer group name is dropped */
#define XMPP_ROSTER_MAX_NAME_BYTES  1023  /* a longer name is cut at a character boundary */
#define XMPP_ROSTER_MAX_VER_BYTES   1023  /* a longer version string is not kept */

/* RFC 6121 §2.1.2.5. REMOVE only appears in pushes and in our removal requests. */
typedef enum {
  XMPP_ROSTER_SUBSCRIPTION_NONE,
  XMPP_ROSTER_SUBSCRIPTION_TO,
  XMPP_ROSTER_SUBSCRIPTION_FROM,
  XMPP_ROSTER_SUBSCRIPTION_BOTH,
  XMPP_ROSTER_SUBSCRIPTION_REMOVE,
} XmppRosterSubscription;

typedef struct _XmppRosterItem {
  XmppJid *jid; /* owned, normalised */
  char *name;   /* NULL when the item has none */
  XmppRosterSubscription subscription;
  gboolean ask;      /* ask='subscribe': our subscription request is pending (§2.1.2.2) */
  gboolean approved; /* pre-approved subscription (§3.4) */
  char **groups;     /* NULL-terminated, never NULL, no duplicates, no empty names */
} XmppRosterItem;

const char *xmpp_roster_subscription_to_string(XmppRosterSubscription subscription);
/* NULL or unknown values give NONE. */
XmppRosterSubscription xmpp_roster_subscription_from_string(const char *value);

/* jid is copied; name may be NULL; groups may be NULL (none). */
XmppRosterItem *xmpp_roster_item_new(const XmppJid *jid, const char *name,
                                     const char *const *groups);
XmppRosterItem *xmpp_roster_item_copy(const XmppRosterItem *item);
void xmpp_roster_item_free(XmppRosterItem *item);
/* Same JID, name, subscription, ask, approved and groups (as sets). */
gboolean xmpp_roster_item_equal(const XmppRosterItem *a, const XmppRosterItem *b);
gboolean xmpp_roster_item_in_group(const XmppRosterItem *item, const char *group);

/* Parses one <item/> (pure). NULL with XMPP_STANZA_ERROR_BAD_REQUEST when the jid is missing or
 * invalid. Long names are cut, long or surplus groups dropped, duplicates merged. */
XmppRosterItem *xmpp_roster_item_parse(const XmppNode *item, GError **error);
/* <item xmlns='jabber:iq:roster' jid= name=><group/>...</item>. with_state adds subscription,
 * ask and approved (for storage); without it, only what a client may send in a set (§2.1.5):
 * jid, name and groups, or subscription='remove' for a REMOVE item. */
XmppNode *xmpp_roster_item_to_node(const XmppRosterItem *item, gboolean with_state);

/* A parsed <query xmlns='jabber:iq:roster'/> (result or push). */
typedef struct _XmppRosterQuery {
  char *ver;        /* the 'ver' attribute, NULL when absent (or longer than the limit) */
  GPtrArray *items; /* XmppRosterItem*, owned; at most XMPP_ROSTER_MAX_ITEMS */
  guint n_dropped;  /* items dropped: invalid, or beyond the limit */
} XmppRosterQuery;

/* Pure. Never fails: invalid items are skipped and counted in n_dropped. */
XmppRosterQuery *xmpp_roster_query_parse(const XmppNode *query);
void xmpp_roster_query_free(XmppRosterQuery *query);

/* What the glue hears. Items are borrowed for the duration of the call. */
typedef struct _XmppRosterEvents {
  /* A fetch finished: the roster (xmpp_roster_get_items) is current. unchanged: the server
   * said our stored copy is current (RFC 6121 §2.6.3, empty result). Before loaded, a full
   * result first reports each stored item that is no longer there with item_removed. */
  void (*loaded)(gpointer data, gboolean unchanged);
  /* The fetch failed (error reply, timeout, session closed): the stored copy stays. */
  void (*fetch_failed)(gpointer data, const GError *error);
  /* A push added (added TRUE) or changed an item. */
  void (*item_updated)(gpointer data, const XmppRosterItem *item, gboolean added);
  /* An item was removed (push with subscription='remove', or gone from a full result). */
  void (*item_removed)(gpointer data, const XmppRosterItem *item);
} XmppRosterEvents;

/* Completion of a set or remove request: error NULL on success (the change itself arrives as
 * a push). error is in XMPP_STANZA_ERROR (the server's condition and text, or TIMEOUT /
 * SESSION_CLOSED). */
typedef void (*XmppRosterRequestCallback)(const GError *error, gpointer user_data);

typedef struct _XmppRoster XmppRoster;

XmppRoster *xmpp_roster_new(XmppRouter *router, const XmppHost *host);
void xmpp_roster_free(XmppRoster *roster);

/* events is borrowed (static); NULL detaches. */
void xmpp_roster_set_events(XmppRoster *roster, const XmppRosterEvents *events, gpointer data);

/* Replaces the items and version with a stored copy (takes items: XmppRosterItem*, its free
 * func must be xmpp_roster_item_free or NULL-with-ownership-passed). No events. */
void xmpp_roster_set_cache(XmppRoster *roster, const char *ver, GPtrArray *items);
/* Drops everything (items and version). No events. */
void xmpp_roster_clear(XmppRoster *roster);

/* Requests the roster (RFC 6121 §2.1.3). versioning: the server advertised roster versioning
 * (§2.6.1); then 'ver' carries the stored version ("" without one, to bootstrap). */
void xmpp_roster_fetch(XmppRoster *roster, gboolean versioning);
gboolean xmpp_roster_is_loaded(const XmppRoster *roster);

/* The roster version, or NULL when none is known. */
const char *xmpp_roster_get_version(const XmppRoster *roster);
guint xmpp_roster_n_items(const XmppRoster *roster);
/* Items, borrowed (free the list with g_list_free), in no particular order. */
GList *xmpp_roster_get_items(const XmppRoster *roster);
/* The item for jid (compared as bare JIDs, normalised), or NULL. */
const XmppRosterItem *xmpp_roster_lookup(const XmppRoster *roster, const XmppJid *jid);
const XmppRosterItem *xmpp_roster_lookup_str(const XmppRoster *roster, const char *jid);

/* Adds or updates an item on the server (§2.3, §2.4): jid, name and groups of item are sent.
 * cb may be NULL. */
void xmpp_roster_request_set(XmppRoster *roster, const XmppRosterItem *item,
                             XmppRosterRequestCallback cb, gpointer user_data,
                             GDestroyNotify destroy);
/* Removes an item on the server (§2.5). */
void xmpp_roster_request_remove(XmppRoster *roster, const XmppJid *jid,
                                XmppRosterRequestCallback cb, gpointer user_data,
                                GDestroyNotify destroy);

/* Storage between sessions (roster-store.c). Pure: the glue does the file I/O. */
/* The roster and its version as bytes: line-based UTF-8 text ("lyre-roster 2", one line per
 * item, sorted, so the same roster always gives the same bytes). Transfer full, NUL-terminated
 * (the NUL is not counted in len). */
char *xmpp_roster_store_serialize(const XmppRoster *roster, gsize *len);
/* Parses bytes from xmpp_roster_store_serialize into a version (NULL if none) and items
 * (cleaned like items from the network). FALSE with G_FILE_ERROR_INVAL on a corrupt, truncated
 * or foreign file (the old XML format included), or one over XMPP_ROSTER_MAX_ITEMS. */
gboolean xmpp_roster_store_parse(const char *data, gsize len, char **ver, GPtrArray **items,
                                 GError **error);
/* Both in one: loads bytes into the roster cache. FALSE (cache untouched) on error. */
gboolean xmpp_roster_store_load(XmppRoster *roster, const char *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppRosterItem, xmpp_roster_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppRosterQuery, xmpp_roster_query_free)

G_END_DECLS
