/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-pidgin-probe: a Pidgin plugin for test_pidgin.py, loaded from the test's purple home. It
 * uses Pidgin's own windows as a user would and reports what it sees as JSON lines.
 *
 * Environment: LYRE_PROBE_OUT (file the lines are appended to), LYRE_PROBE_JOINCHAT (set: open
 * Buddies > Join a Chat once signed on, report every label of the visible windows, take the
 * screenshot, done), LYRE_PROBE_BUDDY (the bare JID
 * to talk to), LYRE_PROBE_SCREENSHOT (optional: a PNG of the screen with the Font menu open).
 *
 * Once an account signs on it opens a conversation window with the buddy and reports
 *   {"event":"widget","name":N,"sensitive":0|1} for each button of the conversation's
 *     formatting toolbar (GtkIMHtmlToolbar), each item of its Font menu ("font:Bold", ...) and
 *     the window's Insert Link menu item,
 *   {"event":"format-functions","mask":M} the entry's GtkIMHtmlButtons.
 * When the buddy is online it clicks Font (the screenshot is taken with that menu open), chooses
 * Bold if it is sensitive, types "bold words" in the entry and presses Enter (the entry's
 * message_send), as a user does; then, Bold chosen again to end it, "/frobnicate hello there",
 * a command nobody registered.
 *   {"event":"action","what":W,"done":0|1} for each step, {"event":"sent-im","text":T} for each
 *   message purple hands to the protocol, {"event":"wrote","text":T,"flags":F} for each line
 *   written in the conversation, {"event":"done"} at the end (or "buddy-timeout").
 */
#include <gtk/gtk.h>
#include <stdio.h>

#include <purple.h>

#include <gtkblist.h>
#include <gtkconv.h>
#include <gtkconvwin.h>
#include <gtkimhtml.h>
#include <gtkimhtmltoolbar.h>
#include <gtkplugin.h>
#include <pidgin.h>

#define PROBE_BUDDY_WAIT_MS 60000
#define PROBE_POLL_MS       250

static PurpleAccount *probe_account;
static PurpleConversation *probe_conv;
static guint probe_waited_ms;

static void report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Appends one line to LYRE_PROBE_OUT. */
static void
report(const char *fmt, ...)
{
  const char *path = g_getenv("LYRE_PROBE_OUT");
  if (path == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *line = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  FILE *f = fopen(path, "a");
  if (f != NULL) {
    fprintf(f, "%s\n", line);
    fclose(f);
  }
  g_free(line);
}

/* A JSON string (quotes included). */
static char *
json(const char *s)
{
  GString *out = g_string_new("\"");
  for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf(out, "\\u%04x", *p);
    else
      g_string_append_c(out, (char)*p);
  }
  g_string_append_c(out, '"');
  return g_string_free(out, FALSE);
}

static void
report_widget(const char *name, GtkWidget *widget)
{
  char *n = json(name);
  report("{\"event\":\"widget\",\"name\":%s,\"sensitive\":%d}", n,
         widget != NULL && gtk_widget_is_sensitive(widget));
  g_free(n);
}

static GtkIMHtmlToolbar *
toolbar_of(PurpleConversation *conv)
{
  PidginConversation *gtkconv = PIDGIN_CONVERSATION(conv);
  return gtkconv != NULL ? GTK_IMHTMLTOOLBAR(gtkconv->toolbar) : NULL;
}

/* The Font menu's item whose label (markup and mnemonic removed) is label, or NULL. */
static GtkWidget *
font_menu_item(GtkIMHtmlToolbar *toolbar, const char *label)
{
  GtkWidget *menu = g_object_get_data(G_OBJECT(toolbar), "font_menu");
  GtkWidget *found = NULL;
  GList *items = menu != NULL ? gtk_container_get_children(GTK_CONTAINER(menu)) : NULL;
  for (GList *l = items; l != NULL && found == NULL; l = l->next) {
    GtkWidget *child = gtk_bin_get_child(GTK_BIN(l->data));
    if (child != NULL && GTK_IS_LABEL(child) &&
        g_strcmp0(gtk_label_get_text(GTK_LABEL(child)), label) == 0)
      found = l->data;
  }
  g_list_free(items);
  return found;
}

static void
report_toolbar(PurpleConversation *conv)
{
  PidginConversation *gtkconv = PIDGIN_CONVERSATION(conv);
  GtkIMHtmlToolbar *tb = toolbar_of(conv);
  const struct {
    const char *name;
    GtkWidget *widget;
  } buttons[] = {
      {"bold", tb->bold},
      {"italic", tb->italic},
      {"underline", tb->underline},
      {"strikethrough", tb->strikethrough},
      {"larger", tb->larger_size},
      {"smaller", tb->smaller_size},
      {"font-face", tb->font},
      {"foreground-color", tb->fgcolor},
      {"background-color", tb->bgcolor},
      {"reset", tb->clear},
      {"link", tb->link},
      {"image", tb->image},
      {"smiley", tb->smiley},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(buttons); i++)
    report_widget(buttons[i].name, buttons[i].widget);
  static const char *const items[] = {"Bold",          "Italic",           "Underline",
                                      "Strikethrough", "Larger",           "Smaller",
                                      "Font face",     "Foreground color", "Background color"};
  for (gsize i = 0; i < G_N_ELEMENTS(items); i++) {
    char *name = g_strconcat("font:", items[i], NULL);
    report_widget(name, font_menu_item(tb, items[i]));
    g_free(name);
  }
  report_widget("menu:insert-link", gtkconv->win->menu.insert_link);
  report("{\"event\":\"format-functions\",\"mask\":%d}",
         (int)gtk_imhtml_get_format_functions(GTK_IMHTML(gtkconv->entry)));
}

/* ---- typing and sending as a user ---------------------------------------------------------- */

/* The toolbar's Font button (the first toggle button of its "lean" view). */
static GtkWidget *
font_button(GtkIMHtmlToolbar *tb)
{
  GtkWidget *lean = g_object_get_data(G_OBJECT(tb), "lean-view");
  GtkWidget *found = NULL;
  GList *children = lean != NULL ? gtk_container_get_children(GTK_CONTAINER(lean)) : NULL;
  for (GList *l = children; l != NULL && found == NULL; l = l->next)
    if (GTK_IS_TOGGLE_BUTTON(l->data))
      found = l->data;
  g_list_free(children);
  return found;
}

static void
save_screenshot(void)
{
  const char *path = g_getenv("LYRE_PROBE_SCREENSHOT");
  if (path == NULL)
    return;
  GdkWindow *root = gdk_get_default_root_window();
  gint w = 0, h = 0;
  gdk_drawable_get_size(root, &w, &h);
  GdkPixbuf *shot = gdk_pixbuf_get_from_drawable(
      NULL, root, gdk_screen_get_system_colormap(gdk_screen_get_default()), 0, 0, 0, 0, w, h);
  gboolean ok = shot != NULL && gdk_pixbuf_save(shot, path, "png", NULL, NULL);
  char *p = json(path);
  report("{\"event\":\"screenshot\",\"path\":%s,\"ok\":%d}", p, ok);
  g_free(p);
  if (shot != NULL)
    g_object_unref(shot);
}

/* Font > label, as a user picks it from the open menu: only when the item is sensitive (else
 * the menu is closed). */
static gboolean
choose_font_item(GtkIMHtmlToolbar *tb, const char *label)
{
  GtkWidget *menu = g_object_get_data(G_OBJECT(tb), "font_menu");
  GtkWidget *item = font_menu_item(tb, label);
  gboolean can = item != NULL && gtk_widget_is_sensitive(item);
  if (can)
    gtk_menu_shell_activate_item(GTK_MENU_SHELL(menu), item, TRUE);
  else
    gtk_menu_popdown(GTK_MENU(menu));
  return can;
}

static void
type_and_send(PurpleConversation *conv, const char *text)
{
  PidginConversation *gtkconv = PIDGIN_CONVERSATION(conv);
  GtkIMHtml *entry = GTK_IMHTML(gtkconv->entry);
  gtk_widget_grab_focus(gtkconv->entry);
  gtk_text_buffer_insert_at_cursor(entry->text_buffer, text, -1);
  g_signal_emit_by_name(entry, "message_send"); /* what Enter does */
}

static gboolean
finish(gpointer data)
{
  report("{\"event\":\"done\"}");
  return G_SOURCE_REMOVE;
}

/* The Font menu is open: screenshot, Bold, "bold words", Enter; then Bold again to end it (if it
 * is on), "/frobnicate hello there", Enter. */
static gboolean
send_from_open_menu(gpointer data)
{
  GtkIMHtmlToolbar *tb = toolbar_of(probe_conv);
  save_screenshot();
  report("{\"event\":\"action\",\"what\":\"font:Bold on\",\"done\":%d}",
         choose_font_item(tb, "Bold"));
  type_and_send(probe_conv, "bold words");
  report("{\"event\":\"action\",\"what\":\"send bold words\",\"done\":1}");
  gboolean bold = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(tb->bold));
  if (bold)
    gtk_widget_activate(font_button(tb));
  report("{\"event\":\"action\",\"what\":\"font:Bold off\",\"done\":%d}",
         bold && choose_font_item(tb, "Bold"));
  type_and_send(probe_conv, "/frobnicate hello there");
  report("{\"event\":\"action\",\"what\":\"send unknown command\",\"done\":1}");
  g_timeout_add(1000, finish, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
send_when_buddy_online(gpointer data)
{
  const char *who = g_getenv("LYRE_PROBE_BUDDY");
  PurpleBuddy *buddy = purple_find_buddy(probe_account, who);
  if (buddy == NULL || !PURPLE_BUDDY_IS_ONLINE(buddy)) {
    probe_waited_ms += PROBE_POLL_MS;
    if (probe_waited_ms < PROBE_BUDDY_WAIT_MS)
      return G_SOURCE_CONTINUE;
    report("{\"event\":\"buddy-timeout\"}");
    return G_SOURCE_REMOVE;
  }
  /* A click on Font opens its menu (button_activate_on_click activates the button). */
  GtkWidget *font = font_button(toolbar_of(probe_conv));
  report("{\"event\":\"action\",\"what\":\"open font menu\",\"done\":%d}", font != NULL);
  if (font != NULL)
    gtk_widget_activate(font);
  g_timeout_add(700, send_from_open_menu, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
inspect_conversation(gpointer data)
{
  report_toolbar(probe_conv);
  g_timeout_add(PROBE_POLL_MS, send_when_buddy_online, NULL);
  return G_SOURCE_REMOVE;
}

/* ---- LYRE_PROBE_JOINCHAT: the Join a Chat dialog a user opens from the Buddies menu ---- */

static void
report_labels(GtkWidget *widget, gpointer window_title)
{
  if (GTK_IS_LABEL(widget)) {
    char *t = json(gtk_label_get_text(GTK_LABEL(widget)));
    char *w = json(window_title);
    report("{\"event\":\"label\",\"window\":%s,\"text\":%s}", w, t);
    g_free(t);
    g_free(w);
  }
  if (GTK_IS_CONTAINER(widget))
    gtk_container_forall(GTK_CONTAINER(widget), report_labels, window_title);
}

static gboolean
inspect_join_chat(gpointer data)
{
  GList *windows = gtk_window_list_toplevels();
  for (GList *l = windows; l != NULL; l = l->next) {
    const char *title = gtk_window_get_title(GTK_WINDOW(l->data));
    if (title != NULL && gtk_widget_get_visible(l->data))
      report_labels(l->data, (gpointer)title);
  }
  g_list_free(windows);
  save_screenshot();
  g_timeout_add(500, finish, NULL);
  return G_SOURCE_REMOVE;
}

static void
signed_on(PurpleConnection *gc, gpointer data)
{
  if (g_getenv("LYRE_PROBE_JOINCHAT") != NULL) {
    pidgin_blist_joinchat_show(); /* Buddies > Join a Chat... */
    g_timeout_add(1500, inspect_join_chat, NULL);
    return;
  }
  const char *who = g_getenv("LYRE_PROBE_BUDDY");
  if (probe_conv != NULL || who == NULL)
    return;
  probe_account = purple_connection_get_account(gc);
  probe_conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, probe_account, who);
  pidgin_conv_present_conversation(probe_conv);
  report("{\"event\":\"conversation\"}");
  /* Let GTK map and draw the window first. */
  g_timeout_add(1000, inspect_conversation, NULL);
}

static void
sent_im(PurpleAccount *account, const char *receiver, const char *message, gpointer data)
{
  char *m = json(message);
  report("{\"event\":\"sent-im\",\"text\":%s}", m);
  g_free(m);
}

static void
wrote_im(PurpleAccount *account, const char *who, const char *message, PurpleConversation *conv,
         PurpleMessageFlags flags, gpointer data)
{
  char *m = json(message);
  report("{\"event\":\"wrote\",\"text\":%s,\"flags\":%d}", m, (int)flags);
  g_free(m);
}

static gboolean
plugin_load(PurplePlugin *plugin)
{
  purple_signal_connect(purple_connections_get_handle(), "signed-on", plugin,
                        PURPLE_CALLBACK(signed_on), NULL);
  purple_signal_connect(purple_conversations_get_handle(), "sent-im-msg", plugin,
                        PURPLE_CALLBACK(sent_im), NULL);
  purple_signal_connect(purple_conversations_get_handle(), "wrote-im-msg", plugin,
                        PURPLE_CALLBACK(wrote_im), NULL);
  report("{\"event\":\"loaded\"}");
  return TRUE;
}

static PurplePluginInfo info = {
    .magic = PURPLE_PLUGIN_MAGIC,
    .major_version = PURPLE_MAJOR_VERSION,
    .minor_version = PURPLE_MINOR_VERSION,
    .type = PURPLE_PLUGIN_STANDARD,
    .ui_requirement = PIDGIN_PLUGIN_TYPE,
    .priority = PURPLE_PRIORITY_DEFAULT,
    .id = "gtk-lyre-test-probe",
    .name = "Lyre test probe",
    .version = "1",
    .summary = "Drives a conversation window for Lyre's tests",
    .description = "Reports the formatting toolbar's state and sends as a user (tests only).",
    .load = plugin_load,
};

static void
init_plugin(PurplePlugin *plugin)
{
}

PURPLE_INIT_PLUGIN(lyre_pidgin_probe, init_plugin, info)
