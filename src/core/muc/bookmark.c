/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBookmark: the XEP-0402 item and the XEP-0048 storage, parsed and built. */
#include "muc/bookmark.h"

#include <string.h>

#include "muc/muc-user.h"
#include "services/namespaces.h"

static char *
dup_text(const char *text)
{
  if (text == NULL || *text == '\0' || strlen(text) > XMPP_BOOKMARK_MAX_TEXT ||
      !g_utf8_validate(text, -1, NULL))
    return NULL;
  return g_strdup(text);
}

XmppBookmark *
xmpp_bookmark_new(const char *room, const char *name, gboolean autojoin, const char *nick,
                  const char *password)
{
  g_autofree char *jid = xmpp_muc_room_jid(room);
  if (jid == NULL)
    return NULL;
  XmppBookmark *b = g_new0(XmppBookmark, 1);
  b->room = g_steal_pointer(&jid);
  b->name = dup_text(name);
  b->autojoin = autojoin;
  char *prepared = NULL;
  if (nick != NULL && xmpp_muc_nick_valid(nick, &prepared))
    b->nick = prepared;
  b->password = dup_text(password);
  return b;
}

XmppBookmark *
xmpp_bookmark_copy(const XmppBookmark *bookmark)
{
  g_return_val_if_fail(bookmark != NULL, NULL);
  XmppBookmark *b = g_new0(XmppBookmark, 1);
  b->room = g_strdup(bookmark->room);
  b->name = g_strdup(bookmark->name);
  b->autojoin = bookmark->autojoin;
  b->nick = g_strdup(bookmark->nick);
  b->password = g_strdup(bookmark->password);
  return b;
}

void
xmpp_bookmark_free(XmppBookmark *bookmark)
{
  if (bookmark == NULL)
    return;
  g_free(bookmark->room);
  g_free(bookmark->name);
  g_free(bookmark->nick);
  g_free(bookmark->password);
  g_free(bookmark);
}

gboolean
xmpp_bookmark_equal(const XmppBookmark *a, const XmppBookmark *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0(a->room, b->room) == 0 && g_strcmp0(a->name, b->name) == 0 &&
         !a->autojoin == !b->autojoin && g_strcmp0(a->nick, b->nick) == 0 &&
         g_strcmp0(a->password, b->password) == 0;
}

/* xs:boolean (XEP-0402 and XEP-0048 both say so). */
static gboolean
parse_bool(const char *value)
{
  return g_strcmp0(value, "true") == 0 || g_strcmp0(value, "1") == 0;
}

/* A <conference/> of either namespace: the name and autojoin attributes, nick and password. */
static XmppBookmark *
parse_conference(const char *room, const XmppNode *conference, const char *ns)
{
  g_autofree char *nick = xmpp_node_dup_child_text(conference, ns, "nick");
  g_autofree char *password = xmpp_node_dup_child_text(conference, ns, "password");
  return xmpp_bookmark_new(room, xmpp_node_get_attr(conference, "name"),
                           parse_bool(xmpp_node_get_attr(conference, "autojoin")), nick, password);
}

XmppBookmark *
xmpp_bookmark_parse_item(const XmppNode *item)
{
  if (item == NULL || !xmpp_node_is(item, NULL, "item"))
    return NULL;
  XmppNode *conference = xmpp_node_get_child(item, XMPP_NS_BOOKMARKS, "conference");
  const char *id = xmpp_node_get_attr(item, "id");
  if (conference == NULL || id == NULL)
    return NULL;
  return parse_conference(id, conference, XMPP_NS_BOOKMARKS);
}

static void
fill_conference(XmppNode *conference, const XmppBookmark *bookmark, const char *ns)
{
  if (bookmark->name != NULL)
    xmpp_node_set_attr(conference, "name", bookmark->name);
  xmpp_node_set_attr(conference, "autojoin", bookmark->autojoin ? "true" : "false");
  if (bookmark->nick != NULL)
    xmpp_node_new_text_child(conference, ns, "nick", bookmark->nick);
  if (bookmark->password != NULL)
    xmpp_node_new_text_child(conference, ns, "password", bookmark->password);
}

XmppNode *
xmpp_bookmark_build_item(const XmppBookmark *bookmark)
{
  g_return_val_if_fail(bookmark != NULL, NULL);
  XmppNode *item = xmpp_node_new(XMPP_NS_PUBSUB, "item");
  xmpp_node_set_attr(item, "id", bookmark->room);
  XmppNode *conference = xmpp_node_new_child(item, XMPP_NS_BOOKMARKS, "conference");
  fill_conference(conference, bookmark, XMPP_NS_BOOKMARKS);
  return item;
}

GPtrArray *
xmpp_bookmark_parse_storage(const XmppNode *storage, guint max)
{
  GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_bookmark_free);
  if (storage == NULL || !xmpp_node_is(storage, XMPP_NS_BOOKMARKS_LEGACY, "storage"))
    return list;
  for (const XmppNode *c = xmpp_node_get_child(storage, XMPP_NS_BOOKMARKS_LEGACY, "conference");
       c != NULL && list->len < max;
       c = xmpp_node_next_child(storage, c, XMPP_NS_BOOKMARKS_LEGACY, "conference")) {
    XmppBookmark *b = parse_conference(xmpp_node_get_attr(c, "jid"), c, XMPP_NS_BOOKMARKS_LEGACY);
    gboolean seen = FALSE;
    for (guint i = 0; b != NULL && i < list->len && !seen; i++)
      seen = g_strcmp0(((XmppBookmark *)list->pdata[i])->room, b->room) == 0;
    if (b != NULL && !seen)
      g_ptr_array_add(list, b);
    else
      xmpp_bookmark_free(b);
  }
  return list;
}

XmppNode *
xmpp_bookmark_build_storage(GPtrArray *bookmarks, const XmppNode *previous)
{
  XmppNode *storage = xmpp_node_new(XMPP_NS_BOOKMARKS_LEGACY, "storage");
  for (guint i = 0; bookmarks != NULL && i < bookmarks->len; i++) {
    const XmppBookmark *b = bookmarks->pdata[i];
    XmppNode *c = xmpp_node_new_child(storage, XMPP_NS_BOOKMARKS_LEGACY, "conference");
    xmpp_node_set_attr(c, "jid", b->room);
    fill_conference(c, b, XMPP_NS_BOOKMARKS_LEGACY);
  }
  for (guint i = 0; previous != NULL && i < xmpp_node_n_children(previous); i++) {
    const XmppNode *child = xmpp_node_nth_child(previous, i);
    if (!xmpp_node_is_text(child) && !xmpp_node_is(child, XMPP_NS_BOOKMARKS_LEGACY, "conference"))
      xmpp_node_add_child(storage, xmpp_node_copy(child));
  }
  return storage;
}
