/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HTTP for file transfers (purple-http.h). */
#include "purple-http.h"

#include "purple-glue.h"

/* ---- HTTP: the account's proxy, the stream's trust --------------------------------------------
 */

/* purple's proxy for the account (its own, or the global one) as GIO's resolver; NULL: the
 * environment's (GIO's default). */
static GProxyResolver *
proxy_resolver(PurpleAccount *account)
{
  PurpleProxyInfo *info = purple_proxy_get_setup(account);
  PurpleProxyType type = info != NULL ? purple_proxy_info_get_type(info) : PURPLE_PROXY_NONE;
  const char *scheme = NULL;
  switch (type) {
    case PURPLE_PROXY_HTTP:
      scheme = "http";
      break;
    case PURPLE_PROXY_SOCKS4:
      scheme = "socks4";
      break;
    case PURPLE_PROXY_SOCKS5:
    case PURPLE_PROXY_TOR:
      scheme = "socks5";
      break;
    case PURPLE_PROXY_USE_ENVVAR:
      return NULL;
    default:
      return g_simple_proxy_resolver_new("direct://", NULL);
  }
  const char *user = purple_proxy_info_get_username(info);
  const char *pass = purple_proxy_info_get_password(info);
  g_autofree char *userinfo = NULL;
  if (user != NULL && *user != '\0') {
    g_autofree char *u = g_uri_escape_string(user, NULL, FALSE);
    g_autofree char *p = pass != NULL ? g_uri_escape_string(pass, NULL, FALSE) : NULL;
    userinfo = p != NULL ? g_strdup_printf("%s:%s", u, p) : g_strdup(u);
  }
  g_autofree char *uri =
      g_uri_join(G_URI_FLAGS_NONE, scheme, userinfo, purple_proxy_info_get_host(info),
                 purple_proxy_info_get_port(info), "", NULL, NULL);
  return g_simple_proxy_resolver_new(uri, NULL);
}

/* The stream trusts the system's anchors and the account's CA file: a server certificate GIO
 * refused is still good when it verifies, name included, against an anchor of that file. */
static gboolean
accept_certificate(SoupMessage *msg, GTlsCertificate *peer, GTlsCertificateFlags errors,
                   gpointer data)
{
  PurpleAccount *account = data;
  const char *ca_file = purple_account_get_string(account, XMPP_PURPLE_OPT_CA_FILE, NULL);
  if (ca_file == NULL || *ca_file == '\0')
    return FALSE;
  g_autolist(GTlsCertificate) anchors = g_tls_certificate_list_new_from_file(ca_file, NULL);
  GUri *uri = soup_message_get_uri(msg);
  g_autoptr(GSocketConnectable) identity =
      g_network_address_new(g_uri_get_host(uri), (guint16)MAX(g_uri_get_port(uri), 0));
  for (GList *l = anchors; l != NULL; l = l->next)
    if (g_tls_certificate_verify(peer, identity, l->data) == 0)
      return TRUE;
  purple_debug_warning(XMPP_PURPLE_DEBUG, "http: %s's certificate is not trusted (%#x)\n",
                       g_uri_get_host(uri), errors);
  return FALSE;
}

SoupSession *
xmpp_purple_http_session(PurpleAccount *account)
{
  g_autoptr(GProxyResolver) proxy = proxy_resolver(account);
  SoupSession *http = soup_session_new_with_options("user-agent", "Lyre", "timeout", 60, NULL);
  if (proxy != NULL)
    soup_session_set_proxy_resolver(http, proxy);
  return http;
}

SoupMessage *
xmpp_purple_http_message(PurpleAccount *account, const char *method, const char *url)
{
  SoupMessage *msg = soup_message_new(method, url);
  if (msg != NULL)
    g_signal_connect(msg, "accept-certificate", G_CALLBACK(accept_certificate), account);
  return msg;
}

struct _XmppPurpleIncoming {
  GFile *part;  /* where the bytes go until the file is whole */
  GFile *final; /* the name the user chose */
  GOutputStream *out;
};

XmppPurpleIncoming *
xmpp_purple_incoming_new(const char *path, GError **error)
{
  g_autofree char *part_path = g_strconcat(path, ".part", NULL);
  XmppPurpleIncoming *in = g_new0(XmppPurpleIncoming, 1);
  in->part = g_file_new_for_path(part_path);
  in->final = g_file_new_for_path(path);
  in->out =
      G_OUTPUT_STREAM(g_file_replace(in->part, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error));
  if (in->out == NULL) {
    xmpp_purple_incoming_free(in);
    return NULL;
  }
  return in;
}

gboolean
xmpp_purple_incoming_write(XmppPurpleIncoming *in, const void *bytes, gsize len, GError **error)
{
  return g_output_stream_write_all(in->out, bytes, len, NULL, NULL, error);
}

gboolean
xmpp_purple_incoming_commit(XmppPurpleIncoming *in, GError **error)
{
  gboolean ok = g_output_stream_close(in->out, NULL, error) &&
                g_file_move(in->part, in->final, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
  g_clear_object(&in->out);
  return ok;
}

void
xmpp_purple_incoming_free(XmppPurpleIncoming *in)
{
  if (in == NULL)
    return;
  if (in->out != NULL) {
    /* Not whole: nothing of it takes the name. */
    g_output_stream_close(in->out, NULL, NULL);
    g_file_delete(in->part, NULL, NULL);
    g_object_unref(in->out);
  }
  g_object_unref(in->part);
  g_object_unref(in->final);
  g_free(in);
}

void
xmpp_purple_xfer_progress(PurpleXfer *xfer, goffset done, gint64 *told)
{
  gint64 now = g_get_monotonic_time();
  if (now - *told < 100 * G_TIME_SPAN_MILLISECOND)
    return;
  *told = now;
  purple_xfer_set_bytes_sent(xfer, MIN(done, (goffset)purple_xfer_get_size(xfer)));
  purple_xfer_update_progress(xfer);
}
