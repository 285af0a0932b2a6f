/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Send File..." through HTTP upload (purple-upload.h). An Upload lives as long as the longest
 * of its PurpleXfer (until purple ends or cancels it) and the request or PUT in flight (each
 * holds a reference and finds the xfer gone when the user cancelled meanwhile). */
#include "purple-upload.h"

#include <gio/gio.h>

#include "purple-glue.h"
#include "purple-chat.h"
#include "purple-file-body.h"
#include "purple-files.h"
#include "purple-http.h"
#include "purple-i18n.h"
#include "im/message.h"
#include "muc/muc.h"
#include "services/http-upload.h"

typedef struct {
  gint refs;
  PurpleXfer *xfer; /* NULL once purple ended or cancelled it */
  PurpleAccount *account;
  char *who;     /* the contact, or the room (room set) */
  gboolean room; /* a room's: the link goes to the room, whose echo shows it */
  char *get_url;
  GCancellable *cancel;
  SoupSession *http;
  goffset sent;
  gint64 told; /* when the window last heard of progress */
} Upload;

static Upload *
upload_ref(Upload *u)
{
  u->refs++;
  return u;
}

static void
upload_unref(gpointer data)
{
  Upload *u = data;
  if (--u->refs > 0)
    return;
  g_free(u->who);
  g_free(u->get_url);
  g_object_unref(u->cancel);
  g_clear_object(&u->http);
  g_free(u);
}

/* purple ended the transfer (done or cancelled, by the user or by us): whatever is in flight
 * stops, and the xfer is no longer ours to touch. */
static void
upload_detach(PurpleXfer *xfer)
{
  Upload *u = xfer->data;
  if (u == NULL)
    return;
  xfer->data = NULL;
  u->xfer = NULL;
  g_cancellable_cancel(u->cancel);
  upload_unref(u);
}

static XmppSession *
session_of(const Upload *u)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(purple_account_get_connection(u->account));
  return conn != NULL ? conn->session : NULL;
}

static void
fail(Upload *u, const char *text)
{
  if (u->xfer == NULL)
    return;
  purple_xfer_error(PURPLE_XFER_SEND, u->account, u->who, text);
  purple_xfer_cancel_local(u->xfer);
}

/* ---- the PUT -------------------------------------------------------------------------------- */

static void
on_body_written(SoupMessage *msg, guint chunk, gpointer data)
{
  Upload *u = data;
  u->sent += chunk;
  if (u->xfer != NULL)
    xmpp_purple_xfer_progress(u->xfer, u->sent, &u->told);
}

/* Uploaded, but not told: the address stays with the user, who can send it later. */
static void
link_not_sent(Upload *u, PurpleConversation *conv)
{
  g_autofree char *escaped = g_markup_escape_text(u->get_url, -1);
  g_autofree char *text =
      g_strdup_printf(_("The file was uploaded, but its link could not be sent: %s"), escaped);
  if (conv != NULL)
    purple_conversation_write(conv, NULL, text, PURPLE_MESSAGE_ERROR, time(NULL));
  else
    purple_notify_error(purple_account_get_connection(u->account), NULL, text, NULL);
}

static void
link_sent_to_room(Upload *u, XmppSession *session)
{
  g_autofree char *id = session != NULL
                            ? xmpp_muc_send_link(xmpp_session_get_muc(session), u->who, u->get_url)
                            : NULL;
  if (id != NULL)
    return; /* the room's echo shows it, once */
  PurpleConvChat *chat = xmpp_purple_chat_window(purple_account_get_connection(u->account), u->who);
  link_not_sent(u, chat != NULL ? purple_conv_chat_get_conversation(chat) : NULL);
}

static void
link_sent(Upload *u)
{
  XmppSession *session = session_of(u);
  if (u->room) {
    link_sent_to_room(u, session);
    return;
  }
  g_autofree char *id =
      session != NULL
          ? xmpp_messages_send_link(xmpp_session_get_messages(session), u->who, u->get_url)
          : NULL;
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, u->who, u->account);
  if (conv == NULL)
    conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, u->account, u->who);
  if (id == NULL) {
    link_not_sent(u, conv);
    return;
  }
  g_autofree char *escaped = g_markup_escape_text(u->get_url, -1);
  g_autofree char *link = g_strdup_printf("<a href=\"%s\">%s</a>", escaped, escaped);
  purple_conv_im_write(PURPLE_CONV_IM(conv), NULL, link, PURPLE_MESSAGE_SEND, time(NULL));
}

static void
on_put_done(GObject *source, GAsyncResult *result, gpointer data)
{
  Upload *u = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) reply = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), result);
  guint status = msg != NULL ? soup_message_get_status(msg) : 0;
  if (reply != NULL)
    g_input_stream_close(reply, NULL, NULL);
  if (u->xfer == NULL) {
    upload_unref(u); /* cancelled meanwhile */
    return;
  }
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf(_("Uploading the file failed: %s"), error->message);
    fail(u, text);
  } else if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
    g_autofree char *text = g_strdup_printf(_("The upload service refused the file: %u %s"), status,
                                            soup_message_get_reason_phrase(msg));
    fail(u, text);
  } else {
    purple_xfer_set_bytes_sent(u->xfer, purple_xfer_get_size(u->xfer));
    purple_xfer_update_progress(u->xfer);
    purple_xfer_set_completed(u->xfer, TRUE);
    link_sent(u);
    purple_xfer_end(u->xfer);
  }
  upload_unref(u);
}

static void
put_file(Upload *u, const XmppHttpSlot *slot, const char *content_type)
{
  PurpleXfer *xfer = u->xfer;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in =
      xmpp_purple_file_body_new(purple_xfer_get_local_filename(xfer), &error);
  SoupMessage *msg = in != NULL ? xmpp_purple_http_message(u->account, "PUT", slot->put_url) : NULL;
  if (msg == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be sent: %s"),
                                            error != NULL ? error->message : slot->put_url);
    fail(u, text);
    return;
  }
  SoupMessageHeaders *headers = soup_message_get_request_headers(msg);
  for (guint i = 0; i < slot->headers->len; i++) {
    const XmppHttpHeader *h = slot->headers->pdata[i];
    soup_message_headers_replace(headers, h->name, h->value);
  }
  /* A large body waits for 100 Continue: Prosody 0.12 reads the headers apart then, else it
   * reads the whole upload 4 KiB a millisecond (3 MB/s). It answers 100 only above its
   * http_max_content_size (10 MiB by default), so smaller files go at once. */
  if (purple_xfer_get_size(xfer) > 10 * 1024 * 1024)
    soup_message_headers_set_expectations(headers, SOUP_EXPECTATION_CONTINUE);
  /* Streamed from the file as it is sent, never read whole. */
  soup_message_set_request_body(msg, content_type, in, (gssize)purple_xfer_get_size(xfer));
  g_signal_connect(msg, "wrote-body-data", G_CALLBACK(on_body_written), u);
  u->get_url = g_strdup(slot->get_url);
  u->http = xmpp_purple_http_session(u->account);
  purple_xfer_start(xfer, -1, NULL, 0);
  soup_session_send_async(u->http, msg, G_PRIORITY_DEFAULT, u->cancel, on_put_done, upload_ref(u));
  g_object_unref(msg);
}

/* ---- the slot ------------------------------------------------------------------------------- */

static char *
content_type_of(const char *path)
{
  g_autofree char *guess = g_content_type_guess(path, NULL, 0, NULL);
  char *mime = guess != NULL ? g_content_type_get_mime_type(guess) : NULL;
  return mime != NULL ? mime : g_strdup("application/octet-stream");
}

typedef struct {
  Upload *upload;
  char *content_type;
} SlotWait;

static void
slot_wait_free(gpointer data)
{
  SlotWait *w = data;
  upload_unref(w->upload);
  g_free(w->content_type);
  g_free(w);
}

static void
on_slot(gpointer data, const XmppHttpSlot *slot, const GError *error)
{
  SlotWait *w = data;
  Upload *u = w->upload;
  if (u->xfer == NULL)
    return; /* cancelled while the server was asked */
  if (error != NULL) {
    g_autofree char *text =
        g_strdup_printf(_("The server gave no place to upload the file: %s"), error->message);
    fail(u, text);
    return;
  }
  put_file(u, slot, w->content_type);
}

static void
upload_init(PurpleXfer *xfer)
{
  Upload *u = xfer->data;
  if (u == NULL)
    return;
  XmppSession *session = session_of(u);
  if (session == NULL) {
    fail(u, _("Not connected."));
    return;
  }
  SlotWait *w = g_new0(SlotWait, 1);
  w->upload = upload_ref(u);
  w->content_type = content_type_of(purple_xfer_get_local_filename(xfer));
  g_autoptr(GError) error = NULL;
  if (!xmpp_http_upload_request_slot(xmpp_session_get_http_upload(session),
                                     purple_xfer_get_filename(xfer), purple_xfer_get_size(xfer),
                                     w->content_type, on_slot, w, slot_wait_free, &error)) {
    slot_wait_free(w);
    g_autofree char *text =
        g_error_matches(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE)
            ? g_strdup_printf(_("The file is too large for the server: %s."), error->message)
            : g_strdup_printf(_("The file cannot be sent: %s."), error->message);
    fail(u, text);
  }
}

/* ---- the protocol's entry points ------------------------------------------------------------- */

gboolean
xmpp_purple_upload_available(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  return conn != NULL && conn->session != NULL &&
         xmpp_http_upload_get_service(xmpp_session_get_http_upload(conn->session), NULL, NULL);
}

PurpleXfer *
xmpp_purple_upload_new_xfer(PurpleConnection *gc, const char *who)
{
  PurpleAccount *account = purple_connection_get_account(gc);
  PurpleXfer *xfer = purple_xfer_new(account, PURPLE_XFER_SEND, who);
  Upload *u = g_new0(Upload, 1);
  u->refs = 1; /* the xfer's */
  u->xfer = xfer;
  u->account = account;
  u->who = g_strdup(who);
  u->cancel = g_cancellable_new();
  xfer->data = u;
  purple_xfer_set_init_fnc(xfer, upload_init);
  purple_xfer_set_cancel_send_fnc(xfer, upload_detach);
  purple_xfer_set_end_fnc(xfer, upload_detach);
  return xfer;
}

/* The room of a chat window we are in, NULL otherwise. */
static const char *
joined_room(PurpleConnection *gc, int id)
{
  PurpleConversation *conv = purple_find_chat(gc, id);
  XmppMuc *muc = NULL;
  const char *room = conv != NULL ? xmpp_purple_chat_room_for(conv, &muc) : NULL;
  return room != NULL && muc != NULL && xmpp_muc_is_joined(muc, room) ? room : NULL;
}

gboolean
xmpp_purple_upload_chat_can_send(PurpleConnection *gc, int id)
{
  return joined_room(gc, id) != NULL && xmpp_purple_upload_available(gc);
}

void
xmpp_purple_upload_chat_send_file(PurpleConnection *gc, int id, const char *filename)
{
  const char *room = joined_room(gc, id);
  if (room == NULL)
    return;
  PurpleXfer *xfer = xmpp_purple_upload_new_xfer(gc, room);
  ((Upload *)xfer->data)->room = TRUE;
  xmpp_purple_files_ask_or_send(xfer, filename);
}
