/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: the automatic request answers and the commands of harness.c's command loop. */

#include "harness.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* accept-once | always | reject, from --cert-answer (see harness.c). */
static const char *cert_answer = "reject";

void
harness_set_cert_answer(const char *answer)
{
  cert_answer = answer;
}

/* ---- requests ----------------------------------------------------------------------------- */

typedef struct {
  PurpleRequestType type;
  guint idle;
  int choice;
  GCallback cb;
  void *user_data;
  char *value;        /* an input's answer (NULL: cancelled) */
  gboolean answering; /* its callback runs: a close meanwhile only marks it */
  gboolean closed;
} Answer;

/* Input requests are cancelled unless a test asked for them to be answered with their
 * default (harness_set_input_answer). */
static gboolean input_answer;

void
harness_set_input_answer(gboolean answer)
{
  input_answer = answer;
}

/* Label without mnemonic underscores, lower case. */
static char *
label_norm(const char *label)
{
  GString *s = g_string_new(NULL);
  for (const char *p = label ? label : ""; *p; p++)
    if (*p != '_')
      g_string_append_c(s, *p);
  char *low = g_utf8_strdown(s->str, -1);
  g_string_free(s, TRUE);
  return low;
}

static int
find_label(char **labels, int n, const char *word)
{
  for (int i = 0; i < n; i++)
    if (strstr(labels[i], word) != NULL)
      return i;
  return -1;
}

static int
pick_action(char **labels, int n, int default_action)
{
  const char *first = "reject", *const * fallback;
  static const char *const accept_fb[] = {"accept", "yes", "ok", NULL};
  static const char *const reject_fb[] = {"reject", "no", "cancel", NULL};
  if (g_strcmp0(cert_answer, "accept-once") == 0)
    first = "once", fallback = accept_fb;
  else if (g_strcmp0(cert_answer, "always") == 0)
    first = "always", fallback = accept_fb;
  else
    fallback = reject_fb;
  int i = find_label(labels, n, first);
  for (int k = 0; i < 0 && fallback[k]; k++)
    i = find_label(labels, n, fallback[k]);
  return i >= 0 ? i : default_action;
}

static gboolean
answer_idle(gpointer data)
{
  Answer *a = data;
  a->idle = 0;
  a->answering = TRUE;
  if (a->type == PURPLE_REQUEST_ACTION && a->cb)
    ((PurpleRequestActionCb)a->cb)(a->user_data, a->choice);
  else if (a->type == PURPLE_REQUEST_FIELDS && a->cb)
    ((PurpleRequestFieldsCb)a->cb)(a->user_data, NULL);
  else if (a->type == PURPLE_REQUEST_INPUT && a->cb)
    ((PurpleRequestInputCb)a->cb)(a->user_data, a->value);
  else if (a->type == PURPLE_REQUEST_FILE && a->cb)
    ((PurpleRequestFileCb)a->cb)(a->user_data, a->value);
  a->answering = FALSE;
  if (a->closed) {
    /* The callback closed the request itself (a refused file cancels its transfer, which
     * closes its question): gone for purple already. */
    g_free(a->value);
    g_free(a);
  } else {
    purple_request_close(a->type, a);
  }
  return G_SOURCE_REMOVE;
}

static void *
answer_later(PurpleRequestType type, int choice, GCallback cb, void *user_data)
{
  Answer *a = g_new0(Answer, 1);
  a->type = type;
  a->choice = choice;
  a->cb = cb;
  a->user_data = user_data;
  a->idle = g_idle_add(answer_idle, a);
  return a;
}

static void
close_request(PurpleRequestType type, void *ui_handle)
{
  Answer *a = ui_handle;
  if (a->answering) {
    a->closed = TRUE;
    return;
  }
  if (a->idle)
    g_source_remove(a->idle);
  g_free(a->value);
  g_free(a);
}

static void *
request_action(const char *title, const char *primary, const char *secondary, int default_action,
               PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data,
               size_t action_count, va_list actions)
{
  char **labels = g_new0(char *, action_count + 1);
  GCallback *cbs = g_new0(GCallback, action_count);
  GString *all = g_string_new(NULL);
  for (size_t i = 0; i < action_count; i++) {
    const char *label = va_arg(actions, const char *);
    cbs[i] = va_arg(actions, GCallback);
    labels[i] = label_norm(label);
    g_string_append_printf(all, "%s%s", i ? "|" : "", labels[i]);
  }
  int choice = pick_action(labels, (int)action_count, default_action);
  /* A file offered (purple's "X wants to send you ..."): accepted when accept-files said so. */
  if (primary != NULL && strstr(primary, "wants to send you") != NULL) {
    int accept = find_label(labels, (int)action_count, "accept");
    choice = harness_files_accepting() && accept >= 0
                 ? accept
                 : find_label(labels, (int)action_count, "cancel");
  }
  if (choice < 0 || (size_t)choice >= action_count)
    choice = 0;
  emit("request", "kind", S, "action", "title", S, title, "primary", S, primary, "secondary", S,
       secondary, "actions", S, all->str, "answer", S, action_count ? labels[choice] : "",
       (char *)NULL);
  void *handle =
      answer_later(PURPLE_REQUEST_ACTION, choice, action_count ? cbs[choice] : NULL, user_data);
  g_string_free(all, TRUE);
  g_strfreev(labels);
  g_free(cbs);
  return handle;
}

/* Fields and input requests (e.g. a password prompt) are cancelled: the tests pass everything
 * on the command line, so a prompt means something is wrong and the test should see it. */
static void *
request_fields(const char *title, const char *primary, const char *secondary,
               PurpleRequestFields *fields, const char *ok_text, GCallback ok_cb,
               const char *cancel_text, GCallback cancel_cb, PurpleAccount *account,
               const char *who, PurpleConversation *conv, void *user_data)
{
  if (harness_profile_fill_fields(fields) || /* set-vcard (harness-profile.c) */
      harness_rooms_fill_fields(fields))     /* fill-field (harness-rooms.c) */
    return harness_answer_fields_ok(fields, ok_cb, user_data);
  void *answered =
      harness_accountsvc_fields(title, primary, secondary, fields, ok_cb, cancel_cb, user_data);
  if (answered != NULL)
    return answered;
  emit("request", "kind", S, "fields", "title", S, title, "primary", S, primary, "secondary", S,
       secondary, "answer", S, "cancel", (char *)NULL);
  return answer_later(PURPLE_REQUEST_FIELDS, 0, cancel_cb, user_data);
}

static void *
request_input(const char *title, const char *primary, const char *secondary,
              const char *default_value, gboolean multiline, gboolean masked, gchar *hint,
              const char *ok_text, GCallback ok_cb, const char *cancel_text, GCallback cancel_cb,
              PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data)
{
  gboolean ok = input_answer && ok_cb != NULL;
  emit("request", "kind", S, "input", "title", S, title, "primary", S, primary, "secondary", S,
       secondary, "default", S, default_value != NULL ? default_value : "", "answer", S,
       ok ? "ok" : "cancel", (char *)NULL);
  Answer *a = answer_later(PURPLE_REQUEST_INPUT, 0, ok ? ok_cb : cancel_cb, user_data);
  a->value = ok ? g_strdup(default_value != NULL ? default_value : "") : NULL;
  return a;
}

/* A file to save (a download accepted): into accept-files' folder, else cancelled. */
static void *
request_file(const char *title, const char *filename, gboolean savedialog, GCallback ok_cb,
             GCallback cancel_cb, PurpleAccount *account, const char *who, PurpleConversation *conv,
             void *user_data)
{
  char *path = savedialog ? harness_files_save_path(filename) : NULL;
  emit("request", "kind", S, "file", "title", S, title, "filename", S, filename, "answer", S,
       path != NULL ? path : "cancel", (char *)NULL);
  Answer *a = answer_later(PURPLE_REQUEST_FILE, 0, path != NULL ? ok_cb : cancel_cb, user_data);
  a->value = path;
  return a;
}

PurpleRequestUiOps harness_request_ops = {
    .request_file = request_file,
    .request_input = request_input,
    .request_action = request_action,
    .request_fields = request_fields,
    .close_request = close_request,
};

/* ---- buddy-list commands ------------------------------------------------------------------ */

static PurpleGroup *
group_named(const char *name)
{
  PurpleGroup *group = purple_find_group(name);
  if (group == NULL) {
    group = purple_group_new(name);
    purple_blist_add_group(group, NULL);
  }
  return group;
}

static void
dump_buddies(PurpleAccount *account, const char *tag)
{
  GSList *buddies = purple_find_buddies(account, NULL);
  int n = 0;
  for (GSList *l = buddies; l != NULL; l = l->next, n++) {
    PurpleBuddy *b = l->data;
    const char *server_alias = purple_buddy_get_server_alias(b);
    const char *alias = purple_buddy_get_local_buddy_alias(b);
    emit("buddy", "tag", S, tag, "jid", S, purple_buddy_get_name(b), "group", S,
         purple_group_get_name(purple_buddy_get_group(b)), "server_alias", S,
         server_alias ? server_alias : "", "alias", S, alias ? alias : "", (char *)NULL);
  }
  g_slist_free(buddies);
  emit("buddies-end", "tag", S, tag, "count", I, n, (char *)NULL);
}

gboolean
harness_roster_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  const char *cmd = w[0], *jid = w[1], *rest = jid ? w[2] : NULL;
  gboolean handled = TRUE;
  if (g_strcmp0(cmd, "add-buddy") == 0 && jid) {
    PurpleGroup *group = group_named(rest && *rest ? rest : "Buddies");
    PurpleBuddy *buddy = purple_buddy_new(account, jid, NULL);
    purple_blist_add_buddy(buddy, NULL, group, NULL);
    purple_account_add_buddy_with_invite(account, buddy, NULL);
  } else if (g_strcmp0(cmd, "remove-buddy") == 0 && jid) {
    GSList *buddies = purple_find_buddies(account, jid);
    for (GSList *l = buddies; l != NULL; l = l->next) {
      PurpleGroup *group = purple_buddy_get_group(l->data);
      if (rest && *rest && g_strcmp0(purple_group_get_name(group), rest) != 0)
        continue;
      purple_account_remove_buddy(account, l->data, group);
      purple_blist_remove_buddy(l->data);
    }
    g_slist_free(buddies);
  } else if (g_strcmp0(cmd, "alias") == 0 && jid && rest) {
    GSList *buddies = purple_find_buddies(account, jid);
    for (GSList *l = buddies; l != NULL; l = l->next)
      purple_blist_alias_buddy(l->data, rest);
    if (buddies != NULL)
      serv_alias_buddy(buddies->data);
    g_slist_free(buddies);
  } else if (g_strcmp0(cmd, "move") == 0 && jid && rest) {
    PurpleBuddy *buddy = purple_find_buddy(account, jid);
    if (buddy != NULL)
      purple_blist_add_buddy(buddy, NULL, group_named(rest), NULL);
  } else if (g_strcmp0(cmd, "rename-group") == 0 && jid && rest) {
    PurpleGroup *group = purple_find_group(jid);
    if (group != NULL)
      purple_blist_rename_group(group, rest);
  } else if (g_strcmp0(cmd, "dump-buddies") == 0) {
    dump_buddies(account, jid ? jid : "");
  } else {
    handled = FALSE;
  }
  if (handled)
    emit("command-done", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

/* ---- presence commands -------------------------------------------------------------------- */

static void
dump_presence(PurpleAccount *account, const char *jid, const char *tag)
{
  PurpleBuddy *b = purple_find_buddy(account, jid);
  PurpleStatus *st = b ? purple_presence_get_active_status(purple_buddy_get_presence(b)) : NULL;
  const char *message = st ? purple_status_get_attr_string(st, "message") : NULL;
  PurplePresence *p = b ? purple_buddy_get_presence(b) : NULL;
  emit("presence", "tag", S, tag, "jid", S, jid, "found", I, b != NULL, "online", I,
       p ? purple_presence_is_online(p) : 0, "status", S, st ? purple_status_get_id(st) : "",
       "message", S, message ? message : "", "priority", I,
       st ? purple_status_get_attr_int(st, "priority") : 0, "idle", I,
       p ? purple_presence_is_idle(p) : 0, "updates", I,
       b ? (int)harness_blist_updates((PurpleBlistNode *)b) : 0, (char *)NULL);
  /* The protocol's tooltip and status text, as Pidgin would show them. */
  PurplePlugin *prpl = purple_find_prpl(purple_account_get_protocol_id(account));
  PurplePluginProtocolInfo *info = prpl ? PURPLE_PLUGIN_PROTOCOL_INFO(prpl) : NULL;
  if (b != NULL && info != NULL && info->tooltip_text != NULL) {
    PurpleNotifyUserInfo *ui = purple_notify_user_info_new();
    info->tooltip_text(b, ui, TRUE);
    char *text = purple_notify_user_info_get_text_with_newline(ui, "\n");
    emit("tooltip", "tag", S, tag, "jid", S, jid, "text", S, text, (char *)NULL);
    g_free(text);
    purple_notify_user_info_destroy(ui);
  }
}

/* Runs the protocol's buddy-menu entry whose label starts with label (case-insensitive). */
static gboolean
buddy_menu(PurpleAccount *account, const char *jid, const char *label)
{
  PurpleBuddy *b = purple_find_buddy(account, jid);
  PurplePlugin *prpl = purple_find_prpl(purple_account_get_protocol_id(account));
  PurplePluginProtocolInfo *info = prpl ? PURPLE_PLUGIN_PROTOCOL_INFO(prpl) : NULL;
  if (b == NULL || info == NULL || info->blist_node_menu == NULL)
    return FALSE;
  GList *menu = info->blist_node_menu((PurpleBlistNode *)b);
  gboolean found = FALSE;
  for (GList *l = menu; l != NULL; l = l->next) {
    PurpleMenuAction *act = l->data;
    if (!found && act->label && g_ascii_strncasecmp(act->label, label, strlen(label)) == 0) {
      ((void (*)(PurpleBlistNode *, gpointer))act->callback)((PurpleBlistNode *)b, act->data);
      found = TRUE;
    }
    purple_menu_action_free(act);
  }
  g_list_free(menu);
  return found;
}

gboolean
harness_presence_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 4);
  const char *cmd = w[0];
  gboolean handled = TRUE, ok = TRUE;
  if (g_strcmp0(cmd, "dump-presence") == 0 && w[1]) {
    dump_presence(account, w[1], w[2] ? w[2] : "");
  } else if (g_strcmp0(cmd, "buddy-menu") == 0 && w[1] && w[2]) {
    char *label = w[3] ? g_strconcat(w[2], " ", w[3], NULL) : g_strdup(w[2]);
    ok = buddy_menu(account, w[1], label);
    g_free(label);
  } else if (g_strcmp0(cmd, "idle") == 0 && g_strcmp0(w[1], "on") == 0) {
    /* What purple's idle tracking does for an idle user (idle.c, set_account_idle): the
     * account's presence idle since that long ago, which calls the protocol's set_idle. */
    int seconds = w[2] ? (int)g_ascii_strtoll(w[2], NULL, 10) : 600;
    ok = seconds > 0;
    if (ok)
      purple_presence_set_idle(purple_account_get_presence(account), TRUE, time(NULL) - seconds);
  } else if (g_strcmp0(cmd, "idle") == 0 && g_strcmp0(w[1], "off") == 0) {
    /* set_account_unidle: active again. */
    purple_presence_set_idle(purple_account_get_presence(account), FALSE, 0);
  } else if (g_strcmp0(cmd, "status-priority") == 0 && w[1] && w[2]) {
    int prio = (int)g_ascii_strtoll(w[2], NULL, 10);
    if (w[3])
      purple_account_set_status(account, w[1], TRUE, "priority", prio, "message", w[3], NULL);
    else
      purple_account_set_status(account, w[1], TRUE, "priority", prio, NULL);
  } else {
    handled = FALSE;
  }
  if (handled)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

/* ---- notifications: shown to the test as events ------------------------------------------- */

static void *
notify_message(PurpleNotifyMsgType type, const char *title, const char *primary,
               const char *secondary)
{
  static const char *const kinds[] = {"error", "warning", "info"};
  emit("notify", "kind", S, (guint)type < G_N_ELEMENTS(kinds) ? kinds[type] : "?", "title", S,
       title, "primary", S, primary, "secondary", S, secondary, (char *)NULL);
  return NULL; /* nothing stays open */
}

PurpleNotifyUiOps harness_notify_ops = {.notify_message = notify_message};

/* ---- privacy commands (XEP-0191 blocking, XEP-0224 attention, XEP-0107 mood) ---------------- */

static void
got_attention(PurpleAccount *account, const char *who, PurpleConversation *conv, guint type)
{
  emit("attention", "from", S, who, "type", I, (int)type, (char *)NULL);
}

void
harness_privacy_init(void)
{
  static int handle;
  purple_signal_connect(purple_conversations_get_handle(), "got-attention", &handle,
                        PURPLE_CALLBACK(got_attention), NULL);
}

gboolean
harness_privacy_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  const char *cmd = w[0];
  gboolean handled = TRUE, ok = TRUE;
  PurpleConnection *gc = purple_account_get_connection(account);
  if (g_strcmp0(cmd, "block") == 0 && w[1]) {
    /* What Pidgin's "Block" does. */
    purple_privacy_deny(account, w[1], FALSE, FALSE);
  } else if (g_strcmp0(cmd, "unblock") == 0 && w[1]) {
    purple_privacy_allow(account, w[1], FALSE, FALSE);
  } else if (g_strcmp0(cmd, "deny-list") == 0) {
    GString *list = g_string_new(NULL);
    for (GSList *l = account->deny; l != NULL; l = l->next)
      g_string_append_printf(list, "%s%s", list->len > 0 ? " " : "", (const char *)l->data);
    emit("deny-list", "jids", S, list->str, "mode", I, (int)account->perm_deny, (char *)NULL);
    g_string_free(list, TRUE);
  } else if (g_strcmp0(cmd, "attention") == 0 && w[1] && gc) {
    purple_prpl_send_attention(gc, w[1], 0);
  } else if (g_strcmp0(cmd, "mood") == 0 && w[1]) {
    /* mood <name> [text] | mood none */
    if (g_strcmp0(w[1], "none") == 0)
      purple_account_set_status(account, "mood", FALSE, NULL);
    else
      purple_account_set_status(account, "mood", TRUE, "mood", w[1], "moodtext", w[2], NULL);
  } else if (g_strcmp0(cmd, "dump-mood") == 0 && w[1]) {
    PurpleBuddy *b = purple_find_buddy(account, w[1]);
    PurpleStatus *st = b ? purple_presence_get_status(purple_buddy_get_presence(b), "mood") : NULL;
    gboolean active = st != NULL && purple_status_is_active(st);
    const char *mood = active ? purple_status_get_attr_string(st, "mood") : NULL;
    const char *text = active ? purple_status_get_attr_string(st, "moodtext") : NULL;
    emit("mood", "jid", S, w[1], "mood", S, mood ? mood : "", "text", S, text ? text : "", "alias",
         S, b ? purple_buddy_get_alias(b) : "", (char *)NULL);
  } else {
    handled = FALSE;
  }
  if (handled)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

/* ---- info commands (Get Info, /ping; XEP-0030/0092/0202/0012/0199) -------------------------- */

/* Get Info windows: one "userinfo-entry" event per line (label, value), then "userinfo". */
static void *
notify_userinfo(PurpleConnection *gc, const char *who, PurpleNotifyUserInfo *user_info)
{
  for (GList *l = purple_notify_user_info_get_entries(user_info); l != NULL; l = l->next) {
    PurpleNotifyUserInfoEntry *e = l->data;
    const char *label = purple_notify_user_info_entry_get_label(e);
    const char *value = purple_notify_user_info_entry_get_value(e);
    emit("userinfo-entry", "who", S, who, "label", S, label ? label : "", "value", S,
         value ? value : "", (char *)NULL);
  }
  emit("userinfo", "who", S, who, (char *)NULL);
  return NULL;
}

void
harness_info_init(void)
{
  harness_notify_ops.notify_userinfo = notify_userinfo;
}

/* get-info <jid> | ping <jid> (runs "/ping" in an IM conversation: the answer shows as a
 * conv-write event). TRUE when line was one of them. */
gboolean
harness_info_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 2);
  gboolean handled = TRUE, ok = TRUE;
  PurpleConnection *gc = purple_account_get_connection(account);
  if (g_strcmp0(w[0], "get-info") == 0 && w[1] && gc) {
    serv_get_info(gc, w[1]);
  } else if (g_strcmp0(w[0], "ping") == 0 && w[1] && gc) {
    PurpleConversation *conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, account, w[1]);
    char *error = NULL;
    ok = purple_cmd_do_command(conv, "ping", "ping", &error) == PURPLE_CMD_STATUS_OK;
    g_free(error);
  } else {
    handled = FALSE;
  }
  if (handled)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

/* ---- account services (XEP-0077 registration and password, XEP-0050 commands) --------------- */

/* Fields requests are cancelled unless a command asked to answer them: then the defaults are
 * submitted, and in each choice the first label containing the pick (case-insensitive) is
 * selected. Either way a "request" event lists the choices. */
static gboolean accountsvc_answer;
static char *accountsvc_pick;

typedef struct {
  Answer *a;    /* the ui handle (freed by close_request) */
  GCallback ok; /* the ok or the cancel callback */
  void *user_data;
  PurpleRequestFields *fields; /* the UI owns them: destroyed with this */
} FieldsOk;

static void
fields_answer_free(gpointer data)
{
  FieldsOk *f = data;
  purple_request_fields_destroy(f->fields);
  g_free(f);
}

static gboolean
fields_ok_idle(gpointer data)
{
  FieldsOk *f = data;
  f->a->idle = 0;
  if (f->ok != NULL)
    ((PurpleRequestFieldsCb)f->ok)(f->user_data, f->fields);
  purple_request_close(PURPLE_REQUEST_FIELDS, f->a);
  return G_SOURCE_REMOVE;
}

/* Called first by request_fields; answers every fields request (cancel unless a command asked
 * for answers) and destroys the fields afterwards, as a real UI does. */
void *
harness_accountsvc_fields(const char *title, const char *primary, const char *secondary,
                          PurpleRequestFields *fields, GCallback ok_cb, GCallback cancel_cb,
                          void *user_data)
{
  GString *choices = g_string_new(NULL);
  char *pick = accountsvc_pick ? g_utf8_strdown(accountsvc_pick, -1) : NULL;
  for (GList *g = purple_request_fields_get_groups(fields); g != NULL; g = g->next)
    for (GList *l = purple_request_field_group_get_fields(g->data); l != NULL; l = l->next) {
      PurpleRequestField *field = l->data;
      if (purple_request_field_get_type(field) != PURPLE_REQUEST_FIELD_CHOICE)
        continue;
      int i = 0, chosen = -1;
      for (GList *c = purple_request_field_choice_get_labels(field); c != NULL; c = c->next, i++) {
        char *low = g_utf8_strdown(c->data, -1);
        if (chosen < 0 && pick != NULL && strstr(low, pick) != NULL)
          chosen = i;
        g_free(low);
        g_string_append_printf(choices, "%s%s", choices->len ? "|" : "", (char *)c->data);
      }
      if (chosen >= 0 && accountsvc_answer)
        purple_request_field_choice_set_value(field, chosen);
    }
  g_free(pick);
  emit("request", "kind", S, "fields", "title", S, title, "primary", S, primary, "secondary", S,
       secondary, "choices", S, choices->str, "answer", S, accountsvc_answer ? "ok" : "cancel",
       (char *)NULL);
  g_string_free(choices, TRUE);
  Answer *a = g_new0(Answer, 1);
  a->type = PURPLE_REQUEST_FIELDS;
  FieldsOk *f = g_new0(FieldsOk, 1);
  f->a = a;
  f->ok = accountsvc_answer ? ok_cb : cancel_cb;
  f->user_data = user_data;
  f->fields = fields;
  a->idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, fields_ok_idle, f, fields_answer_free);
  return a;
}

static void
registered(PurpleAccount *account, gboolean succeeded, void *user_data)
{
  emit(succeeded ? "registered" : "register-failed", "account", S,
       purple_account_get_username(account), (char *)NULL);
}

void
harness_register(PurpleAccount *account)
{
  accountsvc_answer = TRUE;
  purple_account_set_register_callback(account, registered, NULL);
  purple_account_register(account);
}

gboolean
harness_run_account_action(PurpleAccount *account, const char *prefix)
{
  PurpleConnection *gc = purple_account_get_connection(account);
  return harness_run_plugin_action(gc ? purple_connection_get_prpl(gc) : NULL, gc, prefix);
}

gboolean
harness_run_plugin_action(PurplePlugin *prpl, PurpleConnection *gc, const char *prefix)
{
  if (prpl == NULL || !PURPLE_PLUGIN_HAS_ACTIONS(prpl))
    return FALSE;
  gboolean found = FALSE;
  GList *actions = PURPLE_PLUGIN_ACTIONS(prpl, gc);
  for (GList *l = actions; l != NULL; l = l->next) {
    PurplePluginAction *action = l->data;
    if (action == NULL)
      continue;
    if (!found && g_str_has_prefix(action->label, prefix)) {
      action->plugin = prpl;
      action->context = gc;
      action->callback(action);
      found = TRUE;
    }
    purple_plugin_action_free(action);
  }
  g_list_free(actions);
  return found;
}

/* change-password <old> <new> | dump-password | adhoc-list | adhoc-run <name> (forms answered
 * with their defaults; notes arrive as "notify" events). TRUE when line was one of them. */
gboolean
harness_accountsvc_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  gboolean handled = TRUE, ok = TRUE;
  if (g_strcmp0(w[0], "change-password") == 0 && w[1] && w[2]) {
    /* What the "Change Password" dialog does once filled in. */
    purple_account_change_password(account, w[1], w[2]);
  } else if (g_strcmp0(w[0], "dump-password") == 0) {
    const char *pw = purple_account_get_password(account);
    emit("password", "password", S, pw ? pw : "", (char *)NULL);
  } else if (g_strcmp0(w[0], "adhoc-list") == 0) {
    accountsvc_answer = FALSE;
    ok = harness_run_account_action(account, "Server Commands");
  } else if (g_strcmp0(w[0], "adhoc-run") == 0 && w[1]) {
    accountsvc_answer = TRUE;
    g_free(accountsvc_pick);
    accountsvc_pick = g_strdup(w[1]);
    ok = harness_run_account_action(account, "Server Commands");
  } else {
    handled = FALSE;
  }
  if (handled)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

void *
harness_answer_fields_ok(PurpleRequestFields *fields, GCallback ok_cb, void *user_data)
{
  Answer *a = g_new0(Answer, 1);
  a->type = PURPLE_REQUEST_FIELDS;
  FieldsOk *f = g_new0(FieldsOk, 1);
  f->a = a;
  f->ok = ok_cb;
  f->user_data = user_data;
  f->fields = fields;
  a->idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, fields_ok_idle, f, fields_answer_free);
  return a;
}
