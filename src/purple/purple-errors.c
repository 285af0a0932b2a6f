/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one place where core errors become libpurple connection errors and translated text. */
#include "purple-glue.h"
#include "purple-errors.h"
#include "purple-i18n.h"

#include <string.h>

#include "jid/jid.h"
#include "router/router.h"
#include "sasl/sasl.h"
#include "stream/stream-error.h"
#include "stream/tls.h"
#include "xml/parser.h"

/* libpurple reconnects automatically only after a non-fatal reason (NETWORK_ERROR,
 * ENCRYPTION_ERROR, see purple_connection_error_is_fatal()). So anything that retrying cannot
 * fix (a wrong password, a settings problem, a certificate the user must judge) must map to a
 * fatal reason, and anything transient to NETWORK_ERROR. */

char *
xmpp_purple_error_sanitize(const char *text)
{
  if (text == NULL)
    return g_strdup("");
  /* Only the start can be shown: do not walk megabytes of it (T12). */
  char *valid = g_utf8_make_valid(text, (gssize)strnlen(text, 4 * XMPP_PURPLE_MAX_SERVER_TEXT));
  GString *out = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    /* Control characters (newlines included) could fake extra lines in the dialog. */
    if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
      c = ' ';
    const gsize before = out->len;
    g_string_append_unichar(out, c);
    if (out->len > XMPP_PURPLE_MAX_SERVER_TEXT) {
      g_string_truncate(out, before);
      g_string_append(out, "\xe2\x80\xa6"); /* ellipsis */
      break;
    }
  }
  g_free(valid);
  return g_strstrip(g_string_free(out, FALSE));
}

char *
xmpp_purple_error_describe_cert_problems(guint problems)
{
  static const struct {
    guint bit;
    const char *text;
  } reasons[] = {
      {XMPP_CERT_PIN_MISMATCH,
       N_("The certificate differs from the one you chose to always accept.")},
      {XMPP_CERT_HOSTNAME_MISMATCH, N_("The certificate is not valid for this server's name.")},
      {XMPP_CERT_UNTRUSTED, N_("The certificate is not signed by a trusted authority.")},
      {XMPP_CERT_EXPIRED, N_("The certificate has expired.")},
      {XMPP_CERT_NOT_ACTIVATED, N_("The certificate is not valid yet.")},
      {XMPP_CERT_REVOKED, N_("The certificate has been revoked.")},
      {XMPP_CERT_INSECURE_ALGORITHM, N_("The certificate uses an insecure algorithm.")},
      {XMPP_CERT_INVALID, N_("The certificate is missing or cannot be read.")},
  };
  GString *out = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(reasons); i++) {
    if ((problems & reasons[i].bit) == 0)
      continue;
    if (out->len > 0)
      g_string_append_c(out, '\n');
    g_string_append(out, _(reasons[i].text));
  }
  if (out->len == 0)
    g_string_append(out, _("The certificate could not be verified."));
  return g_string_free(out, FALSE);
}

static PurpleConnectionError
from_cert_problems(guint problems)
{
  /* Most specific first: a changed pinned certificate is what the user must hear about. */
  if (problems & (XMPP_CERT_PIN_MISMATCH | XMPP_CERT_REVOKED | XMPP_CERT_INSECURE_ALGORITHM |
                  XMPP_CERT_INVALID))
    return PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR;
  if (problems & XMPP_CERT_HOSTNAME_MISMATCH)
    return PURPLE_CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH;
  if (problems & XMPP_CERT_EXPIRED)
    return PURPLE_CONNECTION_ERROR_CERT_EXPIRED;
  if (problems & XMPP_CERT_NOT_ACTIVATED)
    return PURPLE_CONNECTION_ERROR_CERT_NOT_ACTIVATED;
  /* The bits do not tell a self-signed certificate from an unknown issuer (both UNTRUSTED), so
   * CERT_SELF_SIGNED is never used. */
  if (problems & XMPP_CERT_UNTRUSTED)
    return PURPLE_CONNECTION_ERROR_CERT_UNTRUSTED;
  return PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR;
}

static PurpleConnectionError
from_session(int code, const char **what)
{
  switch ((XmppSessionError)code) {
    case XMPP_SESSION_ERROR_NETWORK:
      *what = _("Connection lost");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_SESSION_ERROR_PING_TIMEOUT:
      *what = _("The server stopped answering");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_SESSION_ERROR_ENCRYPTION:
      *what = _("Encryption is required but the server does not offer it");
      return PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR;
    case XMPP_SESSION_ERROR_INVALID_JID:
      *what = _("Invalid XMPP address or resource");
      return PURPLE_CONNECTION_ERROR_INVALID_USERNAME;
    case XMPP_SESSION_ERROR_BIND:
      *what = _("The server refused to bind a resource");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
    case XMPP_SESSION_ERROR_CONFLICT:
      *what = _("This resource is already connected");
      return PURPLE_CONNECTION_ERROR_NAME_IN_USE;
    case XMPP_SESSION_ERROR_AUTH:
      *what = _("Not authorized (wrong password?)");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_SESSION_ERROR_NO_AUTH:
      *what = _("The server offers no authentication method that can be used safely");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SESSION_ERROR_REDIRECT_LIMIT:
      *what = _("The server redirected the connection too many times");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
    case XMPP_SESSION_ERROR_PROTOCOL:
      *what = _("The server broke the XMPP protocol");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT:
      *what = _("The server stopped answering while signing in");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_SESSION_ERROR_RANDOM:
      *what = _("No random numbers are available (is GnuTLS working?)");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  }
  *what = _("Unknown error");
  return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
}

static PurpleConnectionError
from_sasl(int code, const char **what)
{
  switch ((XmppSaslError)code) {
    /* RFC 6120 §6.5: failures that retrying with the same settings cannot fix. */
    case XMPP_SASL_ERROR_NOT_AUTHORIZED:
      *what = _("Not authorized (wrong password?)");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_SASL_ERROR_ACCOUNT_DISABLED:
      *what = _("The account is disabled");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_SASL_ERROR_CREDENTIALS_EXPIRED:
      *what = _("The password has expired");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_SASL_ERROR_INVALID_AUTHZID:
      *what = _("Invalid authorization identity");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_SASL_ERROR_SERVER_SIGNATURE:
      *what = _("The server could not prove it knows your password (possible attack)");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    /* Nothing acceptable on offer: the user must change settings or the server. */
    case XMPP_SASL_ERROR_NO_MECHANISM:
      *what = _("The server offers no authentication method that can be used safely");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SASL_ERROR_MECHANISM_TOO_WEAK:
      *what = _("The server considers the authentication method too weak");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SASL_ERROR_ENCRYPTION_REQUIRED:
      /* §6.5.4: the server wants TLS first. Reconnecting with the same setting would fail the
       * same way, so this is fatal (not ENCRYPTION_ERROR, which libpurple retries). */
      *what = _("The server requires encryption before authentication: choose \"Require "
                "encryption\"");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SASL_ERROR_ITERATIONS:
      *what = _("The server asked for an unreasonable password hashing cost");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SASL_ERROR_CHANNEL_BINDING:
      *what = _("Channel binding is not available on this connection");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    /* Not the password: the server could not match our channel binding to its end of TLS. */
    case XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED:
      *what = _("The server refused the channel binding of this connection: either someone is "
                "intercepting the encrypted connection, or the server computes channel binding "
                "differently");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    case XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED:
      *what = _("This account signed in with channel binding before, and this connection "
                "cannot use it: someone may be intercepting the connection. If the server "
                "really changed, untick \"Require channel binding\" in the account's advanced "
                "settings");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE;
    /* §6.5.12: temporary, try again later. */
    case XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE:
      *what = _("Temporary authentication failure");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_SASL_ERROR_ABORTED:
    case XMPP_SASL_ERROR_INCORRECT_ENCODING:
    case XMPP_SASL_ERROR_INVALID_MECHANISM:
    case XMPP_SASL_ERROR_MALFORMED_REQUEST:
    case XMPP_SASL_ERROR_BAD_SERVER_MESSAGE:
      *what = _("Authentication failed because of a protocol error");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  }
  *what = _("Authentication failed");
  return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
}

static PurpleConnectionError
from_stream(int code, const char **what)
{
  switch ((XmppStreamErrorCondition)code) {
    case XMPP_STREAM_ERROR_CONFLICT: /* §4.9.3.3: another session took our resource */
      *what = _("This resource was connected from elsewhere");
      return PURPLE_CONNECTION_ERROR_NAME_IN_USE;
    case XMPP_STREAM_ERROR_NOT_AUTHORIZED:
      *what = _("Not authorized");
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case XMPP_STREAM_ERROR_HOST_UNKNOWN:
      *what = _("The server does not serve this domain");
      return PURPLE_CONNECTION_ERROR_INVALID_SETTINGS;
    case XMPP_STREAM_ERROR_HOST_GONE:
      *what = _("The server no longer serves this domain");
      return PURPLE_CONNECTION_ERROR_INVALID_SETTINGS;
    case XMPP_STREAM_ERROR_POLICY_VIOLATION:
      *what = _("The server closed the connection for a policy violation");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
    /* Transient: the server or its network will likely be back. */
    case XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN:
      *what = _("The server is shutting down");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_STREAM_ERROR_CONNECTION_TIMEOUT:
      *what = _("The server timed out the connection");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_STREAM_ERROR_RESET:
      *what = _("The server reset the connection");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED:
    case XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT:
    case XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR:
    case XMPP_STREAM_ERROR_SEE_OTHER_HOST:
    case XMPP_STREAM_ERROR_UNDEFINED_CONDITION:
      *what = _("The server closed the stream");
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    /* The server says we broke the protocol: retrying would do the same. */
    case XMPP_STREAM_ERROR_BAD_FORMAT:
    case XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX:
    case XMPP_STREAM_ERROR_IMPROPER_ADDRESSING:
    case XMPP_STREAM_ERROR_INVALID_FROM:
    case XMPP_STREAM_ERROR_INVALID_NAMESPACE:
    case XMPP_STREAM_ERROR_INVALID_XML:
    case XMPP_STREAM_ERROR_NOT_WELL_FORMED:
    case XMPP_STREAM_ERROR_RESTRICTED_XML:
    case XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING:
    case XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE:
    case XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE:
    case XMPP_STREAM_ERROR_UNSUPPORTED_VERSION:
      *what = _("The server rejected the stream");
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  }
  *what = _("The server closed the stream");
  return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
}

static PurpleConnectionError
from_tls(int code, guint cert_problems, const char **what, char **owned)
{
  if (code == XMPP_TLS_ERROR_CERTIFICATE) {
    *owned = xmpp_purple_error_describe_cert_problems(cert_problems);
    *what = *owned;
    return from_cert_problems(cert_problems);
  }
  *what = _("Encryption (TLS) failed");
  return PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR;
}

PurpleConnectionError
xmpp_purple_error_from_gerror(const GError *error, guint cert_problems, char **text)
{
  const char *what = NULL;
  char *owned = NULL;
  PurpleConnectionError reason;

  if (error == NULL) {
    what = _("Disconnected");
    reason = PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
  } else if (error->domain == XMPP_SESSION_ERROR) {
    reason = from_session(error->code, &what);
  } else if (error->domain == XMPP_SASL_ERROR) {
    reason = from_sasl(error->code, &what);
  } else if (error->domain == XMPP_STREAM_ERROR) {
    reason = from_stream(error->code, &what);
  } else if (error->domain == XMPP_TLS_ERROR) {
    reason = from_tls(error->code, cert_problems, &what, &owned);
  } else if (error->domain == XMPP_XML_ERROR) {
    what = _("The server sent invalid XML");
    reason = PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
  } else if (error->domain == XMPP_JID_ERROR) {
    what = _("Invalid XMPP address or resource");
    reason = PURPLE_CONNECTION_ERROR_INVALID_USERNAME;
  } else {
    what = _("Unknown error");
    reason = PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  }

  if (text != NULL) {
    char *detail = xmpp_purple_error_sanitize(error != NULL ? error->message : NULL);
    /* The core's message often carries the server's own words: show them after ours. */
    if (*detail != '\0')
      /* Translators: an error explanation, then the details the server or the system gave. */
      *text = g_strdup_printf(_("%s (%s)"), what, detail);
    else
      *text = g_strdup(what);
    g_free(detail);
  }
  g_free(owned);
  return reason;
}

/* ---- requests that failed: stanza errors and IQs without an answer ---- */

/* RFC 6120 §8.3.3 conditions in words a user understands, in the RFC's order. */
static const char *const condition_texts[] = {
    [XMPP_STANZA_ERROR_BAD_REQUEST] = N_("The request was malformed or a value in it is invalid"),
    [XMPP_STANZA_ERROR_CONFLICT] = N_("It conflicts with something that already exists"),
    [XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED] = N_("Not supported"),
    [XMPP_STANZA_ERROR_FORBIDDEN] = N_("Permission denied"),
    [XMPP_STANZA_ERROR_GONE] = N_("The address is no longer in use"),
    [XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR] = N_("Internal server error"),
    [XMPP_STANZA_ERROR_ITEM_NOT_FOUND] = N_("Not found"),
    [XMPP_STANZA_ERROR_JID_MALFORMED] = N_("Invalid XMPP address"),
    [XMPP_STANZA_ERROR_NOT_ACCEPTABLE] = N_("Not accepted: a value is missing or invalid"),
    [XMPP_STANZA_ERROR_NOT_ALLOWED] = N_("Not allowed"),
    [XMPP_STANZA_ERROR_NOT_AUTHORIZED] = N_("Not authorized"),
    [XMPP_STANZA_ERROR_POLICY_VIOLATION] = N_("Refused by the server's policy"),
    [XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE] = N_("The recipient is unavailable"),
    [XMPP_STANZA_ERROR_REDIRECT] = N_("Redirected elsewhere"),
    [XMPP_STANZA_ERROR_REGISTRATION_REQUIRED] = N_("Registration required"),
    [XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND] = N_("The remote server was not found"),
    [XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT] = N_("The remote server did not answer in time"),
    [XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT] = N_("The server is too busy"),
    [XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE] = N_("Service unavailable"),
    [XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED] = N_("Subscription required"),
    [XMPP_STANZA_ERROR_UNDEFINED_CONDITION] = N_("Unknown error"),
    [XMPP_STANZA_ERROR_UNEXPECTED_REQUEST] = N_("Unexpected request"),
};

static const char *
condition_text(XmppStanzaErrorCondition condition, XmppPurpleErrorContext context)
{
  if (context == XMPP_PURPLE_ERROR_MESSAGE) {
    /* RFC 6121 §8.5: what a bounced message's conditions mean. */
    switch (condition) {
      case XMPP_STANZA_ERROR_ITEM_NOT_FOUND:
        return _("No such user");
      case XMPP_STANZA_ERROR_GONE:
        return _("The recipient is no longer at this address");
      default:
        break;
    }
  } else if (context == XMPP_PURPLE_ERROR_REGISTRATION) {
    /* XEP-0077 §3.1: the errors of a registration. */
    switch (condition) {
      case XMPP_STANZA_ERROR_CONFLICT:
        return _("That username is already in use: please choose another one");
      case XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
      case XMPP_STANZA_ERROR_BAD_REQUEST:
        return _("The server did not accept the form: a field is missing or invalid");
      default:
        break;
    }
  }
  if ((guint)condition >= G_N_ELEMENTS(condition_texts))
    condition = XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
  return _(condition_texts[condition]);
}

/* what, then the sanitised detail when there is one, then "Try again later." when asked. */
static char *
compose(const char *what, const char *detail, gboolean later)
{
  g_autofree char *clean = detail != NULL ? xmpp_purple_error_sanitize(detail) : NULL;
  gboolean with_detail = clean != NULL && *clean != '\0';
  if (with_detail && later)
    /* Translators: an error, the server's own words about it, and advice to retry. */
    return g_strdup_printf(_("%s (%s). Try again later."), what, clean);
  if (with_detail)
    /* Translators: an error explanation, then the details the server or the system gave. */
    return g_strdup_printf(_("%s (%s)"), what, clean);
  if (later)
    /* Translators: an error, then advice to retry. */
    return g_strdup_printf(_("%s. Try again later."), what);
  return g_strdup(what);
}

char *
xmpp_purple_stanza_error_info_text(const XmppStanzaErrorInfo *info, XmppPurpleErrorContext context)
{
  if (info == NULL)
    return g_strdup(_("Unknown error"));
  return compose(condition_text(info->condition, context), info->text,
                 info->type == XMPP_STANZA_ERROR_TYPE_WAIT);
}

static const char *
iq_error_text(int code)
{
  switch ((XmppIqError)code) {
    case XMPP_IQ_ERROR_TIMEOUT:
      return _("No answer came in time");
    case XMPP_IQ_ERROR_SESSION_CLOSED:
      return _("The connection was closed before an answer came");
    case XMPP_IQ_ERROR_RANDOM:
      return _("No random numbers are available (is GnuTLS working?)");
    case XMPP_IQ_ERROR_TOO_MANY:
      return _("Too many requests are waiting for an answer");
    case XMPP_IQ_ERROR_CANCELLED:
      return _("The request was cancelled");
  }
  return _("Unknown error");
}

char *
xmpp_purple_stanza_error_text(const GError *error, XmppPurpleErrorContext context)
{
  if (error == NULL)
    return g_strdup(_("Unknown error"));
  if (error->domain == XMPP_STANZA_ERROR) {
    const XmppStanzaErrorInfo *info = xmpp_stanza_error_info_from_gerror(error);
    if (info != NULL)
      return xmpp_purple_stanza_error_info_text(info, context);
    /* No stanza error came: the core refused an answer itself (malformed, too large). Its
     * message is ours, not the peer's, and says which. */
    return compose(_("The answer could not be used"), error->message, FALSE);
  }
  if (error->domain == XMPP_IQ_ERROR)
    return g_strdup(iq_error_text(error->code));
  char *text = NULL;
  xmpp_purple_error_from_gerror(error, 0, &text);
  return text;
}
