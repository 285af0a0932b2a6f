/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by lyre-harness and lyre-bench: JSON event lines, libpurple on a GLib main loop, and
 * account settings typed from the protocol's option list. */

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- libpurple start-up and account settings ---------------------------------------------- */

/* How often libpurple asked the buddy-list UI to redraw each node (what Pidgin and Finch
 * would repaint). */
static GHashTable *updates; /* PurpleBlistNode* -> count */

static void
count_update(PurpleBuddyList *list, PurpleBlistNode *node)
{
  if (updates == NULL)
    updates = g_hash_table_new(g_direct_hash, g_direct_equal);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(updates, node));
  g_hash_table_insert(updates, node, GUINT_TO_POINTER(n + 1));
}

guint
harness_blist_updates(PurpleBlistNode *node)
{
  return updates != NULL ? GPOINTER_TO_UINT(g_hash_table_lookup(updates, node)) : 0;
}

gboolean
harness_purple_init(const char *ui_id, const char *home, const char *plugin_dir, gboolean debug)
{
  purple_util_set_user_dir(home);
  purple_debug_set_enabled(debug);
  purple_core_set_ui_ops(NULL);
  purple_eventloop_set_ui_ops(&harness_loop_ops);
  if (plugin_dir != NULL)
    purple_plugins_add_search_path(plugin_dir);
  /* purple_core_init adds the system plugin dir (LIBDIR) and probes all paths. */
  if (!purple_core_init(ui_id))
    return FALSE;
  /* With ui ops set (even empty ones) libpurple saves blist.xml, as Pidgin and Finch do: a
   * second run starts from the buddy list the first one left. */
  static PurpleBlistUiOps blist_ops = {.update = count_update};
  purple_blist_set_ui_ops(&blist_ops);
  purple_set_blist(purple_blist_new());
  purple_blist_load();
  purple_prefs_load();
  /* Don't let libpurple's idle tracking or saved state from a previous run interfere. */
  purple_prefs_set_string("/purple/away/idle_reporting", "none");
  return TRUE;
}

static PurpleAccountOption *
find_option(const char *protocol, const char *key)
{
  PurplePlugin *prpl = purple_find_prpl(protocol);
  PurplePluginProtocolInfo *info = prpl ? PURPLE_PLUGIN_PROTOCOL_INFO(prpl) : NULL;
  for (GList *l = info ? info->protocol_options : NULL; l; l = l->next)
    if (g_strcmp0(purple_account_option_get_setting(l->data), key) == 0)
      return l->data;
  return NULL;
}

gboolean
harness_apply_setting(PurpleAccount *acct, const char *spec)
{
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec)
    return FALSE;
  char *key = g_strndup(spec, (gsize)(eq - spec));
  const char *value = eq + 1;
  char *colon = strchr(key, ':');
  const char *type = NULL;
  if (colon) {
    *colon = '\0';
    type = colon + 1;
  } else {
    PurpleAccountOption *opt = find_option(purple_account_get_protocol_id(acct), key);
    PurplePrefType t = opt ? purple_account_option_get_type(opt) : PURPLE_PREF_STRING;
    type = t == PURPLE_PREF_INT ? "int" : t == PURPLE_PREF_BOOLEAN ? "bool" : "string";
  }
  gboolean ok = TRUE;
  if (g_strcmp0(type, "int") == 0)
    purple_account_set_int(acct, key, atoi(value));
  else if (g_strcmp0(type, "bool") == 0)
    purple_account_set_bool(acct, key,
                            g_ascii_strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
                                g_ascii_strcasecmp(value, "yes") == 0);
  else if (g_strcmp0(type, "string") == 0)
    purple_account_set_string(acct, key, value);
  else
    ok = FALSE;
  g_free(key);
  return ok;
}
