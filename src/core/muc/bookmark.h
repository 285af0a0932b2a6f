/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBookmark: a room the user keeps, as the two stores spell it: XEP-0402 (one PEP item per
 * room, <conference xmlns='urn:xmpp:bookmarks:1'/> with the room as the item's id) and XEP-0048
 * (one <storage xmlns='storage:bookmarks'/> holding every room). Parsing checks what it keeps:
 * the room a bare room JID, the nick a usable nick, every text valid UTF-8 and capped. Pure. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_NS_BOOKMARKS        "urn:xmpp:bookmarks:1"        /* XEP-0402 */
#define XMPP_NS_BOOKMARKS_COMPAT "urn:xmpp:bookmarks:1#compat" /* XEP-0402 §4 */
#define XMPP_NS_BOOKMARKS_LEGACY "storage:bookmarks"           /* XEP-0048 */
#define XMPP_NS_PRIVATE          "jabber:iq:private"           /* XEP-0049 */

#define XMPP_BOOKMARK_MAX_TEXT 1024 /* bytes of a name or password kept */

typedef struct {
  char *room;        /* the room's bare JID, normalised */
  char *name;        /* NULL: none */
  gboolean autojoin; /* join at sign-in (and when another device turns it on) */
  char *nick;        /* NULL: the account's default */
  char *password;    /* NULL: none */
} XmppBookmark;

/* NULL when room is not a room's bare JID. Texts that are empty, too long or not UTF-8 are
 * left out, and so is a nick that cannot be one. */
XmppBookmark *xmpp_bookmark_new(const char *room, const char *name, gboolean autojoin,
                                const char *nick, const char *password);
XmppBookmark *xmpp_bookmark_copy(const XmppBookmark *bookmark);
void xmpp_bookmark_free(XmppBookmark *bookmark);
gboolean xmpp_bookmark_equal(const XmppBookmark *a, const XmppBookmark *b);

/* XEP-0402: a pubsub <item id=room><conference/></item> (any pubsub namespace), or NULL. */
XmppBookmark *xmpp_bookmark_parse_item(const XmppNode *item);
/* <item id=room><conference xmlns='urn:xmpp:bookmarks:1' .../></item> */
XmppNode *xmpp_bookmark_build_item(const XmppBookmark *bookmark);

/* XEP-0048: the rooms of a <storage/> (of XmppBookmark*, at most max, bad ones left out). */
GPtrArray *xmpp_bookmark_parse_storage(const XmppNode *storage, guint max);
/* A <storage/> with bookmarks (XmppBookmark*) and every child of previous (or NULL) that is
 * not a room (web bookmarks, other clients' data) kept as it was. */
XmppNode *xmpp_bookmark_build_storage(GPtrArray *bookmarks, const XmppNode *previous);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppBookmark, xmpp_bookmark_free)

G_END_DECLS
