/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each room's mark, the last message shown from it (its time and the room archive's id), kept in
 * the account's settings: a join after a restart asks the room only for what came since, and
 * the conversation and its log get nothing twice. One line a room, "room time id", the most
 * recent first, at most MAX_ROOMS. */
#include "purple-chat.h"

#include <stdlib.h>
#include <string.h>

#define SETTING   "lyre_room_marks"
#define MAX_ROOMS 200

/* The lines of the setting, each split in its three words (NULL-ended). */
static char **
lines_of(PurpleAccount *account)
{
  const char *text = purple_account_get_string(account, SETTING, "");
  return g_strsplit(text != NULL ? text : "", "\n", -1);
}

gboolean
xmpp_purple_room_mark_get(PurpleAccount *account, const char *room, gint64 *when_s,
                          char **archive_id)
{
  *when_s = 0;
  *archive_id = NULL;
  g_auto(GStrv) lines = lines_of(account);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto(GStrv) words = g_strsplit(lines[i], " ", 3);
    if (g_strv_length(words) != 3 || strcmp(words[0], room) != 0)
      continue;
    gint64 when = g_ascii_strtoll(words[1], NULL, 10);
    if (when <= 0)
      return FALSE;
    *when_s = when;
    *archive_id = strcmp(words[2], "-") != 0 ? g_strdup(words[2]) : NULL;
    return TRUE;
  }
  return FALSE;
}

void
xmpp_purple_room_mark_set(PurpleAccount *account, const char *room, gint64 when_s,
                          const char *archive_id)
{
  /* Ids with a space (or none) are kept as "-": the time alone still bounds the history. */
  const char *id = archive_id != NULL && *archive_id != '\0' && strpbrk(archive_id, " \n") == NULL
                       ? archive_id
                       : "-";
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "%s %" G_GINT64_FORMAT " %s", room, when_s, id);
  g_auto(GStrv) lines = lines_of(account);
  guint kept = 1;
  for (guint i = 0; lines[i] != NULL && kept < MAX_ROOMS; i++) {
    g_auto(GStrv) words = g_strsplit(lines[i], " ", 2);
    if (words[0] == NULL || *words[0] == '\0' || strcmp(words[0], room) == 0)
      continue;
    g_string_append_printf(out, "\n%s", lines[i]);
    kept++;
  }
  purple_account_set_string(account, SETTING, out->str);
  g_string_free(out, TRUE);
}
