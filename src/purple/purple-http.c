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
