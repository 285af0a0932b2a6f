/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Account services glue, part two: ad-hoc commands (XEP-0050) of the server and of contacts'
 * resources, and user search (XEP-0055), with forms shown by the one renderer. */
#include "purple-account-services.h"
#include "purple-i18n.h"
#include "im/presence.h"
#include "services/adhoc.h"
#include "services/search.h"
#include "services/xdata.h"

#define COMMAND_FIELD "lyre:adhoc:command"

/* ---- ad-hoc commands (XEP-0050) ------------------------------------------------------------ */

typedef struct {
  XmppPurpleConn *conn;
  char *to;
  char *node;
  char *sessionid;
  XmppAdhocAction actions[4]; /* what each entry of the action choice means */
} AdhocRun;

static AdhocRun *
run_new(XmppPurpleConn *conn, const char *to, const char *node, const char *sessionid)
{
  AdhocRun *run = g_new0(AdhocRun, 1);
  run->conn = conn;
  run->to = g_strdup(to);
  run->node = g_strdup(node);
  run->sessionid = g_strdup(sessionid);
  return run;
}

static void
run_free(gpointer data)
{
  AdhocRun *run = data;
  g_free(run->to);
  g_free(run->node);
  g_free(run->sessionid);
  g_free(run);
}

static void execute(AdhocRun *run, XmppAdhocAction action, const XmppXdataForm *form);

/* A result form (XEP-0004 §3.4) as "label: value" lines. */
static void
append_result(GString *out, const XmppXdataForm *form)
{
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    if (f->type == XMPP_XDATA_FIELD_HIDDEN)
      continue;
    if (f->label != NULL || f->var != NULL)
      /* Translators: a form field's label, before its values. */
      g_string_append_printf(out, _("%s: "), f->label != NULL ? f->label : f->var);
    for (guint j = 0; j < f->values->len; j++)
      g_string_append_printf(out, "%s%s", j > 0 ? ", " : "", (char *)f->values->pdata[j]);
    g_string_append_c(out, '\n');
  }
}

static void
stage_answered(XmppXdataForm *filled, int choice, gpointer data)
{
  AdhocRun *run = data;
  if (xmpp_purple_accountsvc_get(run->conn) == NULL) {
    xmpp_xdata_form_free(filled);
    return;
  }
  if (filled == NULL) {
    execute(run, XMPP_ADHOC_ACTION_CANCEL, NULL); /* XEP-0050 §4.5: tell the server */
    return;
  }
  XmppAdhocAction action = XMPP_ADHOC_ACTION_COMPLETE;
  if (choice >= 0 && choice < (int)G_N_ELEMENTS(run->actions) && run->actions[choice] != 0)
    action = run->actions[choice];
  else if (run->actions[0] != 0)
    action = run->actions[0];
  execute(run, action, filled);
  xmpp_xdata_form_free(filled);
}

static void
stage_cb(const XmppAdhocStage *stage, const GError *error, gpointer data)
{
  AdhocRun *run = data;
  XmppPurpleConn *conn = run->conn;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Command Failed"), error,
                                        XMPP_PURPLE_ERROR_REQUEST);
    return;
  }
  GString *notes = g_string_new(NULL);
  gboolean failed = FALSE;
  for (guint i = 0; i < stage->notes->len; i++) {
    XmppAdhocNote *note = stage->notes->pdata[i];
    failed |= g_strcmp0(note->type, "error") == 0;
    g_string_append_printf(notes, "%s\n", note->text);
  }
  if (stage->status == XMPP_ADHOC_STATUS_EXECUTING && stage->form != NULL &&
      stage->form->type == XMPP_XDATA_FORM) {
    AdhocRun *next = run_new(conn, run->to, run->node, stage->sessionid);
    static const XmppAdhocAction order[] = {XMPP_ADHOC_ACTION_NEXT, XMPP_ADHOC_ACTION_COMPLETE,
                                            XMPP_ADHOC_ACTION_PREV};
    const char *labels[G_N_ELEMENTS(order) + 1] = {NULL};
    guint n = 0;
    next->actions[n] = stage->default_action; /* the default comes first */
    for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
      if (!(stage->actions & order[i]) || order[i] == stage->default_action)
        continue;
      next->actions[++n] = order[i];
    }
    for (guint i = 0; i <= n; i++)
      labels[i] = next->actions[i] == XMPP_ADHOC_ACTION_NEXT   ? _("Next")
                  : next->actions[i] == XMPP_ADHOC_ACTION_PREV ? _("Previous")
                                                               : _("Complete");
    xmpp_purple_xdata_request(conn, &st->forms, conn->account, _("Command"),
                              notes->len > 0 ? notes->str : NULL, stage->form,
                              n > 0 ? labels : NULL, 0, stage_answered, next, run_free);
    g_string_free(notes, TRUE);
    return;
  }
  if (stage->form != NULL)
    append_result(notes, stage->form);
  if (notes->len == 0 && stage->status == XMPP_ADHOC_STATUS_CANCELED) {
    g_string_free(notes, TRUE); /* the user cancelled: nothing to tell */
    return;
  }
  if (notes->len == 0)
    g_string_append(notes, _("The command completed."));
  if (failed)
    purple_notify_error(conn->gc, _("Command"), _("Command Failed"), notes->str);
  else
    purple_notify_info(conn->gc, _("Command"), _("Command Completed"), notes->str);
  g_string_free(notes, TRUE);
}

static void
execute(AdhocRun *run, XmppAdhocAction action, const XmppXdataForm *form)
{
  XmppPurpleConn *conn = run->conn;
  AdhocRun *copy = run_new(conn, run->to, run->node, run->sessionid);
  xmpp_adhoc_execute(xmpp_session_get_adhoc(conn->session), copy->to, copy->node, copy->sessionid,
                     action, form, stage_cb, copy, run_free);
}

static void
command_chosen(XmppPurpleConn *conn, PurpleRequestFields *fields)
{
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  int i = purple_request_fields_get_choice(fields, COMMAND_FIELD);
  if (st == NULL || st->commands == NULL || i < 0 || (guint)i >= st->commands->len)
    return;
  XmppAdhocCommand *c = st->commands->pdata[i];
  AdhocRun run = {.conn = conn, .to = c->jid, .node = c->node};
  execute(&run, XMPP_ADHOC_ACTION_EXECUTE, NULL);
}

static void
list_cb(GPtrArray *commands, const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Commands"), error, XMPP_PURPLE_ERROR_REQUEST);
    return;
  }
  if (commands->len == 0) {
    purple_notify_info(conn->gc, _("Commands"), _("No commands"),
                       _("No commands are available to you."));
    return;
  }
  if (st->commands != NULL)
    g_ptr_array_unref(st->commands);
  st->commands = g_ptr_array_ref(commands);
  PurpleRequestFields *fields = purple_request_fields_new();
  PurpleRequestFieldGroup *group = purple_request_field_group_new(NULL);
  purple_request_fields_add_group(fields, group);
  PurpleRequestField *choice = purple_request_field_choice_new(COMMAND_FIELD, _("Command"), 0);
  for (guint i = 0; i < commands->len; i++)
    purple_request_field_choice_add(choice, ((XmppAdhocCommand *)commands->pdata[i])->name);
  purple_request_field_group_add_field(group, choice);
  char *primary =
      g_strdup_printf(_("Commands of %s"), ((XmppAdhocCommand *)commands->pdata[0])->jid);
  purple_request_fields(conn, _("Commands"), primary, NULL, fields, _("_Execute"),
                        G_CALLBACK(command_chosen), _("_Cancel"), NULL, conn->account, NULL, NULL,
                        conn);
  g_free(primary);
}

void
xmpp_purple_accountsvc_list_commands(XmppPurpleConn *conn, const char *to)
{
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return;
  xmpp_purple_accountsvc_ensure(conn);
  xmpp_adhoc_list(xmpp_session_get_adhoc(conn->session), to, list_cb, conn, NULL);
}

void
xmpp_purple_accountsvc_action_commands(PurplePluginAction *action)
{
  xmpp_purple_accountsvc_list_commands(xmpp_purple_connection_get(action->context), NULL);
}

/* Buddy menu: data is the index of the resource when the menu was built. */
static void
menu_commands(PurpleBlistNode *node, gpointer data)
{
  PurpleBuddy *buddy = (PurpleBuddy *)node;
  XmppPurpleConn *conn =
      xmpp_purple_connection_get(purple_account_get_connection(purple_buddy_get_account(buddy)));
  if (conn == NULL || conn->session == NULL)
    return;
  const XmppPresenceContact *contact = xmpp_presence_get_contact(
      xmpp_session_get_presence(conn->session), purple_buddy_get_name(buddy));
  guint i = GPOINTER_TO_UINT(data);
  if (contact == NULL || i >= contact->resources->len)
    return;
  XmppPresenceResource *r = contact->resources->pdata[i];
  char *full = *r->resource != '\0' ? g_strdup_printf("%s/%s", contact->bare, r->resource)
                                    : g_strdup(contact->bare);
  xmpp_purple_accountsvc_list_commands(conn, full);
  g_free(full);
}

GList *
xmpp_purple_accountsvc_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  if (!PURPLE_BLIST_NODE_IS_BUDDY(node))
    return menu;
  PurpleBuddy *buddy = (PurpleBuddy *)node;
  XmppPurpleConn *conn =
      xmpp_purple_connection_get(purple_account_get_connection(purple_buddy_get_account(buddy)));
  if (conn == NULL || xmpp_purple_accountsvc_get(conn) == NULL)
    return menu;
  const XmppPresenceContact *contact = xmpp_presence_get_contact(
      xmpp_session_get_presence(conn->session), purple_buddy_get_name(buddy));
  guint n = contact != NULL ? contact->resources->len : 0;
  for (guint i = 0; i < n; i++) {
    XmppPresenceResource *r = contact->resources->pdata[i];
    char *label = n > 1 && *r->resource != '\0' ? g_strdup_printf(_("Commands (%s)"), r->resource)
                                                : g_strdup(_("Commands"));
    menu = g_list_append(menu, purple_menu_action_new(label, PURPLE_CALLBACK(menu_commands),
                                                      GUINT_TO_POINTER(i), NULL));
    g_free(label);
  }
  return menu;
}

/* ---- user search (XEP-0055) ---------------------------------------------------------------- */

static void
add_buddy_cb(PurpleConnection *gc, GList *row, gpointer data)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL || st->search_jid_col < 0)
    return;
  const char *jid = g_list_nth_data(row, (guint)st->search_jid_col);
  if (jid != NULL && *jid != '\0')
    purple_blist_request_add_buddy(conn->account, jid, NULL, NULL);
}

static void
results_cb(const XmppXdataForm *results, const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Search Failed"), error, XMPP_PURPLE_ERROR_REQUEST);
    return;
  }
  if (results->items->len == 0) {
    purple_notify_info(conn->gc, _("Search for Users"), _("No users found"), NULL);
    return;
  }
  PurpleNotifySearchResults *sr = purple_notify_searchresults_new();
  st->search_jid_col = -1;
  for (guint i = 0; i < results->reported->len; i++) {
    XmppXdataField *f = results->reported->pdata[i];
    if (g_strcmp0(f->var, "jid") == 0)
      st->search_jid_col = (int)i;
    purple_notify_searchresults_column_add(
        sr, purple_notify_searchresults_column_new(f->label ? f->label
                                                   : f->var ? f->var
                                                            : ""));
  }
  for (guint i = 0; i < results->items->len; i++) {
    GPtrArray *item = results->items->pdata[i];
    GList *row = NULL;
    for (guint c = 0; c < results->reported->len; c++) {
      XmppXdataField *col = results->reported->pdata[c];
      const char *value = NULL;
      for (guint k = 0; k < item->len && value == NULL; k++) {
        XmppXdataField *f = item->pdata[k];
        if (g_strcmp0(f->var, col->var) == 0)
          value = xmpp_xdata_field_get_value(f);
      }
      row = g_list_append(row, g_strdup(value ? value : ""));
    }
    purple_notify_searchresults_row_add(sr, row);
  }
  if (st->search_jid_col >= 0)
    purple_notify_searchresults_button_add(sr, PURPLE_NOTIFY_BUTTON_ADD, add_buddy_cb);
  purple_notify_searchresults(conn->gc, _("Search for Users"), _("Search Results"), NULL, sr, NULL,
                              NULL);
}

static void
search_answered(XmppXdataForm *filled, int action, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (filled == NULL || st == NULL || st->search_jid == NULL) {
    xmpp_xdata_form_free(filled);
    return;
  }
  xmpp_search_submit(xmpp_session_get_search(conn->session), st->search_jid, filled, results_cb,
                     conn, NULL);
  xmpp_xdata_form_free(filled);
}

static void
search_form_cb(const XmppXdataForm *form, const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Search Failed"), error, XMPP_PURPLE_ERROR_REQUEST);
    return;
  }
  xmpp_purple_xdata_request(conn, &st->forms, conn->account, _("Search for Users"),
                            _("Search for Users"), form, NULL, 0, search_answered, conn, NULL);
}

static void
search_at(XmppPurpleConn *conn, const char *jid)
{
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL || jid == NULL || *jid == '\0')
    return;
  g_free(st->search_jid);
  st->search_jid = g_strstrip(g_strdup(jid));
  xmpp_search_fetch_form(xmpp_session_get_search(conn->session), st->search_jid, search_form_cb,
                         conn, NULL);
}

static void
directory_typed(XmppPurpleConn *conn, const char *jid)
{
  search_at(conn, jid);
}

static void
discovered(const char *jid, gpointer data)
{
  XmppPurpleConn *conn = data;
  if (xmpp_purple_accountsvc_get(conn) == NULL)
    return;
  if (jid != NULL) {
    search_at(conn, jid);
    return;
  }
  /* No directory among the server's items: let the user name one. */
  purple_request_input(conn, _("Search for Users"), _("Enter a User Directory"),
                       _("Select a user directory to search"), NULL, FALSE, FALSE, NULL,
                       _("_Search"), G_CALLBACK(directory_typed), _("_Cancel"), NULL, conn->account,
                       NULL, NULL, conn);
}

void
xmpp_purple_accountsvc_action_search(PurplePluginAction *action)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(action->context);
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return;
  xmpp_purple_accountsvc_ensure(conn);
  xmpp_search_discover(xmpp_session_get_search(conn->session), discovered, conn, NULL);
}
