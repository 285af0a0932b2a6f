/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The roster on purple's buddy list: the stored copy and the fetch at sign-in, pushes applied
 * live, and the buddy-list operations turned into roster sets (RFC 6121 §2). */
#include "purple-glue.h"
#include "purple-errors.h"
#include "purple-i18n.h"

#include <errno.h>
#include <string.h>

#include "im/roster.h"
#include "router/stanza-error.h"
#include "xml/parser.h"

#define SAVE_DELAY_S 2 /* pushes come in bursts: write the stored copy once per burst */

struct _XmppPurpleRosterState {
  XmppPurpleConn *conn;
  char *store_path;
  guint save_timer;
  gboolean applying;      /* our own buddy-list changes: do not echo them to the server */
  gboolean presence_sent; /* initial presence goes out once per sign-in, after the roster */
  guint apply_timer;      /* the fetched roster goes onto the buddy list from the main loop */
  gboolean unchanged;     /* ... and it was the stored copy (versioning) */
};
typedef struct _XmppPurpleRosterState RosterState;

static RosterState *
state_of(XmppPurpleConn *conn)
{
  return conn != NULL ? conn->roster_state : NULL;
}

static XmppRoster *
roster_of(XmppPurpleConn *conn)
{
  return conn->session != NULL ? xmpp_session_get_roster(conn->session) : NULL;
}

/* prpl-jabber's name for the group of items without one, so both show the same list. */
static const char *
default_group(void)
{
  return _("Buddies");
}

/* ---- the stored copy ---------------------------------------------------------------------- */

static char *
store_path_for(XmppPurpleConn *conn)
{
  const XmppJid *me = xmpp_session_get_account_jid(conn->session);
  char *base = g_strdup_printf("roster-%s.txt", purple_escape_filename(xmpp_jid_get_bare(me)));
  char *path = g_build_filename(purple_user_dir(), "lyre", base, NULL);
  g_free(base);
  return path;
}

static void
store_now(RosterState *state)
{
  XmppRoster *roster = roster_of(state->conn);
  if (roster == NULL || !xmpp_roster_is_loaded(roster))
    return; /* only what the server confirmed is worth keeping */
  gsize len = 0;
  char *bytes = xmpp_roster_store_serialize(roster, &len);
  char *dir = g_path_get_dirname(state->store_path);
  GError *error = NULL;
  /* g_file_set_contents writes a temporary file and renames it: never a half-written copy. */
  if (g_mkdir_with_parents(dir, 0700) != 0 ||
      !g_file_set_contents(state->store_path, bytes, (gssize)len, &error))
    purple_debug_warning(XMPP_PURPLE_DEBUG, "roster: cannot store %s: %s\n", state->store_path,
                         error != NULL ? error->message : g_strerror(errno));
  g_clear_error(&error);
  g_free(dir);
  g_free(bytes);
}

static gboolean
save_timer_cb(gpointer data)
{
  RosterState *state = data;
  state->save_timer = 0;
  store_now(state);
  return G_SOURCE_REMOVE;
}

static void
schedule_save(RosterState *state)
{
  if (state->save_timer == 0)
    state->save_timer = purple_timeout_add_seconds(SAVE_DELAY_S, save_timer_cb, state);
}

static void
load_stored_copy(RosterState *state)
{
  char *bytes = NULL;
  gsize len = 0;
  if (!g_file_get_contents(state->store_path, &bytes, &len, NULL))
    return; /* none yet */
  GError *error = NULL;
  if (!xmpp_roster_store_load(roster_of(state->conn), bytes, len, &error)) {
    purple_debug_warning(XMPP_PURPLE_DEBUG, "roster: ignoring stored copy %s: %s\n",
                         state->store_path, error->message);
    g_clear_error(&error);
  }
  g_free(bytes);
}

/* ---- applying items to the buddy list ----------------------------------------------------- */

typedef struct {
  PurpleAccount *account;
  GHashTable *groups; /* name -> PurpleGroup*, so a big roster does not scan the list each time */
  GHashTable *tails;  /* PurpleGroup* -> its last contact node, while applying a whole roster */
  const char *fallback[2]; /* the groups of an item without any: the default group */
} Applier;

static PurpleGroup *
group_get(Applier *a, const char *name)
{
  PurpleGroup *group = a->groups != NULL ? g_hash_table_lookup(a->groups, name) : NULL;
  if (group != NULL)
    return group;
  group = purple_find_group(name);
  if (group == NULL) {
    group = purple_group_new(name);
    purple_blist_add_group(group, NULL);
  }
  if (a->groups != NULL)
    g_hash_table_insert(a->groups, g_strdup(name), group);
  return group;
}

/* A new buddy at the end of group, in its own contact. libpurple's own append walks the
 * group's children for every buddy, which made a 10,000-contact sign-in quadratic; during a
 * whole-roster pass the group's tail is remembered instead (one walk per group). */
static void
add_new_buddy(Applier *a, PurpleBuddy *buddy, PurpleGroup *group)
{
  if (a->tails == NULL) {
    purple_blist_add_buddy(buddy, NULL, group, NULL);
    return;
  }
  PurpleBlistNode *tail = NULL;
  if (!g_hash_table_lookup_extended(a->tails, group, NULL, (gpointer *)&tail)) {
    for (PurpleBlistNode *n = purple_blist_node_get_first_child(PURPLE_BLIST_NODE(group));
         n != NULL; n = purple_blist_node_get_sibling_next(n))
      if (PURPLE_BLIST_NODE_IS_CONTACT(n) || PURPLE_BLIST_NODE_IS_CHAT(n))
        tail = n;
  }
  PurpleContact *contact = purple_contact_new();
  purple_blist_add_contact(contact, group, tail); /* after tail; first in the group if NULL */
  purple_blist_add_buddy(buddy, contact, group, NULL);
  g_hash_table_replace(a->tails, group, contact);
}

/* Makes the buddies of one item match it: one buddy per group (the default group when it has
 * none), the item's name as server alias. existing: this account's buddies with the item's JID
 * (consumed). Compares before every call: buddy-list calls are the expensive part. */
static void
apply_item(Applier *a, const XmppRosterItem *item, GSList *existing)
{
  const char *const *wanted =
      item->groups[0] != NULL ? (const char *const *)item->groups : a->fallback;
  /* The common case at a repeat sign-in, one buddy already where the one group says: only
   * the server alias (which libpurple does not keep between runs) may need setting. */
  if (existing != NULL && existing->next == NULL && wanted[1] == NULL &&
      g_strcmp0(purple_group_get_name(purple_buddy_get_group(existing->data)), wanted[0]) == 0) {
    PurpleBuddy *buddy = existing->data;
    g_slist_free(existing);
    if (g_strcmp0(purple_buddy_get_server_alias(buddy), item->name) != 0)
      purple_blist_server_alias_buddy(buddy, item->name);
    return;
  }
  guint n = g_strv_length((char **)wanted);
  gboolean *present = g_new0(gboolean, n);
  GSList *kept = NULL, *spare = NULL;

  for (GSList *l = existing; l != NULL; l = l->next) {
    PurpleBuddy *buddy = l->data;
    const char *gname = purple_group_get_name(purple_buddy_get_group(buddy));
    gboolean matched = FALSE;
    for (guint i = 0; i < n && !matched; i++) {
      if (!present[i] && g_strcmp0(gname, wanted[i]) == 0)
        present[i] = matched = TRUE;
    }
    if (matched)
      kept = g_slist_prepend(kept, buddy);
    else
      spare = g_slist_prepend(spare, buddy);
  }
  g_slist_free(existing);

  const char *jid = xmpp_jid_get_full(item->jid);
  for (guint i = 0; i < n; i++) {
    if (present[i])
      continue;
    PurpleGroup *group = group_get(a, wanted[i]);
    PurpleBuddy *buddy;
    if (spare != NULL) {
      /* Move a buddy that is in a group the item left: it keeps its local alias. */
      buddy = spare->data;
      spare = g_slist_delete_link(spare, spare);
      purple_blist_add_buddy(buddy, NULL, group, NULL);
    } else {
      buddy = purple_buddy_new(a->account, jid, NULL);
      add_new_buddy(a, buddy, group);
    }
    kept = g_slist_prepend(kept, buddy);
  }
  for (GSList *l = spare; l != NULL; l = l->next)
    purple_blist_remove_buddy(l->data);
  g_slist_free(spare);

  for (GSList *l = kept; l != NULL; l = l->next) {
    PurpleBuddy *buddy = l->data;
    if (g_strcmp0(purple_buddy_get_server_alias(buddy), item->name) != 0)
      purple_blist_server_alias_buddy(buddy, item->name);
  }
  g_slist_free(kept);
  g_free(present);
}

static void
remove_buddies(PurpleAccount *account, const char *jid)
{
  GSList *buddies = purple_find_buddies(account, jid);
  for (GSList *l = buddies; l != NULL; l = l->next)
    purple_blist_remove_buddy(l->data);
  g_slist_free(buddies);
}

static void request_done(const GError *error, gpointer data);
typedef struct _RequestData RequestData;
static RequestData *request_data_new(XmppPurpleConn *conn, const char *jid);

/* Adds a buddy the server never had (every group it is in locally). */
static void
add_local_to_server(XmppPurpleConn *conn, const char *jid, GSList *buddies)
{
  g_autoptr(XmppJid) parsed = xmpp_jid_parse(jid, NULL);
  if (parsed == NULL)
    return;
  GPtrArray *groups = g_ptr_array_new();
  const char *name = NULL;
  for (GSList *l = buddies; l != NULL; l = l->next) {
    PurpleBuddy *buddy = l->data;
    const char *gname = purple_group_get_name(purple_buddy_get_group(buddy));
    if (g_strcmp0(gname, default_group()) != 0)
      g_ptr_array_add(groups, (gpointer)gname);
    if (name == NULL)
      name = purple_buddy_get_local_buddy_alias(buddy);
  }
  g_ptr_array_add(groups, NULL);
  g_autoptr(XmppRosterItem) item =
      xmpp_roster_item_new(parsed, name, (const char *const *)groups->pdata);
  g_ptr_array_unref(groups);
  purple_debug_info(XMPP_PURPLE_DEBUG, "roster: adding local buddy %s to the server\n", jid);
  xmpp_roster_request_set(roster_of(conn), item, request_done, request_data_new(conn, jid), g_free);
}

static void
send_initial_presence(RosterState *state)
{
  if (state->presence_sent)
    return;
  state->presence_sent = TRUE;
  /* RFC 6121 §2.2: the roster first, then initial presence; then the account is online, with
   * its whole buddy list at once (as prpl-jabber does). */
  xmpp_purple_presence_send_current(state->conn);
  xmpp_purple_connection_online(state->conn);
}

/* The whole roster onto the buddy list in O(N): one pass over our buddies into a table, one
 * pass over the items. */
static void
apply_all(RosterState *state)
{
  XmppPurpleConn *conn = state->conn;
  XmppRoster *roster = roster_of(conn);
  Applier a = {
      .account = conn->account,
      .groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
      .tails = g_hash_table_new(g_direct_hash, g_direct_equal),
      .fallback = {default_group(), NULL},
  };
  /* normalised JID -> GSList of this account's buddies with it */
  GHashTable *local = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GSList *all = purple_find_buddies(conn->account, NULL);
  for (GSList *l = all; l != NULL; l = l->next) {
    char *key = xmpp_jid_normalize(purple_buddy_get_name(l->data));
    if (key == NULL)
      continue; /* not a JID: leave it alone */
    GSList *list = g_hash_table_lookup(local, key);
    g_hash_table_replace(local, key, g_slist_prepend(list, l->data));
  }
  g_slist_free(all);

  state->applying = TRUE;
  GList *items = xmpp_roster_get_items(roster);
  for (GList *l = items; l != NULL; l = l->next) {
    const XmppRosterItem *item = l->data;
    GSList *existing = NULL;
    char *key = NULL;
    if (g_hash_table_steal_extended(local, xmpp_jid_get_full(item->jid), (gpointer *)&key,
                                    (gpointer *)&existing))
      g_free(key);
    apply_item(&a, item, existing);
  }
  g_list_free(items);
  state->applying = FALSE;

  /* What is left was never on the server (items the server removed were reported before). */
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, local);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    add_local_to_server(conn, key, value);
    g_slist_free(value);
  }
  g_hash_table_unref(local);
  g_hash_table_unref(a.groups);
  g_hash_table_unref(a.tails);
}

/* ---- roster events ------------------------------------------------------------------------ */

/* From the main loop, once the reply that carried the roster is freed: its tree (a few MB for
 * 10,000 contacts) is gone before the buddy list grows, which keeps the peak memory down. */
static gboolean
apply_loaded(gpointer data)
{
  RosterState *state = data;
  state->apply_timer = 0;
  apply_all(state);
  if (!state->unchanged)
    store_now(state); /* unchanged: the stored copy already says all of it */
  send_initial_presence(state);
  return FALSE;
}

static void
ev_loaded(gpointer data, gboolean unchanged)
{
  XmppPurpleConn *conn = data;
  RosterState *state = state_of(conn);
  XmppRoster *roster = roster_of(conn);
  purple_debug_info(XMPP_PURPLE_DEBUG, "roster: %u items (%s, version %s)\n",
                    xmpp_roster_n_items(roster), unchanged ? "stored copy" : "from the server",
                    xmpp_roster_get_version(roster) != NULL ? xmpp_roster_get_version(roster)
                                                            : "none");
  state->unchanged = unchanged;
  if (state->apply_timer == 0)
    state->apply_timer = purple_timeout_add(0, apply_loaded, state);
}

static void
ev_fetch_failed(gpointer data, const GError *error)
{
  RosterState *state = state_of(data);
  if (xmpp_iq_error_is_ended(error))
    return;
  purple_debug_warning(XMPP_PURPLE_DEBUG, "roster: fetch failed: %s\n", error->message);
  send_initial_presence(state); /* online anyway, with the buddy list as it is */
}

static void
ev_item_updated(gpointer data, const XmppRosterItem *item, gboolean added)
{
  XmppPurpleConn *conn = data;
  RosterState *state = state_of(conn);
  Applier a = {.account = conn->account, .fallback = {default_group(), NULL}};
  state->applying = TRUE;
  apply_item(&a, item, purple_find_buddies(conn->account, xmpp_jid_get_full(item->jid)));
  state->applying = FALSE;
  schedule_save(state);
}

static void
ev_item_removed(gpointer data, const XmppRosterItem *item)
{
  XmppPurpleConn *conn = data;
  RosterState *state = state_of(conn);
  state->applying = TRUE;
  remove_buddies(conn->account, xmpp_jid_get_full(item->jid));
  state->applying = FALSE;
  schedule_save(state);
}

static const XmppRosterEvents roster_events = {
    .loaded = ev_loaded,
    .fetch_failed = ev_fetch_failed,
    .item_updated = ev_item_updated,
    .item_removed = ev_item_removed,
};

/* ---- requests from the buddy list --------------------------------------------------------- */

struct _RequestData {
  XmppPurpleConn *conn; /* outlives the session, so valid until the last callback */
  gboolean removal;     /* item-not-found then means "already gone": nothing to show */
  char *jid;
};

static RequestData *
request_data_new(XmppPurpleConn *conn, const char *jid)
{
  RequestData *rd = g_malloc0(sizeof(RequestData) + strlen(jid) + 1);
  rd->conn = conn;
  rd->jid = (char *)(rd + 1); /* one allocation: g_free is the destroy notify */
  strcpy(rd->jid, jid);
  return rd;
}

static void
request_done(const GError *error, gpointer data)
{
  RequestData *rd = data;
  RosterState *state = state_of(rd->conn);
  if (error == NULL || xmpp_iq_error_is_ended(error) ||
      (rd->removal &&
       g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND)) ||
      state == NULL)
    return;
  /* Errors from the server are shown, not swallowed. */
  char *reason = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
  char *primary = g_strdup_printf(_("Unable to change %s on the server's buddy list"), rd->jid);
  /* A contact the server refused to add is not on the buddy list either: kept only locally,
   * it would be offered to the server, and refused, at every sign-in. */
  if (!rd->removal && !g_error_matches(error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_TIMEOUT) &&
      xmpp_roster_lookup_str(roster_of(rd->conn), rd->jid) == NULL) {
    state->applying = TRUE;
    remove_buddies(rd->conn->account, rd->jid);
    state->applying = FALSE;
    g_free(primary);
    primary = g_strdup_printf(_("%s was not added to the buddy list"), rd->jid);
  }
  purple_notify_error(rd->conn->gc, _("Buddy list"), primary, reason);
  g_free(primary);
  g_free(reason);
}

/* Our connection, when it is signed in and the roster feature runs. */
static XmppPurpleConn *
ready_conn(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || state_of(conn) == NULL || conn->session == NULL ||
      !xmpp_session_is_ready(conn->session))
    return NULL;
  return conn;
}

/* Sends a set for jid with this name and group list (the default group is not a real one). */
static void
send_set(XmppPurpleConn *conn, const XmppJid *jid, const char *name, GPtrArray *groups)
{
  GPtrArray *clean = g_ptr_array_new();
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    if (g_strcmp0(groups->pdata[i], default_group()) != 0)
      g_ptr_array_add(clean, groups->pdata[i]);
  g_ptr_array_add(clean, NULL);
  g_autoptr(XmppRosterItem) item =
      xmpp_roster_item_new(jid, name, (const char *const *)clean->pdata);
  g_ptr_array_unref(clean);
  xmpp_roster_request_set(roster_of(conn), item, request_done,
                          request_data_new(conn, xmpp_jid_get_bare(jid)), g_free);
}

/* The names of the groups this account has jid in, except `except` (borrowed strings). */
static GPtrArray *
local_groups(PurpleAccount *account, const char *jid, PurpleGroup *except)
{
  GPtrArray *groups = g_ptr_array_new();
  GSList *buddies = purple_find_buddies(account, jid);
  for (GSList *l = buddies; l != NULL; l = l->next) {
    PurpleGroup *group = purple_buddy_get_group(l->data);
    if (group != except)
      g_ptr_array_add(groups, (gpointer)purple_group_get_name(group));
  }
  g_slist_free(buddies);
  return groups;
}

static const char *
item_name(XmppPurpleConn *conn, const XmppJid *jid)
{
  const XmppRosterItem *item = xmpp_roster_lookup(roster_of(conn), jid);
  return item != NULL ? item->name : NULL;
}

static void
notify_bad_jid(XmppPurpleConn *conn, const char *who)
{
  char *primary = g_strdup_printf(_("%s is not a valid XMPP address"), who);
  purple_notify_error(conn->gc, _("Buddy list"), primary, NULL);
  g_free(primary);
}

void
xmpp_purple_roster_add_buddy(PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL)
    return;
  const char *who = purple_buddy_get_name(buddy);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL) {
    notify_bad_jid(conn, who);
    return;
  }
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(jid);
  GPtrArray *groups = local_groups(conn->account, who, NULL);
  const char *alias = purple_buddy_get_local_buddy_alias(buddy);
  send_set(conn, bare, alias != NULL && *alias != '\0' ? alias : item_name(conn, bare), groups);
  g_ptr_array_unref(groups);
  /* RFC 6121 §3.1.1: adding a contact asks for their presence, unless we already have it. */
  const XmppRosterItem *item = xmpp_roster_lookup(roster_of(conn), bare);
  if (item == NULL || (item->subscription != XMPP_ROSTER_SUBSCRIPTION_TO &&
                       item->subscription != XMPP_ROSTER_SUBSCRIPTION_BOTH)) {
    g_autoptr(XmppNode) presence = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
    xmpp_node_set_attr(presence, "to", xmpp_jid_get_bare(bare));
    xmpp_node_set_attr(presence, "type", "subscribe");
    xmpp_session_send(conn->session, presence);
  }
}

void
xmpp_purple_roster_remove_buddy(PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL || state_of(conn)->applying)
    return;
  const char *who = purple_buddy_get_name(buddy);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL)
    return;
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(jid);
  /* The buddy is still on the list: what stays is every other group. */
  GPtrArray *rest = local_groups(conn->account, who, group);
  if (rest->len == 0) {
    RequestData *rd = request_data_new(conn, xmpp_jid_get_bare(bare));
    rd->removal = TRUE;
    xmpp_roster_request_remove(roster_of(conn), bare, request_done, rd, g_free);
  } else {
    send_set(conn, bare, item_name(conn, bare), rest);
  }
  g_ptr_array_unref(rest);
}

void
xmpp_purple_roster_alias_buddy(PurpleConnection *gc, const char *who, const char *alias)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL || state_of(conn)->applying)
    return;
  g_autoptr(XmppJid) jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL)
    return;
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(jid);
  const XmppRosterItem *item = xmpp_roster_lookup(roster_of(conn), bare);
  const char *name = alias != NULL && *alias != '\0' ? alias : NULL;
  if (item != NULL && g_strcmp0(item->name, name) == 0)
    return;
  GPtrArray *groups = local_groups(conn->account, who, NULL);
  send_set(conn, bare, name, groups);
  g_ptr_array_unref(groups);
}

/* The item's groups with old replaced by new (the default group stands for "none"). */
static void
send_regrouped(XmppPurpleConn *conn, const char *who, const char *old_group, const char *new_group)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL)
    return;
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(jid);
  const XmppRosterItem *item = xmpp_roster_lookup(roster_of(conn), bare);
  GPtrArray *groups = g_ptr_array_new();
  for (guint i = 0; item != NULL && item->groups[i] != NULL; i++)
    if (g_strcmp0(item->groups[i], old_group) != 0 && g_strcmp0(item->groups[i], new_group) != 0)
      g_ptr_array_add(groups, item->groups[i]);
  if (new_group != NULL)
    g_ptr_array_add(groups, (gpointer)new_group);
  send_set(conn, bare, item != NULL ? item->name : NULL, groups);
  g_ptr_array_unref(groups);
}

void
xmpp_purple_roster_group_buddy(PurpleConnection *gc, const char *who, const char *old_group,
                               const char *new_group)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL || state_of(conn)->applying)
    return;
  send_regrouped(conn, who, old_group, new_group);
}

void
xmpp_purple_roster_rename_group(PurpleConnection *gc, const char *old_name, PurpleGroup *group,
                                GList *moved)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL || state_of(conn)->applying)
    return;
  GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
  for (GList *l = moved; l != NULL; l = l->next) {
    const char *who = purple_buddy_get_name(l->data);
    if (g_hash_table_add(done, (gpointer)who))
      send_regrouped(conn, who, old_name, purple_group_get_name(group));
  }
  g_hash_table_unref(done);
}

void
xmpp_purple_roster_remove_group(PurpleConnection *gc, PurpleGroup *group)
{
  XmppPurpleConn *conn = ready_conn(gc);
  if (conn == NULL || state_of(conn)->applying)
    return;
  /* libpurple removes only empty groups; items that still name it (say, after a change made
   * elsewhere) drop it, so it does not come back at the next sign-in. */
  const char *name = purple_group_get_name(group);
  GList *items = xmpp_roster_get_items(roster_of(conn));
  for (GList *l = items; l != NULL; l = l->next) {
    const XmppRosterItem *item = l->data;
    if (xmpp_roster_item_in_group(item, name))
      send_regrouped(conn, xmpp_jid_get_full(item->jid), name, NULL);
  }
  g_list_free(items);
}

/* ---- wiring ------------------------------------------------------------------------------- */

void
xmpp_purple_roster_start(XmppPurpleConn *conn)
{
  if (state_of(conn) != NULL)
    return;
  RosterState *state = g_new0(RosterState, 1);
  state->conn = conn;
  state->store_path = store_path_for(conn);
  conn->roster_state = state;
  XmppRoster *roster = roster_of(conn);
  load_stored_copy(state);
  xmpp_roster_set_events(roster, &roster_events, conn);
  xmpp_roster_fetch(roster, xmpp_session_server_has_roster_versioning(conn->session));
}

void
xmpp_purple_roster_stop(XmppPurpleConn *conn)
{
  RosterState *state = state_of(conn);
  if (state == NULL)
    return;
  if (state->apply_timer != 0)
    purple_timeout_remove(state->apply_timer);
  if (state->save_timer != 0) {
    purple_timeout_remove(state->save_timer);
    store_now(state); /* what changed since the last write */
  }
  XmppRoster *roster = roster_of(conn);
  if (roster != NULL)
    xmpp_roster_set_events(roster, NULL, NULL);
  g_free(state->store_path);
  g_free(state);
  conn->roster_state = NULL;
}
