/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: profile commands: set-vcard (through the account's "Set User Info…" form),
 * set-icon and buddy-icon (buddy icons, printed as SHA-1 of the stored bytes). */
#include <string.h>

#include "harness.h"

/* field id -> value for the next vCard form (set-vcard); NULL when none is pending. */
static GHashTable *vcard_answers;

gboolean
harness_profile_fill_fields(PurpleRequestFields *fields)
{
  if (vcard_answers == NULL || purple_request_fields_get_field(fields, "fn") == NULL)
    return FALSE;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, vcard_answers);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    PurpleRequestField *field = purple_request_fields_get_field(fields, key);
    if (field != NULL && purple_request_field_get_type(field) == PURPLE_REQUEST_FIELD_STRING)
      purple_request_field_string_set_value(field, value);
  }
  g_clear_pointer(&vcard_answers, g_hash_table_unref);
  emit("request", "kind", S, "fields", "title", S, "vcard", "answer", S, "ok", (char *)NULL);
  return TRUE;
}

/* set-vcard FIELD=VALUE|FIELD=VALUE... (field ids of the form: fn, nickname, email, ...). */
static void
set_vcard(PurpleAccount *account, const char *spec)
{
  if (vcard_answers != NULL)
    g_hash_table_unref(vcard_answers);
  vcard_answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char **pairs = g_strsplit(spec, "|", -1);
  for (char **p = pairs; *p != NULL; p++) {
    char *eq = strchr(*p, '=');
    if (eq != NULL)
      g_hash_table_insert(vcard_answers, g_strndup(*p, eq - *p), g_strdup(eq + 1));
  }
  g_strfreev(pairs);
  if (!harness_run_account_action(account, "Set User Info"))
    emit("command-error", "line", S, "set-vcard: no Set User Info action", (char *)NULL);
}

static void
set_icon(PurpleAccount *account, const char *path)
{
  gchar *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, NULL)) {
    emit("command-error", "line", S, path, (char *)NULL);
    return;
  }
  char *sha1 = g_compute_checksum_for_data(G_CHECKSUM_SHA1, (const guchar *)data, len);
  /* Takes data; calls the prpl's set_buddy_icon when connected. */
  purple_buddy_icons_set_account_icon(account, (guchar *)data, len);
  emit("icon-set", "sha1", S, sha1, "bytes", I, (int)len, (char *)NULL);
  g_free(sha1);
}

static void
buddy_icon(PurpleAccount *account, const char *who)
{
  PurpleBuddyIcon *icon = purple_buddy_icons_find(account, who);
  size_t len = 0;
  gconstpointer data = icon != NULL ? purple_buddy_icon_get_data(icon, &len) : NULL;
  char *sha1 = data != NULL ? g_compute_checksum_for_data(G_CHECKSUM_SHA1, data, len) : NULL;
  const char *checksum = icon != NULL ? purple_buddy_icon_get_checksum(icon) : NULL;
  emit("buddy-icon", "who", S, who, "sha1", S, sha1 ? sha1 : "", "checksum", S,
       checksum ? checksum : "", "bytes", I, (int)len, (char *)NULL);
  g_free(sha1);
}

gboolean
harness_profile_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 2);
  gboolean handled = TRUE;
  if (g_strcmp0(w[0], "set-vcard") == 0 && w[1])
    set_vcard(account, w[1]);
  else if (g_strcmp0(w[0], "set-icon") == 0 && w[1])
    set_icon(account, w[1]);
  else if (g_strcmp0(w[0], "buddy-icon") == 0 && w[1])
    buddy_icon(account, w[1]);
  else
    handled = FALSE;
  g_strfreev(w);
  return handled;
}
