/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moving accounts over from the built-in XMPP plugin (prpl-jabber): for each prpl-jabber account
 * without a Lyre twin, a Lyre account with the same username, saved password, settings, alias,
 * icon, status, buddy list entries, pounces and conversation logs (copied into its log folder);
 * the old account is disabled for this UI, never deleted. Reached through an account action and
 * a first-run offer. The pure parts come first (purple-migrate.h); the unit tests call them. */
#include "purple-glue.h"
#include "purple-migrate.h"
#include "purple-i18n.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "jid/jid.h"

/* ---- pure parts --------------------------------------------------------------------------- */

char *
xmpp_purple_migrate_bare(const char *username)
{
  if (username == NULL || !g_utf8_validate(username, -1, NULL))
    return NULL;
  /* RFC 7622 §3.1: the resource starts at the first '/'; an empty one ("user@domain/") is
   * what a dialog left blank, not an error worth refusing the move for. */
  const char *slash = strchr(username, '/');
  char *bare_part =
      slash != NULL ? g_strndup(username, (gsize)(slash - username)) : g_strdup(username);
  XmppJid *jid = xmpp_jid_parse(bare_part, NULL);
  g_free(bare_part);
  char *bare = jid != NULL ? g_strdup(xmpp_jid_get_bare(jid)) : NULL;
  if (jid != NULL)
    xmpp_jid_free(jid);
  return bare;
}

GArray *
xmpp_purple_migrate_select(const XmppPurpleMigrateAccount *accounts, guint n)
{
  GArray *chosen = g_array_new(FALSE, FALSE, sizeof(guint));
  /* Bare JIDs that have a Lyre account, or that an earlier prpl-jabber account takes. */
  GHashTable *taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++) {
    if (g_strcmp0(accounts[i].protocol_id, XMPP_PURPLE_PLUGIN_ID) != 0)
      continue;
    char *bare = xmpp_purple_migrate_bare(accounts[i].username);
    if (bare != NULL)
      g_hash_table_add(taken, bare);
  }
  for (guint i = 0; i < n; i++) {
    if (g_strcmp0(accounts[i].protocol_id, XMPP_PURPLE_MIGRATE_FROM) != 0)
      continue;
    char *bare = xmpp_purple_migrate_bare(accounts[i].username);
    if (bare == NULL || g_hash_table_contains(taken, bare)) {
      g_free(bare);
      continue;
    }
    g_hash_table_add(taken, bare);
    g_array_append_val(chosen, i);
  }
  g_hash_table_destroy(taken);
  return chosen;
}

static PurpleAccountOption *
option_find(GList *options, const char *key)
{
  for (GList *l = options; l != NULL; l = l->next)
    if (l->data != NULL && g_strcmp0(purple_account_option_get_setting(l->data), key) == 0)
      return l->data;
  return NULL;
}

GArray *
xmpp_purple_migrate_option_plan(GList *lyre, GList *old)
{
  /* prpl-jabber's keys that Lyre reads with the same meaning (purple-glue.h). */
  static const char *const jabber_keys[] = {
      XMPP_PURPLE_OPT_SECURITY, XMPP_PURPLE_OPT_PLAIN_IN_CLEAR, XMPP_PURPLE_OPT_CONNECT_SERVER,
      XMPP_PURPLE_OPT_PORT,     XMPP_PURPLE_OPT_FT_PROXIES,     XMPP_PURPLE_OPT_CUSTOM_SMILEYS,
  };
  GArray *plan = g_array_new(FALSE, FALSE, sizeof(XmppPurpleMigrateSetting));
  for (GList *l = lyre; l != NULL; l = l->next) {
    PurpleAccountOption *to = l->data;
    const char *key = to != NULL ? purple_account_option_get_setting(to) : NULL;
    if (key == NULL)
      continue;
    XmppPurpleMigrateSetting setting = {to, NULL};
    if (old != NULL) {
      setting.from = option_find(old, key);
      if (setting.from != NULL &&
          purple_account_option_get_type(setting.from) != purple_account_option_get_type(to))
        setting.from = NULL; /* same key, another type: its value would be misread */
    } else {
      for (guint k = 0; k < G_N_ELEMENTS(jabber_keys); k++)
        if (strcmp(key, jabber_keys[k]) == 0)
          setting.from = to;
    }
    if (setting.from != NULL)
      g_array_append_val(plan, setting);
  }
  return plan;
}

gboolean
xmpp_purple_migrate_choice_known(PurpleAccountOption *option, const char *value)
{
  if (option == NULL || value == NULL ||
      purple_account_option_get_type(option) != PURPLE_PREF_STRING_LIST)
    return FALSE;
  for (GList *l = purple_account_option_get_list(option); l != NULL; l = l->next) {
    PurpleKeyValuePair *kvp = l->data;
    if (kvp != NULL && g_strcmp0(kvp->value, value) == 0)
      return TRUE;
  }
  return FALSE;
}

char *
xmpp_purple_migrate_log_target(const char *folder)
{
  if (folder == NULL)
    return g_strdup("");
  if (*folder == '\0' || strcmp(folder, ".system") == 0)
    return g_strdup(folder);
  char *name = g_strdup(purple_unescape_filename(folder));
  gboolean chat = g_str_has_suffix(name, ".chat");
  if (chat)
    name[strlen(name) - strlen(".chat")] = '\0';
  char *norm = g_utf8_validate(name, -1, NULL) ? xmpp_jid_normalize(name) : NULL;
  char *target = NULL;
  if (norm != NULL) {
    char *full = chat ? g_strconcat(norm, ".chat", NULL) : g_strdup(norm);
    const char *escaped = purple_escape_filename(full);
    if (escaped != NULL && *escaped != '\0')
      target = g_strdup(escaped);
    g_free(full);
  }
  g_free(norm);
  g_free(name);
  return target != NULL ? target : g_strdup(folder);
}

/* One file from `from` to `to` unless `to` exists: TRUE when copied. */
static gboolean
copy_file(const char *from, const char *to, gboolean *failed)
{
  if (g_file_test(to, G_FILE_TEST_EXISTS))
    return FALSE;
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  if (!g_file_get_contents(from, &data, &len, &error) ||
      !g_file_set_contents_full(to, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                &error)) {
    purple_debug_warning(XMPP_PURPLE_DEBUG, "migrate: %s not copied: %s\n", from,
                         error != NULL ? error->message : "?");
    g_clear_error(&error);
    g_free(data);
    *failed = TRUE;
    return FALSE;
  }
  g_free(data);
  return TRUE;
}

/* A regular file or a folder, not a link to one (lstat). */
static gboolean
is_kind(const char *path, gboolean folder)
{
  GStatBuf st;
  if (g_lstat(path, &st) != 0)
    return FALSE;
  return folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

guint
xmpp_purple_migrate_copy_logs(const char *from, const char *to, guint *failed)
{
  guint copied = 0, failures = 0;
  /* The account's folder itself may be a link (logs kept on another disk); what is inside is
   * taken only as purple writes it: folders of files. */
  GDir *dir = from != NULL && to != NULL && g_file_test(from, G_FILE_TEST_IS_DIR)
                  ? g_dir_open(from, 0, NULL)
                  : NULL;
  const char *entry;
  while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
    char *src = g_build_filename(from, entry, NULL);
    GDir *conv = is_kind(src, TRUE) ? g_dir_open(src, 0, NULL) : NULL;
    char *target = conv != NULL ? xmpp_purple_migrate_log_target(entry) : NULL;
    char *dst = target != NULL ? g_build_filename(to, target, NULL) : NULL;
    const char *file;
    while (conv != NULL && (file = g_dir_read_name(conv)) != NULL) {
      char *src_file = g_build_filename(src, file, NULL);
      if (is_kind(src_file, FALSE)) {
        char *dst_file = g_build_filename(dst, file, NULL);
        gboolean bad = FALSE;
        if (g_mkdir_with_parents(dst, 0700) != 0)
          bad = TRUE;
        else if (copy_file(src_file, dst_file, &bad))
          copied++;
        if (bad)
          failures++;
        g_free(dst_file);
      }
      g_free(src_file);
    }
    if (conv != NULL)
      g_dir_close(conv);
    g_free(dst);
    g_free(target);
    g_free(src);
  }
  if (dir != NULL)
    g_dir_close(dir);
  if (failed != NULL)
    *failed = failures;
  return copied;
}

/* ---- which accounts ----------------------------------------------------------------------- */

/* The PurpleAccount*s to move now, in purple's order (free with g_list_free). */
static GList *
accounts_to_move(void)
{
  GList *all = purple_accounts_get_all();
  guint n = g_list_length(all), i = 0;
  XmppPurpleMigrateAccount *descs = g_new0(XmppPurpleMigrateAccount, n + 1);
  PurpleAccount **accounts = g_new0(PurpleAccount *, n + 1);
  for (GList *l = all; l != NULL; l = l->next, i++) {
    accounts[i] = l->data;
    descs[i].protocol_id = purple_account_get_protocol_id(l->data);
    descs[i].username = purple_account_get_username(l->data);
  }
  GArray *chosen = xmpp_purple_migrate_select(descs, n);
  GList *out = NULL;
  for (guint k = 0; k < chosen->len; k++)
    out = g_list_append(out, accounts[g_array_index(chosen, guint, k)]);
  g_array_free(chosen, TRUE);
  g_free(accounts);
  g_free(descs);
  return out;
}

/* ---- one account: settings ---------------------------------------------------------------- */

static GList *
protocol_options(const char *protocol_id)
{
  PurplePlugin *prpl = purple_find_prpl(protocol_id);
  PurplePluginProtocolInfo *info = prpl != NULL ? PURPLE_PLUGIN_PROTOCOL_INFO(prpl) : NULL;
  return info != NULL ? info->protocol_options : NULL;
}

static void
copy_settings(PurpleAccount *old, PurpleAccount *account)
{
  GArray *plan = xmpp_purple_migrate_option_plan(protocol_options(XMPP_PURPLE_PLUGIN_ID),
                                                 protocol_options(XMPP_PURPLE_MIGRATE_FROM));
  for (guint i = 0; i < plan->len; i++) {
    XmppPurpleMigrateSetting *s = &g_array_index(plan, XmppPurpleMigrateSetting, i);
    const char *key = purple_account_option_get_setting(s->to);
    const char *value;
    switch (purple_account_option_get_type(s->to)) {
      case PURPLE_PREF_BOOLEAN:
        purple_account_set_bool(
            account, key,
            purple_account_get_bool(old, key, purple_account_option_get_default_bool(s->from)));
        break;
      case PURPLE_PREF_INT:
        purple_account_set_int(
            account, key,
            purple_account_get_int(old, key, purple_account_option_get_default_int(s->from)));
        break;
      case PURPLE_PREF_STRING:
        value =
            purple_account_get_string(old, key, purple_account_option_get_default_string(s->from));
        if (value != NULL)
          purple_account_set_string(account, key, value);
        break;
      case PURPLE_PREF_STRING_LIST: /* a choice, kept as a string */
        value = purple_account_get_string(old, key,
                                          purple_account_option_get_default_list_value(s->from));
        if (xmpp_purple_migrate_choice_known(s->to, value))
          purple_account_set_string(account, key, value);
        break;
      default:
        break;
    }
  }
  g_array_free(plan, TRUE);

  if (purple_account_get_remember_password(old) && purple_account_get_password(old) != NULL) {
    purple_account_set_password(account, purple_account_get_password(old));
    purple_account_set_remember_password(account, TRUE);
  }
  /* Not the user info: prpl-jabber keeps its vCard there as XML; Lyre reads the vCard from the
   * server, where it is. */
  purple_account_set_alias(account, purple_account_get_alias(old));
  purple_account_set_check_mail(account, purple_account_get_check_mail(old));

  PurpleProxyInfo *proxy = purple_account_get_proxy_info(old);
  if (proxy != NULL) {
    PurpleProxyInfo *copy = purple_proxy_info_new();
    purple_proxy_info_set_type(copy, purple_proxy_info_get_type(proxy));
    purple_proxy_info_set_host(copy, purple_proxy_info_get_host(proxy));
    purple_proxy_info_set_port(copy, purple_proxy_info_get_port(proxy));
    purple_proxy_info_set_username(copy, purple_proxy_info_get_username(proxy));
    purple_proxy_info_set_password(copy, purple_proxy_info_get_password(proxy));
    purple_account_set_proxy_info(account, copy);
  }

  /* Privacy: the permit and deny lists, kept locally (the server's blocklist is the same
   * account's: it is read again at sign-in). */
  for (GSList *l = old->permit; l != NULL; l = l->next)
    purple_privacy_permit_add(account, l->data, TRUE);
  for (GSList *l = old->deny; l != NULL; l = l->next)
    purple_privacy_deny_add(account, l->data, TRUE);
  purple_account_set_privacy_type(account, purple_account_get_privacy_type(old));

  PurpleStoredImage *icon = purple_buddy_icons_find_account_icon(old);
  if (icon != NULL) {
    gsize size = purple_imgstore_get_size(icon);
    if (size > 0 && purple_imgstore_get_data(icon) != NULL)
      purple_buddy_icons_set_account_icon(account, g_memdup2(purple_imgstore_get_data(icon), size),
                                          size);
    purple_imgstore_unref(icon);
  }
}

/* The status the old account is in (Lyre uses prpl-jabber's status ids), with its message and
 * priority; and its place in every saved status. */
static void
copy_status(PurpleAccount *old, PurpleAccount *account)
{
  static const char *const attrs[] = {"message", "priority"};
  PurpleStatus *status = purple_account_get_active_status(old);
  const char *id = status != NULL ? purple_status_get_id(status) : NULL;
  PurpleStatus *target = id != NULL ? purple_account_get_status(account, id) : NULL;
  if (target != NULL) {
    GList *list = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(attrs); i++) {
      PurpleValue *from = purple_status_get_attr_value(status, attrs[i]);
      PurpleValue *to = purple_status_get_attr_value(target, attrs[i]);
      if (from == NULL || to == NULL || purple_value_get_type(from) != purple_value_get_type(to))
        continue;
      if (purple_value_get_type(from) == PURPLE_TYPE_STRING) {
        if (purple_value_get_string(from) == NULL)
          continue;
        list = g_list_append(list, (gpointer)attrs[i]);
        list = g_list_append(list, (gpointer)purple_value_get_string(from));
      } else if (purple_value_get_type(from) == PURPLE_TYPE_INT) {
        list = g_list_append(list, (gpointer)attrs[i]);
        list = g_list_append(list, GINT_TO_POINTER(purple_value_get_int(from)));
      }
    }
    purple_account_set_status_list(account, id, TRUE, list);
    g_list_free(list);
  }

  GList *saved = g_list_copy(purple_savedstatuses_get_all());
  for (GList *l = saved; l != NULL; l = l->next) {
    PurpleSavedStatusSub *sub = purple_savedstatus_get_substatus(l->data, old);
    const PurpleStatusType *type = sub != NULL ? purple_savedstatus_substatus_get_type(sub) : NULL;
    const PurpleStatusType *mine =
        type != NULL ? purple_account_get_status_type(account, purple_status_type_get_id(type))
                     : NULL;
    if (mine != NULL && purple_savedstatus_get_substatus(l->data, account) == NULL)
      purple_savedstatus_set_substatus(l->data, account, mine,
                                       purple_savedstatus_substatus_get_message(sub));
  }
  g_list_free(saved);
}

/* ---- one account: buddy list and pounces -------------------------------------------------- */

/* Settings that name a file in purple's icon cache (buddyicon.c): that cache counts who names a
 * file and deletes it when nobody does, so these are made through its API, never copied. */
static gboolean
is_icon_setting(const char *key)
{
  return strcmp(key, "buddy_icon") == 0 || strcmp(key, "icon_checksum") == 0 ||
         strcmp(key, "custom_buddy_icon") == 0;
}

/* A node's settings (a buddy's, a contact's, a room's: what plugins keep there), and the custom
 * icon the user gave it. */
static void
copy_node_settings(PurpleBlistNode *from, PurpleBlistNode *to)
{
  if (from->settings != NULL) {
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, from->settings);
    while (g_hash_table_iter_next(&it, &key, &value)) {
      if (key == NULL || value == NULL || is_icon_setting(key))
        continue;
      switch (purple_value_get_type(value)) {
        case PURPLE_TYPE_BOOLEAN:
          purple_blist_node_set_bool(to, key, purple_value_get_boolean(value));
          break;
        case PURPLE_TYPE_INT:
          purple_blist_node_set_int(to, key, purple_value_get_int(value));
          break;
        case PURPLE_TYPE_STRING:
          if (purple_value_get_string(value) != NULL)
            purple_blist_node_set_string(to, key, purple_value_get_string(value));
          break;
        default:
          break;
      }
    }
  }
  PurpleStoredImage *custom = purple_buddy_icons_node_has_custom_icon(from)
                                  ? purple_buddy_icons_node_find_custom_icon(from)
                                  : NULL;
  if (custom != NULL) {
    gsize size = purple_imgstore_get_size(custom);
    if (size > 0 && purple_imgstore_get_data(custom) != NULL)
      purple_buddy_icons_node_set_custom_icon(to, g_memdup2(purple_imgstore_get_data(custom), size),
                                              size);
    purple_imgstore_unref(custom);
  }
}

/* The contact's avatar the old account kept, for the same contact of the new one (until Lyre
 * fetches it again: with the same checksum, it need not). */
static void
copy_buddy_icon(PurpleBuddy *from, PurpleAccount *account)
{
  PurpleBuddyIcon *icon =
      purple_buddy_icons_find(purple_buddy_get_account(from), purple_buddy_get_name(from));
  if (icon == NULL)
    return;
  size_t len = 0;
  gconstpointer data = purple_buddy_icon_get_data(icon, &len);
  if (data != NULL && len > 0)
    purple_buddy_icons_set_for_user(account, purple_buddy_get_name(from), g_memdup2(data, len), len,
                                    purple_buddy_icon_get_checksum(icon));
  purple_buddy_icon_unref(icon);
}

/* The old account's buddies of one contact, into a new contact right after it in the same
 * group, with their local and server aliases and settings (the contact's alias too). A buddy the
 * new account has in that group already stays as it is. */
static guint
copy_contact(PurpleContact *contact, PurpleGroup *group, PurpleAccount *old, PurpleAccount *account)
{
  PurpleContact *copy = NULL;
  guint n = 0;
  for (PurpleBlistNode *node = purple_blist_node_get_first_child((PurpleBlistNode *)contact);
       node != NULL; node = purple_blist_node_get_sibling_next(node)) {
    if (!PURPLE_BLIST_NODE_IS_BUDDY(node) ||
        PURPLE_BLIST_NODE_HAS_FLAG(node, PURPLE_BLIST_NODE_FLAG_NO_SAVE))
      continue;
    PurpleBuddy *buddy = (PurpleBuddy *)node;
    const char *name = purple_buddy_get_name(buddy);
    if (purple_buddy_get_account(buddy) != old || name == NULL ||
        purple_find_buddy_in_group(account, name, group) != NULL)
      continue;
    if (copy == NULL) {
      copy = purple_contact_new();
      purple_blist_add_contact(copy, group, (PurpleBlistNode *)contact);
      if (contact->alias != NULL)
        purple_blist_alias_contact(copy, contact->alias);
      copy_node_settings((PurpleBlistNode *)contact, (PurpleBlistNode *)copy);
    }
    PurpleBuddy *moved = purple_buddy_new(account, name, purple_buddy_get_local_buddy_alias(buddy));
    purple_blist_add_buddy(moved, copy, group, NULL);
    if (purple_buddy_get_server_alias(buddy) != NULL)
      purple_blist_server_alias_buddy(moved, purple_buddy_get_server_alias(buddy));
    copy_node_settings(node, (PurpleBlistNode *)moved);
    copy_buddy_icon(buddy, account);
    n++;
  }
  return n;
}

static gboolean
same_components(GHashTable *a, GHashTable *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (g_hash_table_size(a) != g_hash_table_size(b))
    return FALSE;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, a);
  while (g_hash_table_iter_next(&it, &key, &value))
    if (g_strcmp0(value, g_hash_table_lookup(b, key)) != 0)
      return FALSE;
  return TRUE;
}

/* A chat's alias, or "room@server" from prpl-jabber's components when it has none: Lyre has no
 * chat_info yet to name a room from its components, and a UI must not get a nameless chat. */
static char *
chat_alias(PurpleChat *chat, GHashTable *components)
{
  if (chat->alias != NULL && *chat->alias != '\0')
    return g_strdup(chat->alias);
  const char *room = g_hash_table_lookup(components, "room");
  const char *server = g_hash_table_lookup(components, "server");
  if (room == NULL || *room == '\0' || server == NULL || *server == '\0')
    return NULL;
  return g_strdup_printf("%s@%s", room, server);
}

/* A chat (a room on the buddy list) of the old account, right after it for the new one, unless
 * the new account has the same one in that group. */
static void
copy_chat(PurpleChat *chat, PurpleGroup *group, PurpleAccount *account)
{
  GHashTable *components = purple_chat_get_components(chat);
  char *alias = components != NULL ? chat_alias(chat, components) : NULL;
  if (alias == NULL)
    return; /* nothing to name it by: not a room Lyre could show */
  for (PurpleBlistNode *node = purple_blist_node_get_first_child((PurpleBlistNode *)group);
       node != NULL; node = purple_blist_node_get_sibling_next(node))
    if (PURPLE_BLIST_NODE_IS_CHAT(node) && purple_chat_get_account((PurpleChat *)node) == account &&
        same_components(purple_chat_get_components((PurpleChat *)node), components)) {
      g_free(alias);
      return;
    }
  GHashTable *copy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, components);
  while (g_hash_table_iter_next(&it, &key, &value))
    if (key != NULL)
      g_hash_table_insert(copy, g_strdup(key), g_strdup(value));
  PurpleChat *moved = purple_chat_new(account, alias, copy);
  g_free(alias);
  if (moved == NULL) {
    g_hash_table_destroy(copy);
    return;
  }
  purple_blist_add_chat(moved, group, (PurpleBlistNode *)chat);
  copy_node_settings((PurpleBlistNode *)chat, (PurpleBlistNode *)moved);
}

static guint
copy_buddy_list(PurpleAccount *old, PurpleAccount *account)
{
  guint buddies = 0;
  for (PurpleBlistNode *g = purple_blist_get_root(); g != NULL;
       g = purple_blist_node_get_sibling_next(g)) {
    if (!PURPLE_BLIST_NODE_IS_GROUP(g))
      continue;
    /* Collected first: copies go into the same list of children. */
    GList *todo = NULL;
    for (PurpleBlistNode *node = purple_blist_node_get_first_child(g); node != NULL;
         node = purple_blist_node_get_sibling_next(node))
      if (PURPLE_BLIST_NODE_IS_CONTACT(node) ||
          (PURPLE_BLIST_NODE_IS_CHAT(node) && purple_chat_get_account((PurpleChat *)node) == old &&
           !PURPLE_BLIST_NODE_HAS_FLAG(node, PURPLE_BLIST_NODE_FLAG_NO_SAVE)))
        todo = g_list_prepend(todo, node);
    todo = g_list_reverse(todo);
    for (GList *l = todo; l != NULL; l = l->next) {
      if (PURPLE_BLIST_NODE_IS_CONTACT((PurpleBlistNode *)l->data))
        buddies += copy_contact(l->data, (PurpleGroup *)g, old, account);
      else
        copy_chat(l->data, (PurpleGroup *)g, account);
    }
    g_list_free(todo);
  }
  return buddies;
}

/* Action attributes the pounce dialogs of Pidgin and Finch set (gtkpounce.c, gntpounce.c):
 * purple has no way to list them. */
static const char *const pounce_attributes[] = {"message", "command", "filename", "reason"};

static gboolean
has_pounce(PurpleAccount *account, PurplePounce *like)
{
  for (GList *l = purple_pounces_get_all(); l != NULL; l = l->next)
    if (purple_pounce_get_pouncer(l->data) == account &&
        g_strcmp0(((PurplePounce *)l->data)->ui_type, like->ui_type) == 0 &&
        purple_pounce_get_events(l->data) == purple_pounce_get_events(like) &&
        g_strcmp0(purple_pounce_get_pouncee(l->data), purple_pounce_get_pouncee(like)) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_pounces(PurpleAccount *old, PurpleAccount *account)
{
  /* A copy: purple_pounce_new appends to the list being read. */
  GList *all = g_list_copy(purple_pounces_get_all());
  for (GList *l = all; l != NULL; l = l->next) {
    PurplePounce *pounce = l->data;
    if (purple_pounce_get_pouncer(pounce) != old || pounce->ui_type == NULL ||
        purple_pounce_get_pouncee(pounce) == NULL ||
        purple_pounce_get_events(pounce) == PURPLE_POUNCE_NONE || has_pounce(account, pounce))
      continue;
    PurplePounce *copy =
        purple_pounce_new(pounce->ui_type, account, purple_pounce_get_pouncee(pounce),
                          purple_pounce_get_events(pounce), purple_pounce_get_options(pounce));
    if (copy == NULL)
      continue;
    if (pounce->actions != NULL) {
      GHashTableIter it;
      gpointer name, data;
      g_hash_table_iter_init(&it, pounce->actions);
      while (g_hash_table_iter_next(&it, &name, &data)) {
        if (name == NULL || data == NULL)
          continue;
        purple_pounce_action_register(copy, name);
        purple_pounce_action_set_enabled(copy, name, purple_pounce_action_is_enabled(pounce, name));
        for (guint i = 0; i < G_N_ELEMENTS(pounce_attributes); i++) {
          const char *value =
              purple_pounce_action_get_attribute(pounce, name, pounce_attributes[i]);
          if (value != NULL)
            purple_pounce_action_set_attribute(copy, name, pounce_attributes[i], value);
        }
      }
    }
    purple_pounce_set_save(copy, purple_pounce_get_save(pounce));
  }
  g_list_free(all);
}

/* ---- one account: logs -------------------------------------------------------------------- */

/* The account's log folder (<purple home>/logs/<list_icon>/<account>), as libpurple's loggers
 * name it; for prpl-jabber's when its plugin is missing, the name it would give. */
static char *
account_log_dir(PurpleAccount *account)
{
  char *system = purple_log_get_log_dir(PURPLE_LOG_SYSTEM, NULL, account);
  if (system != NULL) {
    char *dir = g_path_get_dirname(system);
    g_free(system);
    return dir;
  }
  if (g_strcmp0(purple_account_get_protocol_id(account), XMPP_PURPLE_MIGRATE_FROM) != 0)
    return NULL;
  char *bare = xmpp_purple_migrate_bare(purple_account_get_username(account));
  const char *escaped = bare != NULL ? purple_escape_filename(bare) : NULL;
  char *dir =
      escaped != NULL ? g_build_filename(purple_user_dir(), "logs", "jabber", escaped, NULL) : NULL;
  g_free(bare);
  return dir;
}

static void
copy_logs(PurpleAccount *old, PurpleAccount *account)
{
  char *from = account_log_dir(old), *to = account_log_dir(account);
  guint failed = 0;
  guint copied = xmpp_purple_migrate_copy_logs(from, to, &failed);
  purple_debug_info(XMPP_PURPLE_DEBUG, "migrate: %u log files copied from %s to %s (%u failed)\n",
                    copied, from != NULL ? from : "-", to != NULL ? to : "-", failed);
  g_free(from);
  g_free(to);
}

/* ---- moving ------------------------------------------------------------------------------- */

static PurpleAccount *
move_account(PurpleAccount *old)
{
  const char *ui = purple_core_get_ui();
  const char *username = purple_account_get_username(old);
  if (ui == NULL || username == NULL ||
      purple_accounts_find(username, XMPP_PURPLE_PLUGIN_ID) != NULL)
    return NULL;
  PurpleAccount *account = purple_account_new(username, XMPP_PURPLE_PLUGIN_ID);
  if (account == NULL)
    return NULL;
  copy_settings(old, account);
  purple_accounts_add(account);
  copy_status(old, account);
  guint buddies = copy_buddy_list(old, account);
  copy_pounces(old, account);
  copy_logs(old, account);
  /* The old logs hold the history up to now: the first archive catch-up starts here. */
  char now[32];
  g_snprintf(now, sizeof now, "%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC);
  purple_account_set_string(account, XMPP_PURPLE_OPT_MAM_NOT_BEFORE, now);
  /* The old account first, so the two never sign in with one address at the same time. */
  gboolean enabled = purple_account_get_enabled(old, ui);
  purple_account_set_enabled(old, ui, FALSE);
  if (enabled)
    purple_account_set_enabled(account, ui, TRUE);
  purple_debug_info(XMPP_PURPLE_DEBUG, "migrate: %s moved to Lyre (%u buddies)\n", username,
                    buddies);
  return account;
}

/* The accounts' usernames, one a line (plain text: Pidgin escapes a request's text itself). */
static char *
account_lines(GList *accounts)
{
  GString *s = g_string_new(NULL);
  for (GList *l = accounts; l != NULL; l = l->next)
    g_string_append_printf(s, "%s%s", s->len > 0 ? "\n" : "", purple_account_get_username(l->data));
  return g_string_free(s, FALSE);
}

static PurplePlugin *migrate_plugin; /* the handle of our requests and notices */
static guint offer_timer;

static void
move_confirmed(void *user_data, int action)
{
  GList *todo = accounts_to_move(), *moved = NULL;
  for (GList *l = todo; l != NULL; l = l->next)
    if (move_account(l->data) != NULL)
      moved = g_list_append(moved, l->data);
  g_list_free(todo);
  char *names = account_lines(moved);
  if (moved != NULL) {
    char *text = g_strdup_printf(
        _("%s\n\nThe old accounts are disabled, not deleted. Their conversation history is "
          "shown under the new ones."),
        names);
    purple_notify_info(migrate_plugin, _("Move to Lyre"), _("Moved to Lyre"), text);
    g_free(text);
  }
  g_free(names);
  g_list_free(moved);
}

static void
action_move(PurplePluginAction *action)
{
  GList *todo = accounts_to_move();
  if (todo == NULL) {
    purple_notify_info(migrate_plugin, _("Move to Lyre"), _("Nothing to move"),
                       _("Every account of the built-in XMPP plugin already has a Lyre account "
                         "with the same address, or there is none."));
    return;
  }
  char *names = account_lines(todo);
  char *text = g_strdup_printf(
      _("%s\n\nEach gets a Lyre account with the same address, password, settings, buddies, "
        "pounces and conversation history. The old accounts are disabled, not deleted."),
      names);
  purple_request_action(migrate_plugin, _("Move to Lyre"),
                        _("Move these accounts of the built-in XMPP plugin to Lyre?"), text, 0,
                        NULL, NULL, NULL, NULL, 2, _("_Move"), PURPLE_CALLBACK(move_confirmed),
                        _("_Cancel"), NULL);
  g_free(text);
  g_free(names);
  g_list_free(todo);
}

GList *
xmpp_purple_migrate_actions(GList *actions)
{
  return g_list_append(
      actions,
      purple_plugin_action_new(_("Move Accounts from the Built-in XMPP Plugin…"), action_move));
}

/* The first-run offer: once the UI runs (the buddy list and pounces are loaded by then), if
 * there is anything to move. Shown once; "keep" is the default, so a dialog dismissed without a
 * thought changes nothing, and the action stays in the account menu. */
static gboolean
offer(gpointer data)
{
  offer_timer = 0;
  if (purple_prefs_get_bool(XMPP_PURPLE_PREF_MIGRATION_OFFERED))
    return FALSE;
  GList *todo = accounts_to_move();
  if (todo == NULL)
    return FALSE; /* asked later, when there is something to move */
  char *names = account_lines(todo);
  char *text = g_strdup_printf(
      _("These accounts use the built-in XMPP plugin:\n%s\n\nLyre can take them over: each gets "
        "a Lyre account with the same address, password, settings, buddies, pounces and "
        "conversation history, and the old one is disabled, not deleted. This question is not "
        "asked again; \"Move Accounts from the Built-in XMPP Plugin…\" in a Lyre account's "
        "menu does the same later."),
      names);
  void *ui = purple_request_action(
      migrate_plugin, _("Move to Lyre"), _("Move your XMPP accounts to Lyre?"), text, 1, NULL, NULL,
      NULL, NULL, 2, _("_Move Them to Lyre"), PURPLE_CALLBACK(move_confirmed),
      _("_Keep Using the Built-in Plugin"), NULL);
  if (ui != NULL) /* a UI without requests never showed it: ask again next time */
    purple_prefs_set_bool(XMPP_PURPLE_PREF_MIGRATION_OFFERED, TRUE);
  g_free(text);
  g_free(names);
  g_list_free(todo);
  return FALSE;
}

gboolean
xmpp_purple_migrate_load(PurplePlugin *plugin)
{
  migrate_plugin = plugin;
  purple_prefs_add_none(XMPP_PURPLE_PREF_ROOT);
  purple_prefs_add_bool(XMPP_PURPLE_PREF_MIGRATION_OFFERED, FALSE);
  if (!purple_prefs_get_bool(XMPP_PURPLE_PREF_MIGRATION_OFFERED) && offer_timer == 0 &&
      purple_eventloop_get_ui_ops() != NULL)
    offer_timer = purple_timeout_add(0, offer, NULL);
  return TRUE;
}

gboolean
xmpp_purple_migrate_unload(PurplePlugin *plugin)
{
  if (offer_timer != 0)
    purple_timeout_remove(offer_timer);
  offer_timer = 0;
  purple_request_close_with_handle(plugin);
  purple_notify_close_with_handle(plugin);
  return TRUE;
}
