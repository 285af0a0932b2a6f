/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBookmarks: the rooms the user keeps, shared with the account's other devices. Where the
 * account offers XEP-0402 (urn:xmpp:bookmarks:1#compat on our bare JID) they are one PEP item
 * per room, and another device's changes arrive live; else they are XEP-0048's one storage in
 * private XML storage (XEP-0049), read at sign-in and written whole. Only our own account's
 * notifications change them: a contact's bookmark node says nothing about ours (T42). */
#pragma once

#include "muc/bookmark.h"
#include "router/router.h"
#include "services/pep.h"

G_BEGIN_DECLS

#define XMPP_BOOKMARKS_MAX 1000 /* rooms kept; more are left out */

typedef enum {
  XMPP_BOOKMARKS_UNKNOWN, /* not read yet this session */
  XMPP_BOOKMARKS_PEP,     /* XEP-0402 */
  XMPP_BOOKMARKS_PRIVATE, /* XEP-0048 in XEP-0049 storage */
} XmppBookmarksStore;

/* Every callback may be NULL. */
typedef struct {
  /* The bookmarks were read at sign-in (maybe none): xmpp_bookmarks_foreach lists them. */
  void (*loaded)(gpointer data);
  /* Another device added (is_new) or changed a bookmark. */
  void (*changed)(gpointer data, const XmppBookmark *bookmark, gboolean is_new);
  /* Another device removed the bookmark of room. */
  void (*removed)(gpointer data, const char *room);
} XmppBookmarksEvents;

typedef struct _XmppBookmarks XmppBookmarks;

XmppBookmarks *xmpp_bookmarks_new(XmppRouter *router, const XmppHost *host, XmppPep *pep);
void xmpp_bookmarks_free(XmppBookmarks *bookmarks);
void xmpp_bookmarks_set_events(XmppBookmarks *bookmarks, const XmppBookmarksEvents *events,
                               gpointer data);

/* A new session on the server: reads the bookmarks (from PEP when pep, else from private
 * storage); loaded follows. */
void xmpp_bookmarks_load(XmppBookmarks *bookmarks, gboolean pep);
XmppBookmarksStore xmpp_bookmarks_get_store(const XmppBookmarks *bookmarks);

/* Adds or changes the bookmark of bookmark->room and stores it for the other devices.
 * FALSE (nothing stored) when the bookmarks are not read yet or too many. */
gboolean xmpp_bookmarks_put(XmppBookmarks *bookmarks, const XmppBookmark *bookmark);
/* Removes room's bookmark (FALSE when there is none). */
gboolean xmpp_bookmarks_remove(XmppBookmarks *bookmarks, const char *room);

/* NULL when room has no bookmark. */
const XmppBookmark *xmpp_bookmarks_lookup(const XmppBookmarks *bookmarks, const char *room);
guint xmpp_bookmarks_count(const XmppBookmarks *bookmarks);
/* In the order of the rooms' JIDs. */
void xmpp_bookmarks_foreach(const XmppBookmarks *bookmarks,
                            void (*func)(const XmppBookmark *bookmark, gpointer data),
                            gpointer data);

G_END_DECLS
