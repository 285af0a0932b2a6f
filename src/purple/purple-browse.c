/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Browse Services…" (XEP-0030): the server's items, each with its identities and features,
 * in a search-results window, which Pidgin and Finch both show as a table with buttons. The
 * first row is the entity browsed itself (the server, at first); the buttons act on the
 * selected row: Browse (its own items, in a new window), Info (every identity and feature),
 * Register (XEP-0077, at a service that offers it: its form through purple-xdata.c) and
 * Commands (XEP-0050, the list and the forms of purple-account-commands.c). Register and
 * Commands are there only when a row offers them. There is no "Join": group chat is not
 * implemented yet (T46), so a chat service's rooms can be browsed, not joined.
 *
 * Lifetimes: every request is the session's (xmpp_session_send_iq, or the disco module's), so
 * each callback runs once, with an ended error when the session goes; a callback that finds
 * the account services area stopped (xmpp_purple_accountsvc_get() NULL: signed off) shows
 * nothing. Forms are in that area's list of open dialogs, closed when it stops. */
#include "purple-account-services.h"
#include "purple-i18n.h"

#include <string.h>

#include "services/disco-items.h"
#include "services/register.h"

/* disco#info asked of at most this many items of one window (the rest show without it). */
#define BROWSE_MAX_INFO 100
/* Identities shown in the table for one row (Info shows them all). */
#define BROWSE_ROW_IDENTITIES 3

enum { COL_NAME, COL_JID, COL_NODE, COL_KIND, COL_FEATURES, N_COLS };

/* Features worth naming in the table (Info lists every one). */
static const struct {
  const char *feature;
  const char *label;
} known_features[] = {
    {XMPP_NS_REGISTER, N_("registration")},
    {XMPP_NS_COMMANDS, N_("commands")},
    {"http://jabber.org/protocol/muc", N_("chat rooms")},
    {XMPP_NS_SEARCH, N_("user search")},
    {XMPP_NS_PUBSUB, N_("publish-subscribe")},
    {"urn:xmpp:http:upload:0", N_("file upload")},
    {"http://jabber.org/protocol/bytestreams", N_("file transfer proxy")},
    {XMPP_NS_MAM, N_("archive")},
    {XMPP_NS_VCARD, N_("vCard")},
    {XMPP_NS_DISCO_ITEMS, N_("items")},
};

/* What a window knows of each row, for its buttons: "jid\nnode" -> XmppDiscoInfo* (copied). */
typedef struct {
  GHashTable *infos;
} Window;

static char *
row_key(const char *jid, const char *node)
{
  return g_strconcat(jid, "\n", node != NULL ? node : "", NULL);
}

static void
window_free(gpointer data)
{
  Window *w = data;
  g_hash_table_unref(w->infos);
  g_free(w);
}

static gboolean
alive(XmppPurpleConn *conn)
{
  return conn != NULL && xmpp_purple_accountsvc_get(conn) != NULL && conn->session != NULL &&
         xmpp_session_is_ready(conn->session);
}

/* ---- one browse: the items, then their infos, then the window ------------------------------ */

typedef struct {
  XmppPurpleConn *conn;
  char *jid, *node;
  guint waiting;         /* requests not answered yet (this struct ends with the last) */
  XmppDiscoInfo *self;   /* the browsed entity's info, or NULL */
  XmppDiscoItems *items; /* NULL until answered (or when refused) */
  GPtrArray *infos;      /* XmppDiscoInfo* or NULL, one per item */
  GError *error;         /* why the items could not be had */
  gboolean ended;        /* the session went: show nothing */
} Browse;

typedef struct {
  Browse *b;
  guint index; /* G_MAXUINT: the entity itself */
} InfoSlot;

static void browse_start(XmppPurpleConn *conn, const char *jid, const char *node);

static void
browse_free(Browse *b)
{
  g_free(b->jid);
  g_free(b->node);
  xmpp_disco_info_free(b->self);
  xmpp_disco_items_free(b->items);
  if (b->infos != NULL)
    g_ptr_array_unref(b->infos);
  g_clear_error(&b->error);
  g_free(b);
}

/* "conference/text (Chatrooms); ..." */
static char *
describe_identities(const XmppDiscoInfo *info, guint max)
{
  GString *out = g_string_new(NULL);
  guint n = info != NULL ? info->identities->len : 0;
  for (guint i = 0; i < n && i < max; i++) {
    XmppDiscoIdentity *id = info->identities->pdata[i];
    if (out->len > 0)
      g_string_append(out, "; ");
    g_string_append_printf(out, "%s/%s", id->category, id->type);
    if (id->name != NULL)
      g_string_append_printf(out, " (%s)", id->name);
  }
  if (n > max)
    g_string_append(out, "; …");
  return g_string_free(out, FALSE);
}

/* "registration, commands (23 in all)" */
static char *
describe_features(const XmppDiscoInfo *info)
{
  if (info == NULL)
    return g_strdup("");
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(known_features); i++) {
    if (!xmpp_disco_info_has_feature(info, known_features[i].feature))
      continue;
    if (out->len > 0)
      g_string_append(out, ", ");
    g_string_append(out, _(known_features[i].label));
  }
  /* Translators: how many features a service offers, after the names of the notable ones. */
  char *all = g_strdup_printf(_("%u in all"), info->features->len);
  if (out->len > 0)
    g_string_append_printf(out, " (%s)", all);
  else
    g_string_append(out, all);
  g_free(all);
  return g_string_free(out, FALSE);
}

/* The name to show: the item's, else the first identity's. */
static const char *
shown_name(const char *name, const XmppDiscoInfo *info)
{
  if (name != NULL)
    return name;
  for (guint i = 0; info != NULL && i < info->identities->len; i++) {
    XmppDiscoIdentity *id = info->identities->pdata[i];
    if (id->name != NULL)
      return id->name;
  }
  return "";
}

static void
add_row(PurpleNotifySearchResults *sr, Window *w, const char *name, const char *jid,
        const char *node, const XmppDiscoInfo *info)
{
  GList *row = NULL;
  row = g_list_append(row, xmpp_purple_error_sanitize(shown_name(name, info)));
  row = g_list_append(row, g_strdup(jid));
  row = g_list_append(row, g_strdup(node != NULL ? node : ""));
  char *kind = describe_identities(info, BROWSE_ROW_IDENTITIES);
  row = g_list_append(row, xmpp_purple_error_sanitize(kind));
  g_free(kind);
  row = g_list_append(row, describe_features(info));
  purple_notify_searchresults_row_add(sr, row);
  if (info != NULL)
    g_hash_table_replace(w->infos, row_key(jid, node), xmpp_disco_info_copy(info));
}

static gboolean
any_row_has(Window *w, const char *feature)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, w->infos);
  while (g_hash_table_iter_next(&iter, NULL, &value))
    if (xmpp_disco_info_has_feature(value, feature))
      return TRUE;
  return FALSE;
}

static void button_browse(PurpleConnection *gc, GList *row, gpointer data);
static void button_info(PurpleConnection *gc, GList *row, gpointer data);
static void button_register(PurpleConnection *gc, GList *row, gpointer data);
static void button_commands(PurpleConnection *gc, GList *row, gpointer data);

static void
browse_show(Browse *b)
{
  XmppPurpleConn *conn = b->conn;
  guint n = b->items != NULL ? b->items->items->len : 0;
  if (b->self == NULL && b->items == NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Browse Services"), b->error,
                                        XMPP_PURPLE_ERROR_REQUEST);
    return;
  }
  PurpleNotifySearchResults *sr = purple_notify_searchresults_new();
  static const char *const titles[N_COLS] = {N_("Name"), N_("Address"), N_("Node"), N_("Kind"),
                                             N_("Features")};
  for (guint i = 0; i < N_COLS; i++)
    purple_notify_searchresults_column_add(sr,
                                           purple_notify_searchresults_column_new(_(titles[i])));
  Window *w = g_new0(Window, 1);
  w->infos =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)xmpp_disco_info_free);
  add_row(sr, w, NULL, b->jid, b->node, b->self);
  for (guint i = 0; i < n; i++) {
    XmppDiscoItem *item = b->items->items->pdata[i];
    add_row(sr, w, item->name, item->jid, item->node,
            i < b->infos->len ? b->infos->pdata[i] : NULL);
  }
  purple_notify_searchresults_button_add_labeled(sr, _("Browse"), button_browse);
  purple_notify_searchresults_button_add(sr, PURPLE_NOTIFY_BUTTON_INFO, button_info);
  if (any_row_has(w, XMPP_NS_REGISTER))
    purple_notify_searchresults_button_add_labeled(sr, _("Register"), button_register);
  if (any_row_has(w, XMPP_NS_COMMANDS))
    purple_notify_searchresults_button_add_labeled(sr, _("Commands"), button_commands);
  char *primary = b->node != NULL ? g_strdup_printf(_("Services of %s (node %s)"), b->jid, b->node)
                                  : g_strdup_printf(_("Services of %s"), b->jid);
  char *secondary = NULL;
  if (n == 0)
    secondary = g_strdup(_("It lists no items of its own."));
  else if (b->items->dropped > 0)
    secondary = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u more item could not be shown.",
                                            "%u more items could not be shown.", b->items->dropped),
                                b->items->dropped);
  purple_notify_searchresults(conn->gc, _("Browse Services"), primary, secondary, sr, window_free,
                              w);
  g_free(primary);
  g_free(secondary);
}

static void
browse_done_one(Browse *b)
{
  if (--b->waiting > 0)
    return;
  if (!b->ended && alive(b->conn))
    browse_show(b);
  browse_free(b);
}

static void
info_cb(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  InfoSlot *slot = data;
  Browse *b = slot->b;
  if (error != NULL && xmpp_iq_error_is_ended(error))
    b->ended = TRUE;
  if (info != NULL) {
    if (slot->index == G_MAXUINT)
      b->self = xmpp_disco_info_copy(info);
    else if (slot->index < b->infos->len)
      b->infos->pdata[slot->index] = xmpp_disco_info_copy(info);
  }
  browse_done_one(b);
}

static void
ask_info(Browse *b, const char *jid, const char *node, guint index)
{
  InfoSlot *slot = g_new0(InfoSlot, 1);
  slot->b = b;
  slot->index = index;
  b->waiting++;
  xmpp_disco_query_info(xmpp_session_get_disco(b->conn->session), jid, node, info_cb, slot, g_free);
}

static void
items_cb(const XmppStanza *reply, const GError *error, gpointer data)
{
  Browse *b = data;
  if (error != NULL) {
    b->ended |= xmpp_iq_error_is_ended(error);
    b->error = g_error_copy(error);
  } else {
    b->items = xmpp_disco_items_parse(reply->node, &b->error);
  }
  if (b->items != NULL && !b->ended && alive(b->conn)) {
    guint n = b->items->items->len;
    b->infos = g_ptr_array_new_full(n, (GDestroyNotify)xmpp_disco_info_free);
    g_ptr_array_set_size(b->infos, n);
    for (guint i = 0; i < n && i < BROWSE_MAX_INFO; i++) {
      XmppDiscoItem *item = b->items->items->pdata[i];
      ask_info(b, item->jid, item->node, i);
    }
  }
  browse_done_one(b);
}

static void
browse_start(XmppPurpleConn *conn, const char *jid, const char *node)
{
  if (!alive(conn) || jid == NULL || *jid == '\0')
    return;
  Browse *b = g_new0(Browse, 1);
  b->conn = conn;
  b->jid = g_strdup(jid);
  b->node = node != NULL && *node != '\0' ? g_strdup(node) : NULL;
  b->waiting = 1; /* the items */
  ask_info(b, b->jid, b->node, G_MAXUINT);
  xmpp_session_send_iq(conn->session, xmpp_disco_items_build_get(b->jid, b->node), items_cb, b,
                       NULL);
}

/* ---- the buttons ---------------------------------------------------------------------------- */

/* The selected row's address and node (borrowed from row), or FALSE when there is none. */
static gboolean
row_target(GList *row, const char **jid, const char **node)
{
  *jid = g_list_nth_data(row, COL_JID);
  const char *n = g_list_nth_data(row, COL_NODE);
  *node = n != NULL && *n != '\0' ? n : NULL;
  return *jid != NULL && **jid != '\0';
}

static const XmppDiscoInfo *
row_info(Window *w, const char *jid, const char *node)
{
  char *key = row_key(jid, node);
  const XmppDiscoInfo *info = g_hash_table_lookup(w->infos, key);
  g_free(key);
  return info;
}

static void
button_browse(PurpleConnection *gc, GList *row, gpointer data)
{
  const char *jid, *node;
  if (row_target(row, &jid, &node))
    browse_start(xmpp_purple_connection_get(gc), jid, node);
}

static void
show_info(XmppPurpleConn *conn, const char *jid, const char *node, const XmppDiscoInfo *info)
{
  GString *text = g_string_new(NULL);
  g_string_append_printf(text, "<b>%s</b><br>", _("Identities"));
  for (guint i = 0; i < info->identities->len; i++) {
    XmppDiscoIdentity *id = info->identities->pdata[i];
    char *line = id->name != NULL ? g_strdup_printf("%s/%s (%s)", id->category, id->type, id->name)
                                  : g_strdup_printf("%s/%s", id->category, id->type);
    char *safe = xmpp_purple_error_sanitize(line);
    char *escaped = g_markup_escape_text(safe, -1);
    g_string_append_printf(text, "%s<br>", escaped);
    g_free(escaped);
    g_free(safe);
    g_free(line);
  }
  g_string_append_printf(text, "<br><b>%s</b><br>", _("Features"));
  for (guint i = 0; i < info->features->len; i++) {
    char *escaped = g_markup_escape_text(info->features->pdata[i], -1);
    g_string_append_printf(text, "%s<br>", escaped);
    g_free(escaped);
  }
  char *primary = node != NULL ? g_strdup_printf(_("%s (node %s)"), jid, node) : g_strdup(jid);
  purple_notify_formatted(conn->gc, _("Service Information"), primary, NULL, text->str, NULL, NULL);
  g_free(primary);
  g_string_free(text, TRUE);
}

typedef struct {
  XmppPurpleConn *conn;
  char *jid, *node;
} Target;

static Target *
target_new(XmppPurpleConn *conn, const char *jid, const char *node)
{
  Target *t = g_new0(Target, 1);
  t->conn = conn;
  t->jid = g_strdup(jid);
  t->node = g_strdup(node);
  return t;
}

static void
target_free(gpointer data)
{
  Target *t = data;
  g_free(t->jid);
  g_free(t->node);
  g_free(t);
}

static void
info_again_cb(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  Target *t = data;
  if (!alive(t->conn) || (error != NULL && xmpp_iq_error_is_ended(error)))
    return;
  if (error != NULL)
    xmpp_purple_accountsvc_notify_error(t->conn, _("Service Information"), error,
                                        XMPP_PURPLE_ERROR_REQUEST);
  else
    show_info(t->conn, t->jid, t->node, info);
}

static void
button_info(PurpleConnection *gc, GList *row, gpointer data)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  const char *jid, *node;
  if (!alive(conn) || !row_target(row, &jid, &node))
    return;
  const XmppDiscoInfo *info = row_info(data, jid, node);
  if (info != NULL) {
    show_info(conn, jid, node, info);
    return;
  }
  /* Not asked (past BROWSE_MAX_INFO) or not answered then: ask now. */
  xmpp_disco_query_info(xmpp_session_get_disco(conn->session), jid, node, info_again_cb,
                        target_new(conn, jid, node), target_free);
}

/* Known not to offer feature: the row's info says so (no info: try, the answer will tell). */
static gboolean
row_lacks(Window *w, const char *jid, const char *node, const char *feature)
{
  const XmppDiscoInfo *info = row_info(w, jid, node);
  return info != NULL && !xmpp_disco_info_has_feature(info, feature);
}

static void
tell(XmppPurpleConn *conn, const char *title, const char *text)
{
  purple_notify_info(conn->gc, title, title, text);
}

static void
button_commands(PurpleConnection *gc, GList *row, gpointer data)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  const char *jid, *node;
  if (!alive(conn) || !row_target(row, &jid, &node))
    return;
  if (row_lacks(data, jid, node, XMPP_NS_COMMANDS)) {
    char *text = g_strdup_printf(_("%s offers no commands."), jid);
    tell(conn, _("Commands"), text);
    g_free(text);
    return;
  }
  xmpp_purple_accountsvc_list_commands(conn, jid);
}

/* ---- registration with a service (XEP-0077) ------------------------------------------------- */

static void
register_done_cb(const XmppStanza *reply, const GError *error, gpointer data)
{
  Target *t = data;
  if (!alive(t->conn) || (error != NULL && xmpp_iq_error_is_ended(error)))
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(t->conn, _("Registration Failed"), error,
                                        XMPP_PURPLE_ERROR_REGISTRATION);
    return;
  }
  char *text = g_strdup_printf(_("You are registered with %s."), t->jid);
  purple_notify_info(t->conn->gc, _("Registration Successful"), _("Registration Successful"), text);
  g_free(text);
}

static void
register_answered(XmppXdataForm *filled, int action, gpointer data)
{
  Target *t = data;
  if (filled == NULL || !alive(t->conn)) {
    xmpp_xdata_form_free(filled);
    return;
  }
  xmpp_session_send_iq(t->conn->session, xmpp_register_build_submit(t->jid, filled),
                       register_done_cb, target_new(t->conn, t->jid, NULL), target_free);
  xmpp_xdata_form_free(filled);
}

static void
register_form_cb(const XmppStanza *reply, const GError *error, gpointer data)
{
  Target *t = data;
  if (!alive(t->conn) || (error != NULL && xmpp_iq_error_is_ended(error)))
    return;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppRegisterRequest) request =
      error == NULL ? xmpp_register_request_parse(reply->node, &parse_error) : NULL;
  if (request == NULL) {
    xmpp_purple_accountsvc_notify_error(t->conn, _("Registration Failed"),
                                        error != NULL ? error : parse_error,
                                        XMPP_PURPLE_ERROR_REGISTRATION);
    return;
  }
  if (request->form->fields->len == 0) {
    /* XEP-0077 §5: registration elsewhere; show where, never fetch it. */
    char *url = xmpp_purple_error_sanitize(request->oob_url ? request->oob_url : "");
    char *text = g_strdup_printf(_("The server asks you to register at: %s"), url);
    purple_notify_info(t->conn->gc, _("Register"), _("Register"), text);
    g_free(text);
    g_free(url);
    return;
  }
  AccountSvc *st = xmpp_purple_accountsvc_get(t->conn);
  char *primary =
      request->registered
          ? g_strdup_printf(_("You are registered with %s: change your details"), t->jid)
          : g_strdup_printf(_("Register with %s"), t->jid);
  xmpp_purple_xdata_request(t->conn, &st->forms, t->conn->account, _("Register"), primary,
                            request->form, NULL, 0, register_answered,
                            target_new(t->conn, t->jid, NULL), target_free);
  g_free(primary);
}

static void
button_register(PurpleConnection *gc, GList *row, gpointer data)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  const char *jid, *node;
  if (!alive(conn) || !row_target(row, &jid, &node))
    return;
  /* Our own server's registration is our account's: Change Password… and the account dialog
   * are where that is done. */
  if (g_ascii_strcasecmp(jid, xmpp_session_get_domain(conn->session)) == 0) {
    tell(conn, _("Register"),
         _("This is your own server: you are registered with it already. Use Change Password… "
           "to change your password."));
    return;
  }
  if (row_lacks(data, jid, node, XMPP_NS_REGISTER)) {
    char *text = g_strdup_printf(_("%s offers no registration."), jid);
    tell(conn, _("Register"), text);
    g_free(text);
    return;
  }
  xmpp_session_send_iq(conn->session, xmpp_register_build_get(jid), register_form_cb,
                       target_new(conn, jid, NULL), target_free);
}

/* ---- the account actions -------------------------------------------------------------------- */

static void
action_browse(PurplePluginAction *action)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(action->context);
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return;
  xmpp_purple_accountsvc_ensure(conn);
  browse_start(conn, xmpp_session_get_domain(conn->session), NULL);
}

GList *
xmpp_purple_tools_actions(GList *actions)
{
  actions = g_list_append(actions,
                          purple_plugin_action_new(_("XML Console"), xmpp_purple_console_action));
  return g_list_append(actions, purple_plugin_action_new(_("Browse Services…"), action_browse));
}
