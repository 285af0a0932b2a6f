/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File transfers in the harness, as Pidgin's and Finch's "Send File..." and transfer window
 * drive them. Commands:
 *   send-file <who> <path>     serv_send_file (the protocol's send_file with the file chosen)
 *   can-send-file <who> [tag]  one "can-send-file" event: the protocol's can_receive_file
 *   chat-send-file <room> <path>  serv_chat_send_file in the room's window
 *   set-proxy <socks5|http|none> [host port]  the account's proxy (purple's account dialog)
 *   set-public-ip <address>    Preferences > Network: the public IP, not found by itself
 *   set-ft-proxies <jids>      the account's "File transfer proxies" (comma-separated)
 *   cancel-xfers               every transfer in progress cancelled as the window's Cancel does
 *   accept-files <dir>         files offered from now on are accepted and saved in dir (else
 *                              refused): the "request" events say what was asked
 * Events: "xfer-start", "xfer-progress" (at most one every 10% of the file), "xfer-complete",
 * "xfer-cancel" (who cancelled: local or remote), each with the file name, size and bytes
 * sent. Errors come as "notify" events (harness_notify_ops). */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

static char *accept_dir;

gboolean
harness_files_accepting(void)
{
  return accept_dir != NULL;
}

char *
harness_files_save_path(const char *filename)
{
  return accept_dir != NULL ? g_build_filename(accept_dir, filename, NULL) : NULL;
}

static int
percent(PurpleXfer *xfer)
{
  size_t size = purple_xfer_get_size(xfer);
  return size > 0 ? (int)(purple_xfer_get_bytes_sent(xfer) * 100 / size) : 100;
}

static void
emit_xfer(const char *event, PurpleXfer *xfer)
{
  emit(event, "who", S, purple_xfer_get_remote_user(xfer), "file", S,
       purple_xfer_get_filename(xfer) != NULL ? purple_xfer_get_filename(xfer) : "", "size", I,
       (int)purple_xfer_get_size(xfer), "sent", I, (int)purple_xfer_get_bytes_sent(xfer),
       (char *)NULL);
}

static void
on_start(PurpleXfer *xfer, gpointer data)
{
  xfer->ui_data = GINT_TO_POINTER(0);
  emit_xfer("xfer-start", xfer);
}

static void
on_progress(PurpleXfer *xfer, double fraction)
{
  int tenth = percent(xfer) / 10;
  if (tenth <= GPOINTER_TO_INT(xfer->ui_data))
    return;
  xfer->ui_data = GINT_TO_POINTER(tenth);
  emit_xfer("xfer-progress", xfer);
}

static void
on_complete(PurpleXfer *xfer, gpointer data)
{
  emit_xfer("xfer-complete", xfer);
}

static void
on_cancel(PurpleXfer *xfer, gpointer data)
{
  emit("xfer-cancel", "who", S, purple_xfer_get_remote_user(xfer), "by", S,
       purple_xfer_get_status(xfer) == PURPLE_XFER_STATUS_CANCEL_REMOTE ? "remote" : "local",
       "sent", I, (int)purple_xfer_get_bytes_sent(xfer), (char *)NULL);
}

static PurpleXferUiOps xfer_ops = {
    .update_progress = on_progress,
};

void
harness_files_init(void)
{
  static int handle;
  void *xfers = purple_xfers_get_handle();
  purple_xfers_set_ui_ops(&xfer_ops);
  purple_signal_connect(xfers, "file-send-start", &handle, PURPLE_CALLBACK(on_start), NULL);
  purple_signal_connect(xfers, "file-send-complete", &handle, PURPLE_CALLBACK(on_complete), NULL);
  purple_signal_connect(xfers, "file-send-cancel", &handle, PURPLE_CALLBACK(on_cancel), NULL);
  purple_signal_connect(xfers, "file-recv-start", &handle, PURPLE_CALLBACK(on_start), NULL);
  purple_signal_connect(xfers, "file-recv-complete", &handle, PURPLE_CALLBACK(on_complete), NULL);
  purple_signal_connect(xfers, "file-recv-cancel", &handle, PURPLE_CALLBACK(on_cancel), NULL);
}

gboolean
harness_files_command(PurpleAccount *account, const char *line)
{
  g_auto(GStrv) w = g_strsplit(line, " ", 3);
  PurpleConnection *gc = purple_account_get_connection(account);
  if (g_strcmp0(w[0], "send-file") == 0 && w[1] && w[2]) {
    serv_send_file(gc, w[1], w[2]);
  } else if (g_strcmp0(w[0], "can-send-file") == 0 && w[1]) {
    PurplePlugin *prpl = gc != NULL ? purple_connection_get_prpl(gc) : NULL;
    PurplePluginProtocolInfo *info = prpl != NULL ? PURPLE_PLUGIN_PROTOCOL_INFO(prpl) : NULL;
    gboolean can =
        info != NULL && info->can_receive_file != NULL && info->can_receive_file(gc, w[1]);
    emit("can-send-file", "who", S, w[1], "tag", S, w[2] ? w[2] : "", "can", I, (int)can,
         (char *)NULL);
  } else if (g_strcmp0(w[0], "chat-send-file") == 0 && w[1] && w[2]) {
    PurpleConversation *conv =
        purple_find_conversation_with_account(PURPLE_CONV_TYPE_CHAT, w[1], account);
    if (conv == NULL) {
      emit("command-error", "line", S, line, (char *)NULL);
      return TRUE;
    }
    serv_chat_send_file(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)), w[2]);
  } else if (g_strcmp0(w[0], "set-proxy") == 0 && w[1]) {
    g_auto(GStrv) p = g_strsplit(line, " ", 4);
    PurpleProxyInfo *info = purple_proxy_info_new();
    purple_proxy_info_set_type(info, g_strcmp0(p[1], "socks5") == 0 ? PURPLE_PROXY_SOCKS5
                                     : g_strcmp0(p[1], "http") == 0 ? PURPLE_PROXY_HTTP
                                                                    : PURPLE_PROXY_NONE);
    if (p[2] != NULL && p[3] != NULL) {
      purple_proxy_info_set_host(info, p[2]);
      purple_proxy_info_set_port(info, atoi(p[3]));
    }
    purple_account_set_proxy_info(account, info);
  } else if (g_strcmp0(w[0], "set-public-ip") == 0 && w[1]) {
    purple_prefs_set_bool("/purple/network/auto_ip", FALSE);
    purple_prefs_set_string("/purple/network/public_ip", w[1]);
  } else if (g_strcmp0(w[0], "set-ft-proxies") == 0 && w[1]) {
    purple_account_set_string(account, "ft_proxies", w[1]);
  } else if (g_strcmp0(w[0], "accept-files") == 0 && w[1]) {
    g_free(accept_dir);
    accept_dir = g_strdup(w[1]);
  } else if (g_strcmp0(w[0], "cancel-xfers") == 0) {
    GList *all = g_list_copy(purple_xfers_get_all());
    for (GList *l = all; l != NULL; l = l->next)
      if (!purple_xfer_is_completed(l->data) && !purple_xfer_is_canceled(l->data))
        purple_xfer_cancel_local(l->data);
    g_list_free(all);
  } else {
    return FALSE;
  }
  emit("command-done", "line", S, line, (char *)NULL);
  return TRUE;
}
