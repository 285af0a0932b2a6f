/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: a headless libpurple client that signs in once and prints events as JSON lines. */

/*
 * Usage: lyre-harness --purple-home DIR --account JID[/resource] --password PW [options]
 *   --plugin-dir DIR      extra plugin search path (the system plugin dir is searched too)
 *   --protocol ID         protocol plugin id (default prpl-lyre)
 *   --set key=value       account setting; the type comes from the protocol's option list,
 *                         or explicitly: key:int=5, key:bool=true, key:string=text
 *   --cert-answer A       accept-once | always | reject (default reject): for an action request
 *                         the first button whose label contains "once" / "always" / "reject"
 *                         (case-insensitive, mnemonics '_' ignored) is chosen; if none matches,
 *                         accept-once/always fall back to a label containing "accept" or "yes",
 *                         reject to "reject", "no" or "cancel"; otherwise the default action.
 *   --timeout SECONDS     give up after this long (default 30): exit 1
 *   --wait-for C          signed-on (default) | disconnected: exit 0 when it happens
 *   --commands            after sign-in read commands from stdin, one per line:
 *                         im <jid> <text> | status <status-id> [message] | wait <seconds> | quit
 *                         buddy list: add-buddy <jid> [group] | remove-buddy <jid> [group] |
 *                         alias <jid> <name> | move <jid> <group> | rename-group <old> <new> |
 *                         dump-buddies [tag] (one "buddy" event each, then "buddies-end")
 *                         presence: dump-presence <jid> [tag] ("presence" and "tooltip" events) |
 *                         buddy-menu <jid> <label prefix> | status-priority <id> <prio> [message] |
 *                         idle on [seconds] | idle off (the account idle for that long, default
 *                         600, or active again: what purple's idle tracking does)
 *                         messages: typing <jid> typing|typed|stopped | close-conv <jid> |
 *                         type <jid> <text> (a line typed and sent as in Pidgin: "/command"s
 *                         run, unknown ones sent as text unless the protocol's are native;
 *                         a "typed" event with the outcome; "/correct <text>" is Lyre's
 *                         XEP-0308 command) | seen <jid> (the user looks at the open
 *                         conversation, as when Pidgin's window gets the focus: a "conv-seen"
 *                         event, or "command-error" when no such conversation is open)
 *                         (events: "conv-write" for every line written in a conversation, with
 *                         flags, delayed/error/system and the message time; "typing")
 *                         privacy: block <jid> | unblock <jid> | deny-list | attention <jid> |
 *                         mood <name> [text] | mood none | dump-mood <jid> (events: "deny-list",
 *                         "mood", and "attention" for every buzz received)
 *                         info: get-info <jid> ("userinfo-entry" events, then "userinfo") |
 *                         ping <jid> (/ping in a conversation: a "conv-write" with the result)
 *                         account: change-password <old> <new> | dump-password | adhoc-list |
 *                         adhoc-run <name> (forms answered with their defaults)
 *                         tools (harness-tools.c): action <label prefix> | console <text> |
 *                         console-close | results-click <button> <cell> (events
 *                         "searchresults", "searchresult-row", "notify-formatted")
 *                         profile: set-vcard <id>=<value>|<id>=<value>... (the "Set User Info…"
 *                         form) | set-icon <file> ("icon-set") | buddy-icon <jid> ("buddy-icon":
 *                         SHA-1 of the stored icon, "" when none)
 *                         moving accounts: plugin-action <prpl-id> <label prefix> (a protocol
 *                         plugin's action, with a connection of it when there is one: requests
 *                         answered as above) | add-pounce <jid> <message> (on sign-on: send the
 *                         message) | dump-accounts ("account" events, then "accounts-end") |
 *                         dump-pounces ("pounce" events, "pounces-end") | add-chat <room@server>
 *                         <group> (a room on the buddy list, prpl-jabber's components) |
 *                         contact-icon <jid> <file> (a contact's avatar as a protocol stores
 *                         it, its SHA-1 as checksum) |
 *                         dump-chats ("chat" events, "chats-end") | dump-logs <jid> (the
 *                         account's IM logs with jid as purple's log viewer lists them: "log"
 *                         events with their text and file, then "logs-end")
 *   --dump-options        print the protocol's account options and user splits as they read
 *                         in the current locale ("account-option" events: setting, text) and
 *                         exit 0 without signing in
 *   --register            register the account (XEP-0077) instead of signing in: the form is
 *                         submitted with its defaults; events "registered" or "register-failed"
 *   --migration-offer     let Lyre offer to move prpl-jabber accounts (its first-run question);
 *                         otherwise the harness marks it as asked, so that it cannot come
 *                         between a test and its own questions
 *   --debug               libpurple's debug lines, on stdout between the events
 * The locale comes from the environment (LANG, LC_ALL, LANGUAGE), as in Pidgin and Finch.
 * Exit: 0 condition met, 1 otherwise, 2 usage error. Every event is one JSON object on stdout.
 */

#include "harness.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UI_ID "lyre-harness"

typedef struct {
  const char *purple_home, *plugin_dir, *protocol, *account, *password, *cert_answer, *wait_for;
  GPtrArray *settings;
  int timeout;
  gboolean commands, debug, dump_options, migration_offer;
  gboolean register_mode; /* --register: register the account (XEP-0077) instead of signing in */
  GMainLoop *loop;
  PurpleAccount *acct;
  int status;
  GQueue pending;    /* commands read from stdin, not yet run */
  guint wait_source; /* a running `wait` */
  guint timer, in_watch;
  gboolean stdin_eof, signed_on;
} Harness;

/* The ui ops have no user data pointer, so this one instance is reached through a static. */
static Harness h;

static void finish(int status);
static void run_commands(void);

/* ---- connection, account, conversation ------------------------------------------------- */

static void
conn_progress(PurpleConnection *gc, const char *text, size_t step, size_t count)
{
  emit("progress", "text", S, text, "step", I, (int)step, "count", I, (int)count, (char *)NULL);
}

static void
conn_connected(PurpleConnection *gc)
{
  emit("signed-on", (char *)NULL);
  h.signed_on = TRUE;
  if (g_strcmp0(h.wait_for, "signed-on") != 0)
    return;
  if (h.commands)
    run_commands();
  else
    finish(0);
}

static void
conn_disconnected(PurpleConnection *gc)
{
  emit("connection-closed", (char *)NULL);
  if (g_strcmp0(h.wait_for, "disconnected") == 0)
    finish(0);
}

static const char *
reason_name(PurpleConnectionError r)
{
  static const char *const names[] = {"NETWORK_ERROR",
                                      "INVALID_USERNAME",
                                      "AUTHENTICATION_FAILED",
                                      "AUTHENTICATION_IMPOSSIBLE",
                                      "NO_SSL_SUPPORT",
                                      "ENCRYPTION_ERROR",
                                      "NAME_IN_USE",
                                      "INVALID_SETTINGS",
                                      "CERT_NOT_PROVIDED",
                                      "CERT_UNTRUSTED",
                                      "CERT_EXPIRED",
                                      "CERT_NOT_ACTIVATED",
                                      "CERT_HOSTNAME_MISMATCH",
                                      "CERT_FINGERPRINT_MISMATCH",
                                      "CERT_SELF_SIGNED",
                                      "CERT_OTHER_ERROR"};
  if ((size_t)r < G_N_ELEMENTS(names))
    return names[r];
  return r == PURPLE_CONNECTION_ERROR_OTHER_ERROR ? "OTHER_ERROR" : "UNKNOWN";
}

static void
conn_report_reason(PurpleConnection *gc, PurpleConnectionError reason, const char *text)
{
  char *name = g_strconcat("PURPLE_CONNECTION_ERROR_", reason_name(reason), NULL);
  emit("disconnected", "reason", I, (int)reason, "reason_name", S, name, "text", S, text,
       (char *)NULL);
  g_free(name);
  /* Pidgin's policy (gtkconn.c): non-fatal errors schedule an automatic reconnect. */
  if (!purple_connection_error_is_fatal(reason))
    emit("would-reconnect", (char *)NULL);
}

static PurpleConnectionUiOps conn_ops = {
    .connect_progress = conn_progress,
    .connected = conn_connected,
    .disconnected = conn_disconnected,
    .report_disconnect_reason = conn_report_reason,
};

static void *
request_authorize(PurpleAccount *account, const char *remote_user, const char *id,
                  const char *alias, const char *message, gboolean on_list,
                  PurpleAccountRequestAuthorizationCb auth_cb,
                  PurpleAccountRequestAuthorizationCb deny_cb, void *user_data)
{
  emit("request", "kind", S, "authorize", "from", S, remote_user, "answer", S, "accept",
       (char *)NULL);
  auth_cb(user_data);
  return NULL;
}

static PurpleAccountUiOps account_ops = {.request_authorize = request_authorize};

static void
received_im(PurpleAccount *account, char *sender, char *message, PurpleConversation *conv,
            PurpleMessageFlags flags)
{
  emit("im", "from", S, sender, "text", S, message, (char *)NULL);
}

/* ---- messages: every conversation line (with flags and time) and typing ---------------- */

static void
write_conv(PurpleConversation *conv, const char *who, const char *alias, const char *message,
           PurpleMessageFlags flags, time_t mtime)
{
  emit("conv-write", "conv", S, purple_conversation_get_name(conv), "who", S, who, "text", S,
       message, "flags", I, (int)flags, "delayed", I, (flags & PURPLE_MESSAGE_DELAYED) != 0,
       "error", I, (flags & PURPLE_MESSAGE_ERROR) != 0, "system", I,
       (flags & PURPLE_MESSAGE_SYSTEM) != 0, "recv", I, (flags & PURPLE_MESSAGE_RECV) != 0, "time",
       I, (int)mtime, (char *)NULL);
}

static PurpleConversationUiOps conv_ops = {.write_conv = write_conv};

static void
typing_changed(PurpleAccount *account, const char *name, gpointer state)
{
  emit("typing", "from", S, name, "state", S, (const char *)state, (char *)NULL);
}

/* type <jid> <text>: what Pidgin does with a line typed in a conversation and sent (gtkconv.c,
 * check_for_and_do_command and send_cb): the text as IMHTML gives it (escaped); a "/command"
 * goes to purple's commands first, and one nobody registered is sent as text, unless the
 * protocol has OPT_PROTO_SLASH_COMMANDS_NATIVE and the first word holds no '/': then it is
 * refused with "Unknown command.". The "typed" event says which. */
static void
type_line(const char *who, const char *text)
{
  PurpleConversation *conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, h.acct, who);
  const char *outcome = "message";
  gboolean send = TRUE;
  if (text[0] == '/') {
    char *error = NULL, *cmd_markup = g_markup_escape_text(text + 1, -1);
    PurpleCmdStatus st = purple_cmd_do_command(conv, text + 1, cmd_markup, &error);
    g_free(cmd_markup);
    g_free(error);
    outcome = st == PURPLE_CMD_STATUS_OK ? "command" : "command-failed";
    send = FALSE;
    if (st == PURPLE_CMD_STATUS_NOT_FOUND) {
      PurplePlugin *prpl = purple_find_prpl(purple_account_get_protocol_id(h.acct));
      gboolean native = prpl != NULL && (PURPLE_PLUGIN_PROTOCOL_INFO(prpl)->options &
                                         OPT_PROTO_SLASH_COMMANDS_NATIVE) != 0;
      send = !native || text[1 + strcspn(text + 1, " /")] == '/';
      outcome = send ? "unknown-command-sent" : "unknown-command-refused";
      if (!send)
        purple_conversation_write(conv, "", "Unknown command.", PURPLE_MESSAGE_NO_LOG, time(NULL));
    }
  }
  if (send) {
    char *markup = g_markup_escape_text(text, -1);
    purple_conv_im_send(PURPLE_CONV_IM(conv), markup);
    g_free(markup);
  }
  emit("typed", "to", S, who, "text", S, text, "outcome", S, outcome, "sent", I, send,
       (char *)NULL);
}

/* seen <jid>: what Pidgin does when a conversation's window gets the focus (gtkconv.c,
 * gtkconv_set_unseen with PIDGIN_UNSEEN_NONE): the unseen count and state kept on the
 * conversation go to 0, and conversation-updated is emitted with PURPLE_CONV_UPDATE_UNSEEN. */
static gboolean
mark_seen(const char *who)
{
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, who, h.acct);
  if (conv == NULL)
    return FALSE;
  purple_conversation_set_data(conv, "unseen-count", GINT_TO_POINTER(0));
  purple_conversation_set_data(conv, "unseen-state", GINT_TO_POINTER(0));
  purple_conversation_update(conv, PURPLE_CONV_UPDATE_UNSEEN);
  return TRUE;
}

/* typing <jid> typing|typed|stopped | close-conv <jid> | type <jid> <text> | seen <jid>: TRUE
 * when line was one of them. */
static gboolean
im_command(const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  gboolean mine = TRUE;
  PurpleConnection *gc = purple_account_get_connection(h.acct);
  if (g_strcmp0(w[0], "typing") == 0 && w[1] && w[2] && gc) {
    PurpleTypingState st = g_strcmp0(w[2], "typing") == 0  ? PURPLE_TYPING
                           : g_strcmp0(w[2], "typed") == 0 ? PURPLE_TYPED
                                                           : PURPLE_NOT_TYPING;
    serv_send_typing(gc, w[1], st);
    emit("typing-sent", "to", S, w[1], "state", S, w[2], (char *)NULL);
  } else if (g_strcmp0(w[0], "type") == 0 && w[1] && w[2]) {
    type_line(w[1], w[2]);
  } else if (g_strcmp0(w[0], "close-conv") == 0 && w[1]) {
    PurpleConversation *conv =
        purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, w[1], h.acct);
    if (conv)
      purple_conversation_destroy(conv);
    emit("conv-closed", "conv", S, w[1], (char *)NULL);
  } else if (g_strcmp0(w[0], "seen") == 0 && w[1]) {
    if (mark_seen(w[1]))
      emit("conv-seen", "conv", S, w[1], (char *)NULL);
    else
      emit("command-error", "line", S, line, (char *)NULL);
  } else {
    mine = FALSE;
  }
  g_strfreev(w);
  return mine;
}

/* ---- moving accounts (test_migrate.py) -------------------------------------------------- */

/* Pounces as Finch keeps them (gntpounce.c): its actions registered on every new pounce, so
 * pounces.xml reads back with their settings. A pounce that fires is an event. */
static void
new_pounce(PurplePounce *pounce)
{
  static const char *const actions[] = {"open-window", "popup-notify", "send-message",
                                        "execute-command", "play-beep"};
  for (guint i = 0; i < G_N_ELEMENTS(actions); i++)
    purple_pounce_action_register(pounce, actions[i]);
}

static void
pounce_fired(PurplePounce *pounce, PurplePounceEvent events, void *data)
{
  emit("pounce-fired", "pouncee", S, purple_pounce_get_pouncee(pounce), "events", I, (int)events,
       (char *)NULL);
}

/* A protocol plugin's action by label prefix, with a connection of that protocol as context when
 * there is one (what Pidgin's Accounts menu gives); FALSE when there is no such action. */
static gboolean
plugin_action(const char *prpl_id, const char *prefix)
{
  PurplePlugin *prpl = purple_find_prpl(prpl_id);
  PurpleConnection *gc = NULL;
  for (GList *l = purple_connections_get_all(); prpl != NULL && l != NULL && gc == NULL;
       l = l->next)
    if (purple_connection_get_prpl(l->data) == prpl)
      gc = l->data;
  return harness_run_plugin_action(prpl, gc, prefix);
}

static void
dump_accounts(void)
{
  int n = 0;
  for (GList *l = purple_accounts_get_all(); l != NULL; l = l->next, n++) {
    PurpleAccount *a = l->data;
    const char *pw = purple_account_get_password(a), *alias = purple_account_get_alias(a);
    /* The account icon as buddyicon.c keeps it: a file name in <purple home>/icons. */
    const char *icon = purple_account_get_string(a, "buddy_icon", NULL);
    PurpleStatus *st = purple_account_get_active_status(a);
    emit("account", "protocol", S, purple_account_get_protocol_id(a), "username", S,
         purple_account_get_username(a), "enabled", I, purple_account_get_enabled(a, UI_ID),
         "remember", I, purple_account_get_remember_password(a), "password", S, pw ? pw : "",
         "alias", S, alias ? alias : "", "icon", S, icon ? icon : "", "status", S,
         st ? purple_status_get_id(st) : "", "connect_server", S,
         purple_account_get_string(a, "connect_server", ""), "port", I,
         purple_account_get_int(a, "port", 0), (char *)NULL);
  }
  emit("accounts-end", "count", I, n, (char *)NULL);
}

static void
dump_pounces(void)
{
  int n = 0;
  for (GList *l = purple_pounces_get_all(); l != NULL; l = l->next, n++) {
    PurplePounce *p = l->data;
    PurpleAccount *a = purple_pounce_get_pouncer(p);
    gboolean sends = g_hash_table_lookup(p->actions, "send-message") != NULL;
    const char *msg =
        sends ? purple_pounce_action_get_attribute(p, "send-message", "message") : NULL;
    emit("pounce", "protocol", S, purple_account_get_protocol_id(a), "pouncer", S,
         purple_account_get_username(a), "pouncee", S, purple_pounce_get_pouncee(p), "events", I,
         (int)purple_pounce_get_events(p), "enabled", I,
         sends && purple_pounce_action_is_enabled(p, "send-message"), "message", S, msg ? msg : "",
         (char *)NULL);
  }
  emit("pounces-end", "count", I, n, (char *)NULL);
}

/* add-chat <room@server> <group>: prpl-jabber's components (room, server, handle). */
static gboolean
add_chat(const char *jid, const char *group_name)
{
  const char *at = strchr(jid, '@');
  if (at == NULL || at == jid || at[1] == '\0')
    return FALSE;
  GHashTable *components = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert(components, g_strdup("room"), g_strndup(jid, (gsize)(at - jid)));
  g_hash_table_insert(components, g_strdup("server"), g_strdup(at + 1));
  g_hash_table_insert(components, g_strdup("handle"), g_strdup("alice"));
  PurpleGroup *group = purple_find_group(group_name);
  if (group == NULL) {
    group = purple_group_new(group_name);
    purple_blist_add_group(group, NULL);
  }
  purple_blist_add_chat(purple_chat_new(h.acct, NULL, components), group, NULL);
  return TRUE;
}

static void
dump_chats(void)
{
  int n = 0;
  for (PurpleBlistNode *g = purple_blist_get_root(); g != NULL; g = g->next)
    for (PurpleBlistNode *c = g->child; c != NULL; c = c->next) {
      if (!PURPLE_BLIST_NODE_IS_CHAT(c))
        continue;
      PurpleChat *chat = (PurpleChat *)c;
      const char *room = g_hash_table_lookup(purple_chat_get_components(chat), "room");
      emit("chat", "protocol", S, purple_account_get_protocol_id(purple_chat_get_account(chat)),
           "alias", S, chat->alias ? chat->alias : "", "room", S, room ? room : "", "group", S,
           purple_group_get_name((PurpleGroup *)g), (char *)NULL);
      n++;
    }
  emit("chats-end", "count", I, n, (char *)NULL);
}

static void
dump_logs(const char *who)
{
  int n = 0;
  GList *logs = purple_log_get_logs(PURPLE_LOG_IM, who, h.acct);
  for (GList *l = logs; l != NULL; l = l->next, n++) {
    PurpleLog *log = l->data;
    PurpleLogReadFlags flags = 0;
    char *text = purple_log_read(log, &flags);
    /* html and txt logs are files (PurpleLogCommonLoggerData); other loggers keep other data. */
    const char *id = log->logger != NULL ? log->logger->id : NULL;
    PurpleLogCommonLoggerData *file =
        g_strcmp0(id, "html") == 0 || g_strcmp0(id, "txt") == 0 ? log->logger_data : NULL;
    emit("log", "who", S, who, "text", S, text ? text : "", "path", S,
         file != NULL && file->path != NULL ? file->path : "", "time", I, (int)log->time,
         (char *)NULL);
    g_free(text);
    purple_log_free(l->data);
  }
  g_list_free(logs);
  emit("logs-end", "who", S, who, "count", I, n, (char *)NULL);
}

/* plugin-action | add-pounce | dump-accounts | dump-pounces | add-chat | contact-icon | dump-chats
 * | dump-logs: TRUE when line was one of them. */
static gboolean
migrate_command(const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  gboolean mine = TRUE, ok = TRUE;
  if (g_strcmp0(w[0], "plugin-action") == 0 && w[1] && w[2]) {
    ok = plugin_action(w[1], w[2]);
  } else if (g_strcmp0(w[0], "add-pounce") == 0 && w[1] && w[2]) {
    PurplePounce *p =
        purple_pounce_new(UI_ID, h.acct, w[1], PURPLE_POUNCE_SIGNON, PURPLE_POUNCE_OPTION_NONE);
    purple_pounce_action_register(p, "send-message");
    purple_pounce_action_set_enabled(p, "send-message", TRUE);
    purple_pounce_action_set_attribute(p, "send-message", "message", w[2]);
  } else if (g_strcmp0(w[0], "dump-accounts") == 0) {
    dump_accounts();
  } else if (g_strcmp0(w[0], "dump-pounces") == 0) {
    dump_pounces();
  } else if (g_strcmp0(w[0], "add-chat") == 0 && w[1] && w[2]) {
    ok = add_chat(w[1], w[2]);
  } else if (g_strcmp0(w[0], "contact-icon") == 0 && w[1] && w[2]) {
    gchar *data = NULL;
    gsize len = 0;
    ok = g_file_get_contents(w[2], &data, &len, NULL) && len > 0;
    if (ok) {
      char *sha1 = g_compute_checksum_for_data(G_CHECKSUM_SHA1, (const guchar *)data, len);
      purple_buddy_icons_set_for_user(h.acct, w[1], data, len, sha1); /* takes data */
      g_free(sha1);
    } else {
      g_free(data);
    }
  } else if (g_strcmp0(w[0], "dump-chats") == 0) {
    dump_chats();
  } else if (g_strcmp0(w[0], "dump-logs") == 0 && w[1]) {
    dump_logs(w[1]);
  } else {
    mine = FALSE;
  }
  if (mine)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return mine;
}

/* ---- commands from stdin ---------------------------------------------------------------- */

static gboolean
wait_done(gpointer data)
{
  h.wait_source = 0;
  run_commands();
  return G_SOURCE_REMOVE;
}

static gboolean
run_one(const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  gboolean go_on = TRUE;
  if (g_strcmp0(w[0], "im") == 0 && w[1] && w[2]) {
    PurpleConversation *conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, h.acct, w[1]);
    purple_conv_im_send(PURPLE_CONV_IM(conv), w[2]);
    emit("sent", "to", S, w[1], "text", S, w[2], (char *)NULL);
  } else if (g_strcmp0(w[0], "status") == 0 && w[1]) {
    if (w[2])
      purple_account_set_status(h.acct, w[1], TRUE, "message", w[2], NULL);
    else
      purple_account_set_status(h.acct, w[1], TRUE, NULL);
    emit("status-set", "status", S, w[1], (char *)NULL);
  } else if (g_strcmp0(w[0], "wait") == 0 && w[1]) {
    h.wait_source = g_timeout_add((guint)(g_ascii_strtod(w[1], NULL) * 1000), wait_done, NULL);
    go_on = FALSE;
  } else if (g_strcmp0(w[0], "quit") == 0) {
    finish(0);
    go_on = FALSE;
  } else if (harness_roster_command(h.acct, line)) {
    /* buddy-list commands (harness-ui.c) */
  } else if (harness_presence_command(h.acct, line)) {
    /* presence commands (harness-ui.c) */
  } else if (harness_privacy_command(h.acct, line)) {
    /* privacy commands (harness-ui.c) */
  } else if (harness_info_command(h.acct, line)) {
    /* info commands (harness-ui.c) */
  } else if (harness_profile_command(h.acct, line)) {
    /* profile commands (harness-profile.c) */
  } else if (harness_accountsvc_command(h.acct, line)) {
    /* account services: change-password, dump-password, adhoc-list, adhoc-run (harness-ui.c) */
  } else if (harness_rooms_command(h.acct, line)) {
    /* group chat: join-chat, chat-send, chat-topic, chat-leave, dump-room (harness-rooms.c) */
  } else if (harness_files_command(h.acct, line)) {
    /* file transfers: send-file, can-send-file, cancel-xfers (harness-files.c) */
  } else if (harness_tools_command(h.acct, line)) {
    /* account actions, XML console, service browser (harness-tools.c) */
  } else if (im_command(line)) {
    /* messages (above) */
  } else if (migrate_command(line)) {
    /* moving accounts (above) */
  } else if (w[0] && *w[0]) {
    emit("command-error", "line", S, line, (char *)NULL);
  }
  g_strfreev(w);
  return go_on;
}

static void
run_commands(void)
{
  while (h.signed_on && h.wait_source == 0 && h.loop && !g_queue_is_empty(&h.pending)) {
    char *line = g_queue_pop_head(&h.pending);
    gboolean go_on = run_one(line);
    g_free(line);
    if (!go_on)
      return;
  }
  if (h.signed_on && h.wait_source == 0 && h.stdin_eof && g_queue_is_empty(&h.pending))
    finish(0);
}

static gboolean
stdin_ready(GIOChannel *ch, GIOCondition cond, gpointer data)
{
  char *line = NULL;
  GIOStatus st = g_io_channel_read_line(ch, &line, NULL, NULL, NULL);
  if (st == G_IO_STATUS_NORMAL && line) {
    g_queue_push_tail(&h.pending, g_strstrip(line));
    run_commands();
    return TRUE;
  }
  g_free(line);
  if (st == G_IO_STATUS_AGAIN)
    return TRUE;
  h.stdin_eof = TRUE;
  h.in_watch = 0;
  run_commands();
  return FALSE;
}

/* ---- main ------------------------------------------------------------------------------- */

static void
finish(int status)
{
  if (!h.loop)
    return;
  h.status = status;
  g_main_loop_quit(h.loop);
}

static gboolean
on_timeout(gpointer data)
{
  h.timer = 0;
  emit("timeout", "seconds", I, h.timeout, (char *)NULL);
  finish(1);
  return G_SOURCE_REMOVE;
}

static int
usage(const char *msg)
{
  fprintf(stderr, "lyre-harness: %s (see the comment at the top of harness.c)\n", msg);
  return 2;
}

/* The protocol's account settings as the account dialog shows them. */
static void
dump_options(PurplePlugin *prpl)
{
  PurplePluginProtocolInfo *info = PURPLE_PLUGIN_PROTOCOL_INFO(prpl);
  for (GList *l = info->user_splits; l != NULL; l = l->next)
    emit("account-option", "setting", S, "", "text", S, purple_account_user_split_get_text(l->data),
         (char *)NULL);
  for (GList *l = info->protocol_options; l != NULL; l = l->next)
    emit("account-option", "setting", S, purple_account_option_get_setting(l->data), "text", S,
         purple_account_option_get_text(l->data), (char *)NULL);
}

int
main(int argc, char **argv)
{
  setlocale(LC_ALL, ""); /* as Pidgin and Finch do: the plugin's text follows the locale */
  h.protocol = "prpl-lyre";
  h.cert_answer = "reject";
  h.wait_for = "signed-on";
  h.timeout = 30;
  h.status = 1;
  h.settings = g_ptr_array_new();
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    gboolean takes = TRUE;
    if (!strcmp(a, "--commands"))
      h.commands = TRUE, takes = FALSE;
    else if (!strcmp(a, "--register"))
      h.register_mode = TRUE, takes = FALSE;
    else if (!strcmp(a, "--debug"))
      h.debug = TRUE, takes = FALSE;
    else if (!strcmp(a, "--dump-options"))
      h.dump_options = TRUE, takes = FALSE;
    else if (!strcmp(a, "--migration-offer"))
      h.migration_offer = TRUE, takes = FALSE;
    else if (!v)
      return usage("missing value");
    else if (!strcmp(a, "--purple-home"))
      h.purple_home = v;
    else if (!strcmp(a, "--plugin-dir"))
      h.plugin_dir = v;
    else if (!strcmp(a, "--protocol"))
      h.protocol = v;
    else if (!strcmp(a, "--account"))
      h.account = v;
    else if (!strcmp(a, "--password"))
      h.password = v;
    else if (!strcmp(a, "--set"))
      g_ptr_array_add(h.settings, (gpointer)v);
    else if (!strcmp(a, "--cert-answer"))
      h.cert_answer = v;
    else if (!strcmp(a, "--timeout"))
      h.timeout = atoi(v);
    else if (!strcmp(a, "--wait-for"))
      h.wait_for = v;
    else
      return usage("unknown option");
    if (takes)
      i++;
  }
  if (!h.purple_home || !h.account || h.timeout <= 0)
    return usage("--purple-home and --account are required, --timeout must be positive");
  if (strcmp(h.cert_answer, "accept-once") && strcmp(h.cert_answer, "always") &&
      strcmp(h.cert_answer, "reject"))
    return usage("--cert-answer must be accept-once, always or reject");
  if (strcmp(h.wait_for, "signed-on") && strcmp(h.wait_for, "disconnected"))
    return usage("--wait-for must be signed-on or disconnected");

  harness_set_cert_answer(h.cert_answer);
  purple_request_set_ui_ops(&harness_request_ops);
  purple_notify_set_ui_ops(&harness_notify_ops);
  purple_connections_set_ui_ops(&conn_ops);
  purple_accounts_set_ui_ops(&account_ops);
  if (!harness_purple_init(UI_ID, h.purple_home, h.plugin_dir, h.debug)) {
    fprintf(stderr, "lyre-harness: libpurple initialisation failed\n");
    return 1;
  }

  /* Lyre's first-run offer (purple-migrate.c) comes on the first main loop iteration, unless
   * its pref says it was shown. */
  if (!h.migration_offer && purple_prefs_exists("/plugins/prpl/lyre/migration_offered"))
    purple_prefs_set_bool("/plugins/prpl/lyre/migration_offered", TRUE);
  /* As Pidgin and Finch do: pounces.xml read (and saved), with this UI's pounce actions. */
  purple_pounces_register_handler(UI_ID, pounce_fired, new_pounce, NULL);
  purple_pounces_load();
  int rc = 1;
  PurplePlugin *prpl = purple_find_prpl(h.protocol);
  if (!prpl) {
    emit("error", "text", S, "protocol plugin not found", "protocol", S, h.protocol, (char *)NULL);
    goto out;
  }
  if (h.dump_options) {
    dump_options(prpl);
    rc = 0;
    goto out;
  }
  h.acct = purple_accounts_find(h.account, h.protocol);
  if (!h.acct) {
    h.acct = purple_account_new(h.account, h.protocol);
    purple_accounts_add(h.acct);
  }
  if (h.password) {
    purple_account_set_password(h.acct, h.password);
    purple_account_set_remember_password(h.acct, TRUE);
  }
  for (guint i = 0; i < h.settings->len; i++)
    if (!harness_apply_setting(h.acct, h.settings->pdata[i])) {
      rc = usage("bad --set (key=value, key:int=, key:bool=, key:string=)");
      goto out;
    }
  static int handle;
  purple_signal_connect(purple_conversations_get_handle(), "received-im-msg", &handle,
                        PURPLE_CALLBACK(received_im), NULL);
  purple_conversations_set_ui_ops(&conv_ops);
  harness_privacy_init();
  harness_info_init();
  harness_tools_init();
  harness_rooms_init();
  harness_files_init();
  purple_signal_connect(purple_conversations_get_handle(), "buddy-typing", &handle,
                        PURPLE_CALLBACK(typing_changed), "typing");
  purple_signal_connect(purple_conversations_get_handle(), "buddy-typed", &handle,
                        PURPLE_CALLBACK(typing_changed), "typed");
  purple_signal_connect(purple_conversations_get_handle(), "buddy-typing-stopped", &handle,
                        PURPLE_CALLBACK(typing_changed), "stopped");
  h.loop = g_main_loop_new(NULL, FALSE);
  h.timer = g_timeout_add_seconds((guint)h.timeout, on_timeout, NULL);
  if (h.commands) {
    GIOChannel *ch = g_io_channel_unix_new(0);
    h.in_watch = g_io_add_watch(ch, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_ready, NULL);
    g_io_channel_unref(ch);
  }
  purple_savedstatus_activate(purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE));
  if (h.register_mode) /* events "registered" / "register-failed"; use --wait-for disconnected */
    harness_register(h.acct);
  else
    purple_account_set_enabled(h.acct, UI_ID, TRUE);
  g_main_loop_run(h.loop);
  g_main_loop_unref(h.loop);
  h.loop = NULL;
  if (h.timer)
    g_source_remove(h.timer);
  if (h.in_watch)
    g_source_remove(h.in_watch);
  if (h.wait_source)
    g_source_remove(h.wait_source);
  rc = h.status;
out:
  g_queue_clear_full(&h.pending, g_free);
  purple_signals_disconnect_by_handle(&handle);
  purple_core_quit();
  g_ptr_array_free(h.settings, TRUE);
  emit("exit", "status", I, rc, (char *)NULL);
  return rc;
}
