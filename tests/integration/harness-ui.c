/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: JSON event output, the GLib event loop ops and the automatic request answers. */

#include "harness.h"

#include <stdio.h>
#include <string.h>

/* accept-once | always | reject, from --cert-answer (see harness.c). */
static const char *cert_answer = "reject";

void
harness_set_cert_answer(const char *answer)
{
  cert_answer = answer;
}

/* ---- JSON output ------------------------------------------------------------------------ */

static void
json_str(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p == '\n')
      g_string_append(out, "\\n");
    else if (*p < 0x20)
      g_string_append_printf(out, "\\u%04x", *p);
    else
      g_string_append_c(out, (char)*p);
  }
  g_string_append_c(out, '"');
}

void
emit(const char *event, ...)
{
  GString *out = g_string_new("{\"event\":");
  json_str(out, event);
  va_list ap;
  va_start(ap, event);
  const char *key;
  while ((key = va_arg(ap, const char *)) != NULL) {
    int type = va_arg(ap, int);
    g_string_append_c(out, ',');
    json_str(out, key);
    g_string_append_c(out, ':');
    if (type == S)
      json_str(out, va_arg(ap, const char *));
    else
      g_string_append_printf(out, "%d", va_arg(ap, int));
  }
  va_end(ap);
  g_string_append(out, "}\n");
  fputs(out->str, stdout);
  fflush(stdout);
  g_string_free(out, TRUE);
}

/* ---- event loop ------------------------------------------------------------------------- */

typedef struct {
  PurpleInputFunction func;
  gpointer data;
} IoClosure;

static gboolean
io_invoke(GIOChannel *src, GIOCondition cond, gpointer data)
{
  IoClosure *c = data;
  int cnd = 0;
  if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    cnd |= PURPLE_INPUT_READ;
  if (cond & (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    cnd |= PURPLE_INPUT_WRITE;
  c->func(c->data, g_io_channel_unix_get_fd(src), cnd);
  return TRUE;
}

static guint
io_add(gint fd, PurpleInputCondition cond, PurpleInputFunction func, gpointer data)
{
  IoClosure *c = g_new0(IoClosure, 1);
  c->func = func;
  c->data = data;
  int gc = 0;
  if (cond & PURPLE_INPUT_READ)
    gc |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (cond & PURPLE_INPUT_WRITE)
    gc |= G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL;
  GIOChannel *ch = g_io_channel_unix_new(fd);
  guint id = g_io_add_watch_full(ch, G_PRIORITY_DEFAULT, gc, io_invoke, c, g_free);
  g_io_channel_unref(ch);
  return id;
}

PurpleEventLoopUiOps harness_loop_ops = {
    .timeout_add = g_timeout_add,
    .timeout_remove = g_source_remove,
    .input_add = io_add,
    .input_remove = g_source_remove,
    .timeout_add_seconds = g_timeout_add_seconds,
};

/* ---- requests ----------------------------------------------------------------------------- */

typedef struct {
  PurpleRequestType type;
  guint idle;
  int choice;
  GCallback cb;
  void *user_data;
} Answer;

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
  if (a->type == PURPLE_REQUEST_ACTION && a->cb)
    ((PurpleRequestActionCb)a->cb)(a->user_data, a->choice);
  else if (a->type == PURPLE_REQUEST_FIELDS && a->cb)
    ((PurpleRequestFieldsCb)a->cb)(a->user_data, NULL);
  else if (a->type == PURPLE_REQUEST_INPUT && a->cb)
    ((PurpleRequestInputCb)a->cb)(a->user_data, NULL);
  purple_request_close(a->type, a);
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
  if (a->idle)
    g_source_remove(a->idle);
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
  emit("request", "kind", S, "input", "title", S, title, "primary", S, primary, "secondary", S,
       secondary, "answer", S, "cancel", (char *)NULL);
  return answer_later(PURPLE_REQUEST_INPUT, 0, cancel_cb, user_data);
}

PurpleRequestUiOps harness_request_ops = {
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
       p ? purple_presence_is_idle(p) : 0, (char *)NULL);
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
