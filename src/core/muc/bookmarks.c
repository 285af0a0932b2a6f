/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBookmarks: reading the bookmarks at sign-in, storing the user's changes, applying the
 * other devices' (XEP-0402 §3, XEP-0048 §3). */
#include "muc/bookmarks.h"

#include "muc/muc-user.h"
#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppBookmarks {
  XmppRouter *router;
  const XmppHost *host;
  XmppPep *pep;
  XmppBookmarksEvents events;
  gpointer events_data;
  XmppBookmarksStore store;
  GHashTable *rooms; /* room -> XmppBookmark* */
  XmppNode *storage; /* XEP-0048: the storage as last read or written (other children kept) */
  guint generation;  /* a reading for an earlier session is not applied */
};

/* XEP-0402 §5 (XEP-0223 §4): private to the account, every item kept, none sent at sign-in
 * (we read them ourselves). */
static const char *const publish_options[] = {"pubsub#persist_items",
                                              "true",
                                              "pubsub#max_items",
                                              "max",
                                              "pubsub#send_last_published_item",
                                              "never",
                                              "pubsub#access_model",
                                              "whitelist",
                                              NULL};

typedef struct {
  XmppBookmarks *bookmarks;
  guint generation;
} Reading;

static Reading *
reading_new(XmppBookmarks *bookmarks)
{
  Reading *r = g_new0(Reading, 1);
  r->bookmarks = bookmarks;
  r->generation = bookmarks->generation;
  return r;
}

static void
insert(XmppBookmarks *b, XmppBookmark *bookmark)
{
  g_hash_table_replace(b->rooms, bookmark->room, bookmark);
}

static void
emit_loaded(XmppBookmarks *b, XmppBookmarksStore store)
{
  b->store = store;
  xmpp_host_log(b->host, XMPP_LOG_INFO, "%u bookmarks (%s)", g_hash_table_size(b->rooms),
                store == XMPP_BOOKMARKS_PEP ? "XEP-0402" : "XEP-0048");
  if (b->events.loaded != NULL)
    b->events.loaded(b->events_data);
}

/* A reading that is ours and for this session, or NULL with the reason logged. */
static XmppBookmarks *
reading_applies(Reading *r, const GError *error, const char *what)
{
  if (error != NULL && xmpp_iq_error_is_ended(error))
    return NULL;
  if (r->generation != r->bookmarks->generation)
    return NULL;
  if (error != NULL &&
      !g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND)) {
    /* Unread bookmarks are never written over: until they are read, changes wait. */
    xmpp_host_log(r->bookmarks->host, XMPP_LOG_WARNING, "reading the %s failed: %s", what,
                  error->message);
    return NULL;
  }
  return r->bookmarks;
}

static void
on_pep_items(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppBookmarks *b = reading_applies(data, error, "bookmarks (XEP-0402)");
  if (b == NULL)
    return;
  g_hash_table_remove_all(b->rooms);
  XmppNode *pubsub = error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  XmppNode *items = xmpp_node_get_child(pubsub, XMPP_NS_PUBSUB, "items");
  for (const XmppNode *item = xmpp_node_get_child(items, XMPP_NS_PUBSUB, "item");
       item != NULL && g_hash_table_size(b->rooms) < XMPP_BOOKMARKS_MAX;
       item = xmpp_node_next_child(items, item, XMPP_NS_PUBSUB, "item")) {
    XmppBookmark *bookmark = xmpp_bookmark_parse_item(item);
    if (bookmark != NULL)
      insert(b, bookmark);
  }
  emit_loaded(b, XMPP_BOOKMARKS_PEP);
}

static void
on_private_storage(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppBookmarks *b = reading_applies(data, error, "bookmarks (XEP-0048)");
  if (b == NULL)
    return;
  g_hash_table_remove_all(b->rooms);
  XmppNode *query = error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  XmppNode *storage = xmpp_node_get_child(query, XMPP_NS_BOOKMARKS_LEGACY, "storage");
  g_autoptr(GPtrArray) list = xmpp_bookmark_parse_storage(storage, XMPP_BOOKMARKS_MAX);
  for (guint i = 0; i < list->len; i++)
    insert(b, g_ptr_array_steal_index(list, i--));
  g_clear_pointer(&b->storage, xmpp_node_free);
  b->storage = storage != NULL ? xmpp_node_copy(storage) : NULL;
  emit_loaded(b, XMPP_BOOKMARKS_PRIVATE);
}

void
xmpp_bookmarks_load(XmppBookmarks *bookmarks, gboolean pep)
{
  g_return_if_fail(bookmarks != NULL);
  bookmarks->generation++;
  bookmarks->store = XMPP_BOOKMARKS_UNKNOWN;
  XmppNode *iq = xmpp_stanza_new_iq("get", NULL, NULL);
  if (pep) {
    XmppNode *pubsub = xmpp_node_new_child(iq, XMPP_NS_PUBSUB, "pubsub");
    XmppNode *items = xmpp_node_new_child(pubsub, NULL, "items");
    xmpp_node_set_attr(items, "node", XMPP_NS_BOOKMARKS);
  } else {
    XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_PRIVATE, "query");
    xmpp_node_new_child(query, XMPP_NS_BOOKMARKS_LEGACY, "storage");
  }
  xmpp_router_send_iq(bookmarks->router, bookmarks, iq, 0, pep ? on_pep_items : on_private_storage,
                      reading_new(bookmarks), g_free);
}

XmppBookmarksStore
xmpp_bookmarks_get_store(const XmppBookmarks *bookmarks)
{
  return bookmarks->store;
}

/* ---- storing our changes -------------------------------------------------------------------- */

static void
on_stored(const XmppStanza *reply, const GError *error, gpointer data)
{
  if (error != NULL && !xmpp_iq_error_is_ended(error))
    xmpp_host_log(data, XMPP_LOG_WARNING, "storing the bookmarks failed: %s", error->message);
}

static void
store_iq(XmppBookmarks *b, XmppNode *iq)
{
  xmpp_router_send_iq(b->router, b, iq, 0, on_stored, (gpointer)b->host, NULL);
}

static int
compare_rooms(gconstpointer a, gconstpointer b)
{
  return g_strcmp0((*(const XmppBookmark *const *)a)->room,
                   (*(const XmppBookmark *const *)b)->room);
}

/* The rooms' bookmarks in JID order (borrowed). */
static GPtrArray *
sorted(const XmppBookmarks *b)
{
  GPtrArray *list = g_ptr_array_new();
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, b->rooms);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    g_ptr_array_add(list, value);
  g_ptr_array_sort(list, compare_rooms);
  return list;
}

/* XEP-0048 §3: the whole storage, every room and what else it held. */
static void
write_storage(XmppBookmarks *b)
{
  g_autoptr(GPtrArray) list = sorted(b);
  XmppNode *storage = xmpp_bookmark_build_storage(list, b->storage);
  g_clear_pointer(&b->storage, xmpp_node_free);
  b->storage = xmpp_node_copy(storage);
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_PRIVATE, "query");
  xmpp_node_add_child(query, storage);
  store_iq(b, iq);
}

gboolean
xmpp_bookmarks_put(XmppBookmarks *bookmarks, const XmppBookmark *bookmark)
{
  g_return_val_if_fail(bookmarks != NULL && bookmark != NULL, FALSE);
  const XmppBookmark *old = g_hash_table_lookup(bookmarks->rooms, bookmark->room);
  if (bookmarks->store == XMPP_BOOKMARKS_UNKNOWN ||
      (old == NULL && g_hash_table_size(bookmarks->rooms) >= XMPP_BOOKMARKS_MAX))
    return FALSE;
  if (xmpp_bookmark_equal(old, bookmark))
    return TRUE;
  insert(bookmarks, xmpp_bookmark_copy(bookmark));
  if (bookmarks->store == XMPP_BOOKMARKS_PRIVATE) {
    write_storage(bookmarks);
    return TRUE;
  }
  store_iq(bookmarks, xmpp_pep_build_publish_with(
                          XMPP_NS_BOOKMARKS, xmpp_bookmark_build_item(bookmark), publish_options));
  return TRUE;
}

gboolean
xmpp_bookmarks_remove(XmppBookmarks *bookmarks, const char *room)
{
  g_return_val_if_fail(bookmarks != NULL, FALSE);
  g_autofree char *jid = room != NULL ? g_strdup(room) : NULL;
  if (bookmarks->store == XMPP_BOOKMARKS_UNKNOWN || jid == NULL ||
      !g_hash_table_remove(bookmarks->rooms, jid))
    return FALSE;
  if (bookmarks->store == XMPP_BOOKMARKS_PRIVATE) {
    write_storage(bookmarks);
    return TRUE;
  }
  /* XEP-0402 §3.3, XEP-0060 §7.2: notify, so that the other devices hear of it. */
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *pubsub = xmpp_node_new_child(iq, XMPP_NS_PUBSUB, "pubsub");
  XmppNode *retract = xmpp_node_new_child(pubsub, NULL, "retract");
  xmpp_node_set_attr(retract, "node", XMPP_NS_BOOKMARKS);
  xmpp_node_set_attr(retract, "notify", "true");
  XmppNode *item = xmpp_node_new_child(retract, NULL, "item");
  xmpp_node_set_attr(item, "id", jid);
  store_iq(bookmarks, iq);
  return TRUE;
}

/* ---- the other devices' changes (XEP-0402 §4) ----------------------------------------------- */

static void
apply_item(XmppBookmarks *b, const XmppNode *item)
{
  g_autoptr(XmppBookmark) bookmark = xmpp_bookmark_parse_item(item);
  if (bookmark == NULL)
    return;
  const XmppBookmark *old = g_hash_table_lookup(b->rooms, bookmark->room);
  if (xmpp_bookmark_equal(old, bookmark)) /* ours, coming back */
    return;
  if (old == NULL && g_hash_table_size(b->rooms) >= XMPP_BOOKMARKS_MAX)
    return;
  gboolean is_new = old == NULL;
  XmppBookmark *kept = g_steal_pointer(&bookmark);
  insert(b, kept);
  if (b->events.changed != NULL)
    b->events.changed(b->events_data, kept, is_new);
}

static void
apply_retract(XmppBookmarks *b, const XmppNode *retract)
{
  g_autofree char *room = xmpp_muc_room_jid(xmpp_node_get_attr(retract, "id"));
  if (room == NULL || !g_hash_table_remove(b->rooms, room))
    return;
  if (b->events.removed != NULL)
    b->events.removed(b->events_data, room);
}

static void
on_notification(const XmppJid *from, const char *node, const XmppNode *items, gpointer data)
{
  XmppBookmarks *b = data;
  const XmppJid *own = xmpp_router_get_own_jid(b->router);
  if (own == NULL || !xmpp_jid_equal(from, own, XMPP_JID_MATCH_BARE)) {
    /* T42: someone else's bookmarks (or someone claiming to be us) change nothing of ours. */
    xmpp_host_log(b->host, XMPP_LOG_WARNING, "bookmarks notification from %s ignored",
                  xmpp_jid_get_full(from));
    return;
  }
  /* Until ours are read (the reading has what came before), and never for XEP-0048's. */
  if (b->store != XMPP_BOOKMARKS_PEP)
    return;
  for (guint i = 0; i < xmpp_node_n_children(items); i++) {
    const XmppNode *child = xmpp_node_nth_child(items, i);
    if (xmpp_node_is(child, XMPP_NS_PUBSUB_EVENT, "item"))
      apply_item(b, child);
    else if (xmpp_node_is(child, XMPP_NS_PUBSUB_EVENT, "retract"))
      apply_retract(b, child);
  }
}

/* ---- the rest -------------------------------------------------------------------------------- */

XmppBookmarks *
xmpp_bookmarks_new(XmppRouter *router, const XmppHost *host, XmppPep *pep)
{
  XmppBookmarks *b = g_new0(XmppBookmarks, 1);
  b->router = router;
  b->host = host;
  b->pep = pep;
  b->rooms =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)xmpp_bookmark_free);
  xmpp_pep_add_handler(pep, XMPP_NS_BOOKMARKS, on_notification, b);
  return b;
}

void
xmpp_bookmarks_free(XmppBookmarks *bookmarks)
{
  if (bookmarks == NULL)
    return;
  xmpp_router_cancel_owner(bookmarks->router, bookmarks);
  g_hash_table_destroy(bookmarks->rooms);
  xmpp_node_free(bookmarks->storage);
  g_free(bookmarks);
}

void
xmpp_bookmarks_set_events(XmppBookmarks *bookmarks, const XmppBookmarksEvents *events,
                          gpointer data)
{
  bookmarks->events = *events;
  bookmarks->events_data = data;
}

const XmppBookmark *
xmpp_bookmarks_lookup(const XmppBookmarks *bookmarks, const char *room)
{
  return room != NULL ? g_hash_table_lookup(bookmarks->rooms, room) : NULL;
}

guint
xmpp_bookmarks_count(const XmppBookmarks *bookmarks)
{
  return g_hash_table_size(bookmarks->rooms);
}

void
xmpp_bookmarks_foreach(const XmppBookmarks *bookmarks,
                       void (*func)(const XmppBookmark *bookmark, gpointer data), gpointer data)
{
  g_autoptr(GPtrArray) list = sorted(bookmarks);
  for (guint i = 0; i < list->len; i++)
    func(list->pdata[i], data);
}
