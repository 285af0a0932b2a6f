/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The account's bookmarks (muc/bookmarks.h) as the buddy list's chats, both ways:
 *  - a bookmark is a chat on the list (new ones in purple's "Chats" group), its name the
 *    chat's alias, its autojoin the UI's "join automatically" (Pidgin's gtk-autojoin,
 *    Finch's gnt-autojoin); rooms with autojoin are joined once the bookmarks are read, and
 *    when another device turns autojoin on (XEP-0402 §4);
 *  - a chat the user adds becomes a bookmark, one removed stops being one, and an alias or a
 *    "join automatically" changed is stored (the UIs tell nobody when that box changes: the
 *    list is looked at again a few seconds later).
 * Which side changed is told by what was last agreed, kept on the chat: lyre-bookmark (the
 * chat was a stored bookmark) and lyre-autojoin (its autojoin then). A chat that was a
 * bookmark and no longer is one was removed elsewhere; one that never was is the user's. */
#include "purple-chat.h"

#include "jid/jid.h"
#include "muc/bookmarks.h"

#define SETTING_SYNCED   "lyre-bookmark"
#define SETTING_AUTOJOIN "lyre-autojoin"
#define CHECK_S          5 /* how often the list is looked at for the user's changes */

typedef struct _XmppPurpleBookmarks {
  XmppPurpleConn *conn;
  gboolean applying; /* our own change to the list: not the user's */
  guint check_timer;
  guint soon; /* a look at the list right after the user changed it */
} XmppPurpleBookmarks;

static XmppBookmarks *
store_of(XmppPurpleBookmarks *b)
{
  return b->conn->session != NULL ? xmpp_session_get_bookmarks(b->conn->session) : NULL;
}

static gboolean
loaded(XmppPurpleBookmarks *b)
{
  XmppBookmarks *store = store_of(b);
  return store != NULL && xmpp_bookmarks_get_store(store) != XMPP_BOOKMARKS_UNKNOWN;
}

/* The UI's "join automatically": Pidgin's or Finch's, whichever the user changed since the
 * last agreement (both are set to what was agreed). */
static gboolean
ui_autojoin(PurpleChat *chat)
{
  PurpleBlistNode *node = PURPLE_BLIST_NODE(chat);
  gboolean gtk = purple_blist_node_get_bool(node, "gtk-autojoin");
  gboolean gnt = purple_blist_node_get_bool(node, "gnt-autojoin");
  if (!purple_blist_node_get_bool(node, SETTING_SYNCED))
    return gtk || gnt;
  gboolean agreed = purple_blist_node_get_bool(node, SETTING_AUTOJOIN);
  return gtk != agreed ? gtk : gnt;
}

static void
set_agreed(PurpleChat *chat, gboolean autojoin)
{
  PurpleBlistNode *node = PURPLE_BLIST_NODE(chat);
  purple_blist_node_set_bool(node, "gtk-autojoin", autojoin);
  purple_blist_node_set_bool(node, "gnt-autojoin", autojoin);
  purple_blist_node_set_bool(node, SETTING_SYNCED, TRUE);
  purple_blist_node_set_bool(node, SETTING_AUTOJOIN, autojoin);
}

/* The room of one of this account's chats, or NULL. */
static char *
room_of_chat(XmppPurpleBookmarks *b, PurpleBlistNode *node)
{
  if (!PURPLE_BLIST_NODE_IS_CHAT(node) ||
      purple_chat_get_account(PURPLE_CHAT(node)) != b->conn->account)
    return NULL;
  return xmpp_purple_chat_room_of(purple_chat_get_components(PURPLE_CHAT(node)));
}

/* This account's chats on the list, as room -> PurpleChat* (the first one of a room). */
static GHashTable *
chats_by_room(XmppPurpleBookmarks *b)
{
  GHashTable *chats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (PurpleBlistNode *n = purple_blist_get_root(); n != NULL;
       n = purple_blist_node_next(n, FALSE)) {
    char *room = room_of_chat(b, n);
    if (room != NULL && !g_hash_table_contains(chats, room))
      g_hash_table_insert(chats, room, n);
    else
      g_free(room);
  }
  return chats;
}

static PurpleChat *
find_chat(XmppPurpleBookmarks *b, const char *room)
{
  g_autoptr(GHashTable) chats = chats_by_room(b);
  return g_hash_table_lookup(chats, room);
}

/* The account's own name, the nick a bookmark without one is joined with (as Join a Chat). */
static char *
default_nick(XmppPurpleBookmarks *b)
{
  g_autoptr(XmppJid) me = xmpp_jid_parse(purple_account_get_username(b->conn->account), NULL);
  return g_strdup(me != NULL && xmpp_jid_get_local(me) != NULL ? xmpp_jid_get_local(me) : "me");
}

/* The bookmark a chat on the list stands for. */
static XmppBookmark *
bookmark_of_chat(XmppPurpleBookmarks *b, PurpleChat *chat, const char *room)
{
  GHashTable *components = purple_chat_get_components(chat);
  const char *handle = g_hash_table_lookup(components, "handle");
  g_autofree char *nick = default_nick(b);
  return xmpp_bookmark_new(room, chat->alias, ui_autojoin(chat),
                           g_strcmp0(handle, nick) != 0 ? handle : NULL,
                           g_hash_table_lookup(components, "password"));
}

/* Puts the bookmark's room, nick and password into the chat's components. */
static void
fill_components(XmppPurpleBookmarks *b, GHashTable *components, const XmppBookmark *bookmark)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse(bookmark->room, NULL);
  g_hash_table_replace(components, g_strdup("room"), g_strdup(xmpp_jid_get_local(jid)));
  g_hash_table_replace(components, g_strdup("server"), g_strdup(xmpp_jid_get_domain(jid)));
  g_hash_table_replace(components, g_strdup("handle"),
                       bookmark->nick != NULL ? g_strdup(bookmark->nick) : default_nick(b));
  if (bookmark->password != NULL)
    g_hash_table_replace(components, g_strdup("password"), g_strdup(bookmark->password));
  else
    g_hash_table_remove(components, "password");
}

/* The list shows bookmark: its chat made (in "Chats") or brought up to date. */
static PurpleChat *
show(XmppPurpleBookmarks *b, const XmppBookmark *bookmark, PurpleChat *chat)
{
  b->applying = TRUE;
  if (chat == NULL) {
    GHashTable *components = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    fill_components(b, components, bookmark);
    chat = purple_chat_new(b->conn->account, bookmark->name, components);
    purple_blist_add_chat(chat, NULL, NULL);
  } else {
    fill_components(b, purple_chat_get_components(chat), bookmark);
    if (bookmark->name != NULL && g_strcmp0(chat->alias, bookmark->name) != 0)
      purple_blist_alias_chat(chat, bookmark->name);
  }
  set_agreed(chat, bookmark->autojoin);
  b->applying = FALSE;
  return chat;
}

static void
autojoin(const XmppBookmark *bookmark, gpointer data)
{
  XmppPurpleBookmarks *b = data;
  if (!bookmark->autojoin)
    return;
  g_autofree char *nick = bookmark->nick != NULL ? g_strdup(bookmark->nick) : default_nick(b);
  xmpp_purple_chat_join_room(b->conn, bookmark->room, nick, bookmark->password);
}

/* ---- the user's changes ------------------------------------------------------------------- */

/* Stores what the user changed on the list since the last agreement: chats added, aliases and
 * "join automatically" changed. (Removals are stored at once: blist-node-removed.) */
static void
store_user_changes(XmppPurpleBookmarks *b)
{
  XmppBookmarks *store = store_of(b);
  if (!loaded(b))
    return;
  g_autoptr(GHashTable) chats = chats_by_room(b);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, chats);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    PurpleChat *chat = value;
    PurpleBlistNode *node = PURPLE_BLIST_NODE(chat);
    const XmppBookmark *stored = xmpp_bookmarks_lookup(store, key);
    gboolean synced = purple_blist_node_get_bool(node, SETTING_SYNCED);
    if (stored == NULL && synced)
      continue; /* removed elsewhere: bookmarks_loaded takes it off the list */
    g_autoptr(XmppBookmark) wanted = bookmark_of_chat(b, chat, key);
    if (wanted == NULL)
      continue;
    if (stored != NULL) {
      /* Only what the user can change here: the alias and "join automatically". */
      if (purple_blist_node_get_bool(node, SETTING_AUTOJOIN) == wanted->autojoin)
        wanted->autojoin = stored->autojoin;
      g_free(wanted->nick);
      wanted->nick = g_strdup(stored->nick);
      g_free(wanted->password);
      wanted->password = g_strdup(stored->password);
      if (wanted->name == NULL)
        wanted->name = g_strdup(stored->name);
    }
    if (xmpp_bookmark_equal(stored, wanted))
      continue;
    if (xmpp_bookmarks_put(store, wanted)) {
      purple_debug_info(XMPP_PURPLE_DEBUG, "bookmark of %s stored (autojoin %d)\n", wanted->room,
                        wanted->autojoin);
      set_agreed(chat, wanted->autojoin);
    }
  }
}

static gboolean
check_now(gpointer data)
{
  XmppPurpleBookmarks *b = data;
  b->soon = 0;
  store_user_changes(b);
  return G_SOURCE_REMOVE;
}

static gboolean
check_tick(gpointer data)
{
  store_user_changes(data);
  return G_SOURCE_CONTINUE;
}

/* After the UI is done with the node (Pidgin's Add Chat sets "join automatically" after
 * adding the chat). */
static void
check_soon(XmppPurpleBookmarks *b)
{
  if (b->soon == 0)
    b->soon = purple_timeout_add(0, check_now, b);
}

static void
node_added(PurpleBlistNode *node, gpointer data)
{
  XmppPurpleBookmarks *b = data;
  g_autofree char *room = b->applying ? NULL : room_of_chat(b, node);
  if (room != NULL)
    check_soon(b);
}

static void
node_aliased(PurpleBlistNode *node, const char *old_alias, gpointer data)
{
  node_added(node, data);
}

static void
node_removed(PurpleBlistNode *node, gpointer data)
{
  XmppPurpleBookmarks *b = data;
  g_autofree char *room = b->applying ? NULL : room_of_chat(b, node);
  if (room == NULL || !loaded(b))
    return;
  /* Another chat of the same room keeps the bookmark. */
  g_autoptr(GHashTable) chats = chats_by_room(b);
  PurpleBlistNode *other = g_hash_table_lookup(chats, room);
  if (other != NULL && other != node)
    return;
  if (xmpp_bookmarks_remove(store_of(b), room))
    purple_debug_info(XMPP_PURPLE_DEBUG, "bookmark of %s removed\n", room);
}

/* ---- the store's events ------------------------------------------------------------------- */

static void
show_bookmark(XmppPurpleBookmarks *b, const XmppBookmark *bookmark, PurpleChat *chat)
{
  PurpleBlistNode *node = chat != NULL ? PURPLE_BLIST_NODE(chat) : NULL;
  /* "Join automatically" changed here while we were away: the user's change wins. */
  if (node != NULL && purple_blist_node_get_bool(node, SETTING_SYNCED) &&
      purple_blist_node_get_bool(node, SETTING_AUTOJOIN) != ui_autojoin(chat))
    return; /* store_user_changes stores it */
  show(b, bookmark, chat);
}

typedef struct {
  XmppPurpleBookmarks *b;
  GHashTable *chats; /* the rooms that had a chat on the list */
} Loading;

static void
show_new_bookmark(const XmppBookmark *bookmark, gpointer data)
{
  Loading *l = data;
  if (!g_hash_table_contains(l->chats, bookmark->room))
    show(l->b, bookmark, NULL);
}

static void
ev_loaded(gpointer data)
{
  XmppPurpleBookmarks *b = data;
  XmppBookmarks *store = store_of(b);
  g_autoptr(GHashTable) chats = chats_by_room(b); /* the list walked once */
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, chats);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    const XmppBookmark *bookmark = xmpp_bookmarks_lookup(store, key);
    if (bookmark != NULL) {
      show_bookmark(b, bookmark, value);
    } else if (purple_blist_node_get_bool(PURPLE_BLIST_NODE(value), SETTING_SYNCED)) {
      /* A bookmark once, no longer: removed on another device. */
      purple_debug_info(XMPP_PURPLE_DEBUG, "bookmark of %s removed elsewhere\n", (char *)key);
      b->applying = TRUE;
      purple_blist_remove_chat(value);
      b->applying = FALSE;
    }
  }
  /* Bookmarks without a chat yet. */
  Loading loading = {b, chats};
  xmpp_bookmarks_foreach(store, show_new_bookmark, &loading);
  store_user_changes(b); /* chats never stored, and changes made while away */
  xmpp_bookmarks_foreach(store, autojoin, b);
}

static void
ev_changed(gpointer data, const XmppBookmark *bookmark, gboolean is_new)
{
  XmppPurpleBookmarks *b = data;
  show(b, bookmark, find_chat(b, bookmark->room));
  autojoin(bookmark, b); /* XEP-0402 §4: a bookmark with autojoin is joined at once */
}

static void
ev_removed(gpointer data, const char *room)
{
  XmppPurpleBookmarks *b = data;
  PurpleChat *chat = find_chat(b, room);
  if (chat == NULL || !purple_blist_node_get_bool(PURPLE_BLIST_NODE(chat), SETTING_SYNCED))
    return;
  b->applying = TRUE;
  purple_blist_remove_chat(chat);
  b->applying = FALSE;
}

static const XmppBookmarksEvents bookmarks_events = {
    .loaded = ev_loaded,
    .changed = ev_changed,
    .removed = ev_removed,
};

/* ---- the area ----------------------------------------------------------------------------- */

void
xmpp_purple_bookmarks_start(XmppPurpleConn *conn)
{
  XmppPurpleBookmarks *b = g_new0(XmppPurpleBookmarks, 1);
  b->conn = conn;
  conn->bookmarks_state = b;
  xmpp_bookmarks_set_events(xmpp_session_get_bookmarks(conn->session), &bookmarks_events, b);
  void *blist = purple_blist_get_handle();
  purple_signal_connect(blist, "blist-node-added", b, PURPLE_CALLBACK(node_added), b);
  purple_signal_connect(blist, "blist-node-removed", b, PURPLE_CALLBACK(node_removed), b);
  purple_signal_connect(blist, "blist-node-aliased", b, PURPLE_CALLBACK(node_aliased), b);
  b->check_timer = purple_timeout_add_seconds(CHECK_S, check_tick, b);
}

void
xmpp_purple_bookmarks_stop(XmppPurpleConn *conn)
{
  XmppPurpleBookmarks *b = conn->bookmarks_state;
  if (b == NULL)
    return;
  if (conn->session != NULL) {
    static const XmppBookmarksEvents none = {0};
    xmpp_bookmarks_set_events(xmpp_session_get_bookmarks(conn->session), &none, NULL);
  }
  purple_signals_disconnect_by_handle(b);
  purple_timeout_remove(b->check_timer);
  if (b->soon != 0)
    purple_timeout_remove(b->soon);
  conn->bookmarks_state = NULL;
  g_free(b);
}
