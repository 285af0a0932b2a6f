/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: the power users' tools as a test drives them: account actions by name, the XML
 * console's conversation, search-results windows (the service browser's table) and formatted
 * notices.
 *
 * Commands: action <label prefix> (runs the protocol's account action) | console <text> (types
 * a line into the "XML Console" conversation, as Pidgin's entry gives it: escaped) |
 * console-close | results-click <button> <cell> (presses the button, by its label or its kind
 * - info, add, join... - case-insensitive prefix, on the row of the newest results window
 * that has a cell equal to <cell>).
 * Events: "searchresults" (title, primary, secondary, columns and buttons joined by "|", rows)
 * then one "searchresult-row" per row (cells joined by a tab); "notify-formatted" (title,
 * primary, text). */

#include "harness.h"

#include <string.h>

#define CONSOLE_NAME "XML Console" /* XMPP_PURPLE_CONSOLE_NAME (purple-glue.h) */

typedef struct {
  PurpleConnection *gc;
  PurpleNotifySearchResults *results;
  gpointer user_data;
} Results;

static GList *open_results; /* Results*, newest first */

static const char *
button_name(const PurpleNotifySearchButton *b)
{
  static const char *const kinds[] = {"", "continue", "add", "info", "im", "join", "invite"};
  if (b->type == PURPLE_NOTIFY_BUTTON_LABELED)
    return b->label != NULL ? b->label : "";
  return (guint)b->type < G_N_ELEMENTS(kinds) ? kinds[b->type] : "?";
}

static void *
notify_searchresults(PurpleConnection *gc, const char *title, const char *primary,
                     const char *secondary, PurpleNotifySearchResults *results, gpointer data)
{
  GString *columns = g_string_new(NULL), *buttons = g_string_new(NULL);
  for (GList *l = results->columns; l != NULL; l = l->next)
    g_string_append_printf(columns, "%s%s", columns->len ? "|" : "",
                           ((PurpleNotifySearchColumn *)l->data)->title);
  for (GList *l = results->buttons; l != NULL; l = l->next)
    g_string_append_printf(buttons, "%s%s", buttons->len ? "|" : "", button_name(l->data));
  emit("searchresults", "title", S, title, "primary", S, primary, "secondary", S, secondary,
       "columns", S, columns->str, "buttons", S, buttons->str, "rows", I,
       (int)g_list_length(results->rows), (char *)NULL);
  for (GList *r = results->rows; r != NULL; r = r->next) {
    GString *cells = g_string_new(NULL);
    for (GList *c = r->data; c != NULL; c = c->next)
      g_string_append_printf(cells, "%s%s", c != r->data ? "\t" : "",
                             c->data ? (char *)c->data : "");
    emit("searchresult-row", "title", S, title, "cells", S, cells->str, (char *)NULL);
    g_string_free(cells, TRUE);
  }
  g_string_free(columns, TRUE);
  g_string_free(buttons, TRUE);
  Results *window = g_new0(Results, 1);
  window->gc = gc;
  window->results = results;
  window->user_data = data;
  open_results = g_list_prepend(open_results, window);
  return window;
}

static void *
notify_formatted(const char *title, const char *primary, const char *secondary, const char *text)
{
  emit("notify-formatted", "title", S, title, "primary", S, primary, "text", S, text, (char *)NULL);
  return NULL; /* nothing stays open */
}

static void
close_notify(PurpleNotifyType type, void *ui_handle)
{
  if (type != PURPLE_NOTIFY_SEARCHRESULTS || g_list_find(open_results, ui_handle) == NULL)
    return;
  Results *window = ui_handle;
  open_results = g_list_remove(open_results, window);
  purple_notify_searchresults_free(window->results); /* the UI's, as in Pidgin and Finch */
  g_free(window);
}

void
harness_tools_init(void)
{
  harness_notify_ops.notify_searchresults = notify_searchresults;
  harness_notify_ops.notify_formatted = notify_formatted;
  harness_notify_ops.close_notify = close_notify;
}

static gboolean
row_has(GList *row, const char *cell)
{
  for (GList *c = row; c != NULL; c = c->next)
    if (g_strcmp0(c->data, cell) == 0)
      return TRUE;
  return FALSE;
}

/* results-click <button> <cell>: TRUE when a button was pressed. */
static gboolean
results_click(const char *button, const char *cell)
{
  for (GList *w = open_results; w != NULL; w = w->next) {
    Results *window = w->data;
    for (GList *r = window->results->rows; r != NULL; r = r->next) {
      if (!row_has(r->data, cell))
        continue;
      for (GList *b = window->results->buttons; b != NULL; b = b->next) {
        PurpleNotifySearchButton *sb = b->data;
        if (g_ascii_strncasecmp(button_name(sb), button, strlen(button)) != 0)
          continue;
        emit("results-clicked", "button", S, button_name(sb), "cell", S, cell, (char *)NULL);
        sb->callback(window->gc, r->data, window->user_data);
        return TRUE;
      }
      return FALSE; /* the row is there, the button is not */
    }
  }
  return FALSE;
}

gboolean
harness_tools_command(PurpleAccount *account, const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  gboolean handled = TRUE, ok = TRUE;
  if (g_strcmp0(w[0], "action") == 0 && w[1] != NULL) {
    const char *prefix = line + strlen("action ");
    ok = harness_run_account_action(account, prefix);
  } else if (g_strcmp0(w[0], "console") == 0 && w[1] != NULL) {
    PurpleConversation *conv =
        purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, CONSOLE_NAME, account);
    ok = conv != NULL;
    if (ok) {
      char *markup = g_markup_escape_text(line + strlen("console "), -1);
      purple_conv_im_send(PURPLE_CONV_IM(conv), markup);
      g_free(markup);
    }
  } else if (g_strcmp0(w[0], "console-close") == 0) {
    PurpleConversation *conv =
        purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, CONSOLE_NAME, account);
    ok = conv != NULL;
    if (ok)
      purple_conversation_destroy(conv);
  } else if (g_strcmp0(w[0], "results-click") == 0 && w[1] != NULL && w[2] != NULL) {
    ok = results_click(w[1], w[2]);
  } else {
    handled = FALSE;
  }
  if (handled)
    emit(ok ? "command-done" : "command-error", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}
