/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Links offered as downloads (purple-download.h). A Download lives as long as the longest of
 * its PurpleXfer (until purple ends, cancels or the user refuses it) and the request in flight
 * (each holds a reference and finds the xfer gone when it was cancelled meanwhile). */
#include "purple-download.h"

#include <gio/gio.h>

#include "im/oob.h"
#include "purple-http.h"
#include "purple-i18n.h"

#define CHUNK          (64 * 1024)
#define HEAD_TIMEOUT_S 10

typedef struct {
  gint refs;
  PurpleXfer *xfer; /* NULL once purple ended, cancelled or refused it */
  PurpleAccount *account;
  char *who;
  char *url;
  GCancellable *cancel;
  SoupSession *http;
  GInputStream *in;
  XmppPurpleIncoming *out;
  guint64 size; /* announced (Content-Length), 0: unknown */
  guint64 got;
  gint64 told;
} Download;

static Download *
download_ref(Download *d)
{
  d->refs++;
  return d;
}

static void
download_unref(gpointer data)
{
  Download *d = data;
  if (--d->refs > 0)
    return;
  g_free(d->who);
  g_free(d->url);
  g_object_unref(d->cancel);
  g_clear_object(&d->in);
  g_clear_pointer(&d->out, xmpp_purple_incoming_free); /* not committed: nothing kept */
  g_clear_object(&d->http);
  g_free(d);
}

static void
download_detach(PurpleXfer *xfer)
{
  Download *d = xfer->data;
  if (d == NULL)
    return;
  xfer->data = NULL;
  d->xfer = NULL;
  g_cancellable_cancel(d->cancel);
  download_unref(d);
}

static void
fail(Download *d, const char *text)
{
  if (d->xfer == NULL)
    return;
  purple_xfer_error(PURPLE_XFER_RECEIVE, d->account, d->who, text);
  purple_xfer_cancel_local(d->xfer);
}

/* ---- the GET, a chunk at a time into the chosen file ------------------------------------------
 */

static void read_next(Download *d);

static void
finished(Download *d)
{
  g_autoptr(GError) error = NULL;
  if (!xmpp_purple_incoming_commit(d->out, &error)) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    fail(d, text);
    return;
  }
  g_clear_pointer(&d->out, xmpp_purple_incoming_free);
  purple_xfer_set_size(d->xfer, d->got);
  purple_xfer_set_bytes_sent(d->xfer, d->got);
  purple_xfer_update_progress(d->xfer);
  purple_xfer_set_completed(d->xfer, TRUE);
  purple_xfer_end(d->xfer);
}

static void
on_chunk(GObject *source, GAsyncResult *result, gpointer data)
{
  Download *d = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk =
      g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
  if (d->xfer == NULL) {
    download_unref(d); /* cancelled meanwhile */
    return;
  }
  gsize n = chunk != NULL ? g_bytes_get_size(chunk) : 0;
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf(_("Downloading the file failed: %s"), error->message);
    fail(d, text);
  } else if (n == 0) {
    if (d->size > 0 && d->got != d->size)
      fail(d, _("The download ended before the whole file came."));
    else
      finished(d);
  } else if (d->size > 0 && d->got + n > d->size) {
    fail(d, _("The server sent more than the file's announced size."));
  } else if (!xmpp_purple_incoming_write(d->out, g_bytes_get_data(chunk, NULL), n, &error)) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    fail(d, text);
  } else {
    d->got += n;
    xmpp_purple_xfer_progress(d->xfer, (goffset)d->got, &d->told);
    read_next(d);
  }
  download_unref(d);
}

static void
read_next(Download *d)
{
  g_input_stream_read_bytes_async(d->in, CHUNK, G_PRIORITY_DEFAULT, d->cancel, on_chunk,
                                  download_ref(d));
}

static void
on_get(GObject *source, GAsyncResult *result, gpointer data)
{
  Download *d = data;
  g_autoptr(GError) error = NULL;
  GInputStream *in = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), result);
  if (d->xfer == NULL) {
    g_clear_object(&in);
  } else if (in == NULL) {
    g_autofree char *text = g_strdup_printf(_("Downloading the file failed: %s"), error->message);
    fail(d, text);
  } else if (!SOUP_STATUS_IS_SUCCESSFUL(soup_message_get_status(msg))) {
    g_autofree char *text =
        g_strdup_printf(_("The server did not give the file: %u %s"), soup_message_get_status(msg),
                        soup_message_get_reason_phrase(msg));
    g_object_unref(in);
    fail(d, text);
  } else {
    d->in = in;
    read_next(d);
  }
  download_unref(d);
}

/* The user accepted and chose where the file goes. */
static void
download_init(PurpleXfer *xfer)
{
  Download *d = xfer->data;
  if (d == NULL)
    return;
  g_autoptr(GError) error = NULL;
  d->out = xmpp_purple_incoming_new(purple_xfer_get_local_filename(xfer), &error);
  SoupMessage *msg = d->out != NULL ? xmpp_purple_http_message(d->account, "GET", d->url) : NULL;
  if (msg == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"),
                                            error != NULL ? error->message : d->url);
    fail(d, text);
    return;
  }
  purple_xfer_start(xfer, -1, NULL, 0);
  soup_session_send_async(d->http, msg, G_PRIORITY_DEFAULT, d->cancel, on_get, download_ref(d));
  g_object_unref(msg);
}

/* ---- the offer ------------------------------------------------------------------------------ */

static void
offer(Download *d)
{
  PurpleXfer *xfer = purple_xfer_new(d->account, PURPLE_XFER_RECEIVE, d->who);
  g_autofree char *name = xmpp_oob_file_name(d->url);
  purple_xfer_set_filename(xfer, name);
  purple_xfer_set_size(xfer, d->size);
  d->xfer = xfer;
  xfer->data = download_ref(d); /* the xfer's */
  purple_xfer_set_init_fnc(xfer, download_init);
  purple_xfer_set_request_denied_fnc(xfer, download_detach);
  purple_xfer_set_cancel_recv_fnc(xfer, download_detach);
  purple_xfer_set_end_fnc(xfer, download_detach);
  purple_xfer_request(xfer);
}

/* The size (HEAD) first, so that the question can say it; without it, asked all the same. */
static void
on_head(GObject *source, GAsyncResult *result, gpointer data)
{
  Download *d = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), result);
  if (in != NULL && SOUP_STATUS_IS_SUCCESSFUL(soup_message_get_status(msg))) {
    goffset length =
        soup_message_headers_get_content_length(soup_message_get_response_headers(msg));
    d->size = length > 0 ? (guint64)length : 0;
  }
  if (!g_cancellable_is_cancelled(d->cancel) && purple_account_is_connected(d->account))
    offer(d);
  download_unref(d);
}

void
xmpp_purple_download_offer(XmppPurpleConn *conn, const char *who, const char *url)
{
  g_return_if_fail(conn != NULL && who != NULL && url != NULL);
  if (purple_find_buddy(conn->account, who) == NULL) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "a link from %s, not on the buddy list: not fetched\n",
                      who);
    return; /* T58: a stranger's link stays a link */
  }
  SoupMessage *head = xmpp_purple_http_message(conn->account, "HEAD", url);
  if (head == NULL)
    return;
  Download *d = g_new0(Download, 1);
  d->refs = 1;
  d->account = conn->account;
  d->who = g_strdup(who);
  d->url = g_strdup(url);
  d->cancel = g_cancellable_new();
  d->http = xmpp_purple_http_session(conn->account);
  g_object_set(d->http, "timeout", HEAD_TIMEOUT_S, NULL);
  soup_session_send_async(d->http, head, G_PRIORITY_DEFAULT, d->cancel, on_head, d);
  g_object_unref(head);
}
