/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The question about an untrusted server certificate: accept once, always, or reject. "Always"
 * keeps the certificate in libpurple's tls_peers pool (purple-trust.c), where Tools ->
 * Certificates shows it and the user can delete it. */
#include "purple-glue.h"
#include "purple-i18n.h"

enum { ACTION_ONCE, ACTION_ALWAYS, ACTION_REJECT };

static char *
format_time(gint64 unix_time)
{
  GDateTime *dt = g_date_time_new_from_unix_local(unix_time);
  if (dt == NULL)
    return g_strdup("?");
  char *text = g_date_time_format(dt, "%x %X");
  g_date_time_unref(dt);
  return text != NULL ? text : g_strdup("?");
}

static gboolean
apply_answer(gpointer data)
{
  XmppPurpleConn *conn = data;
  XmppCertInfo *info = conn->cert_info;
  const int action = conn->cert_action;

  conn->cert_timer = 0;
  conn->cert_info = NULL;
  if (conn->session == NULL || conn->session_closed) {
    xmpp_cert_info_free(info);
    return G_SOURCE_REMOVE;
  }
  if (action == ACTION_ALWAYS && info != NULL && info->sha256 != NULL) {
    /* The next sign-in reads it back as XmppSessionConfig.accepted_cert. Only if libpurple
     * cannot keep it (no SSL plugin) does it go into the account's own pin. */
    const char *name = xmpp_session_get_domain(conn->session);
    if (info->der == NULL || !xmpp_purple_trust_accept_always(name, info->der)) {
      purple_debug_warning(XMPP_PURPLE_DEBUG, "cannot keep the certificate in libpurple's "
                                              "store: pinned in the account instead\n");
      purple_account_set_string(conn->account, XMPP_PURPLE_OPT_PINNED_CERT, info->sha256);
    }
  }
  purple_debug_info(XMPP_PURPLE_DEBUG, "certificate %s by the user\n",
                    action == ACTION_REJECT ? "rejected" : "accepted");
  xmpp_cert_info_free(info);
  /* May emit closed (reject) synchronously: fine, we run from the main loop here. */
  xmpp_session_certificate_decision(conn->session, action != ACTION_REJECT);
  return G_SOURCE_REMOVE;
}

/* The UI may answer at once, from inside purple_request_action() and so from inside the core's
 * certificate event: the answer is applied from a zero timeout, never re-entering the core. */
static void
answered(gpointer data, int action)
{
  XmppPurpleConn *conn = data;
  if (!conn->cert_pending)
    return;
  conn->cert_pending = FALSE;
  conn->cert_action = action;
  if (conn->cert_timer == 0)
    conn->cert_timer = purple_timeout_add(0, apply_answer, conn);
}

void
xmpp_purple_cert_ask(XmppPurpleConn *conn, const XmppCertInfo *info)
{
  xmpp_purple_cert_cancel(conn);
  conn->cert_info = xmpp_cert_info_copy(info);
  conn->cert_pending = TRUE;

  /* Everything below comes from the peer's certificate: treat it as untrusted text. */
  char *subject = xmpp_purple_error_sanitize(info->subject);
  char *issuer = xmpp_purple_error_sanitize(info->issuer);
  char *from = format_time(info->not_before);
  char *until = format_time(info->not_after);
  char *problems = xmpp_purple_error_describe_cert_problems(info->problems);
  const char *domain = xmpp_session_get_domain(conn->session);

  char *primary = g_strdup_printf(_("The certificate presented by %s is not trusted"), domain);
  char *secondary = g_strdup_printf(_("%s\n\n"
                                      "Subject: %s\n"
                                      "Issuer: %s\n"
                                      "Valid from: %s\n"
                                      "Valid until: %s\n"
                                      "SHA-256 fingerprint: %s\n\n"
                                      "Accept it only if you can check this fingerprint with "
                                      "the server's administrator."),
                                    problems, subject, issuer, from, until,
                                    info->sha256 != NULL ? info->sha256 : "?");

  /* The handle is conn: xmpp_purple_cert_cancel closes the dialog if the connection goes. The
   * English labels keep the words once/always/reject: the test harness answers by them. */
  void *ui = purple_request_action(conn, _("Certificate problem"), primary, secondary,
                                   ACTION_REJECT, conn->account, NULL, NULL, conn, 3,
                                   _("Accept once"), G_CALLBACK(answered), _("Always accept"),
                                   G_CALLBACK(answered), _("Reject"), G_CALLBACK(answered));
  if (ui == NULL && conn->cert_pending) {
    /* No UI can ask (a headless client without request ops): the safe answer. */
    purple_debug_warning(XMPP_PURPLE_DEBUG, "no UI to ask about the certificate: rejecting\n");
    answered(conn, ACTION_REJECT);
  }

  g_free(primary);
  g_free(secondary);
  g_free(problems);
  g_free(until);
  g_free(from);
  g_free(issuer);
  g_free(subject);
}

void
xmpp_purple_cert_cancel(XmppPurpleConn *conn)
{
  if (conn->cert_pending) {
    conn->cert_pending = FALSE;
    purple_request_close_with_handle(conn);
  }
  if (conn->cert_timer != 0) {
    purple_timeout_remove(conn->cert_timer);
    conn->cert_timer = 0;
  }
  xmpp_cert_info_free(conn->cert_info);
  conn->cert_info = NULL;
}
