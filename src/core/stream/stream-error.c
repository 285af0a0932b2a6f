/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream errors (RFC 6120 §4.9): names, parsing, building, see-other-host values. */
#include "stream/stream-error.h"

#include <stdlib.h>

#include "stream/namespaces.h"
#include "xml/parser.h"

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_stream_error_quark(void)
{
  return g_quark_from_static_string("xmpp-stream-error-quark");
}

static const char *const names[] = {
    [XMPP_STREAM_ERROR_BAD_FORMAT] = "bad-format",
    [XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX] = "bad-namespace-prefix",
    [XMPP_STREAM_ERROR_CONFLICT] = "conflict",
    [XMPP_STREAM_ERROR_CONNECTION_TIMEOUT] = "connection-timeout",
    [XMPP_STREAM_ERROR_HOST_GONE] = "host-gone",
    [XMPP_STREAM_ERROR_HOST_UNKNOWN] = "host-unknown",
    [XMPP_STREAM_ERROR_IMPROPER_ADDRESSING] = "improper-addressing",
    [XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR] = "internal-server-error",
    [XMPP_STREAM_ERROR_INVALID_FROM] = "invalid-from",
    [XMPP_STREAM_ERROR_INVALID_NAMESPACE] = "invalid-namespace",
    [XMPP_STREAM_ERROR_INVALID_XML] = "invalid-xml",
    [XMPP_STREAM_ERROR_NOT_AUTHORIZED] = "not-authorized",
    [XMPP_STREAM_ERROR_NOT_WELL_FORMED] = "not-well-formed",
    [XMPP_STREAM_ERROR_POLICY_VIOLATION] = "policy-violation",
    [XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED] = "remote-connection-failed",
    [XMPP_STREAM_ERROR_RESET] = "reset",
    [XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT] = "resource-constraint",
    [XMPP_STREAM_ERROR_RESTRICTED_XML] = "restricted-xml",
    [XMPP_STREAM_ERROR_SEE_OTHER_HOST] = "see-other-host",
    [XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN] = "system-shutdown",
    [XMPP_STREAM_ERROR_UNDEFINED_CONDITION] = "undefined-condition",
    [XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING] = "unsupported-encoding",
    [XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE] = "unsupported-feature",
    [XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE] = "unsupported-stanza-type",
    [XMPP_STREAM_ERROR_UNSUPPORTED_VERSION] = "unsupported-version",
};

const char *
xmpp_stream_error_condition_name(XmppStreamErrorCondition condition)
{
  if ((guint)condition >= G_N_ELEMENTS(names))
    return "undefined-condition";
  return names[condition];
}

XmppStreamErrorCondition
xmpp_stream_error_condition_from_name(const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS(names); i++) {
    if (strcmp(names[i], name) == 0)
      return (XmppStreamErrorCondition)i;
  }
  return XMPP_STREAM_ERROR_UNDEFINED_CONDITION;
}

/* Keeps at most max bytes, cut on a character boundary, and makes the text valid UTF-8. */
static char *
cap_text(char *text, gsize max)
{
  char *valid = g_utf8_make_valid(text, -1);
  g_free(text);
  if (strlen(valid) > max) {
    const char *end = g_utf8_find_prev_char(valid, valid + max + 1);
    valid[end != NULL ? end - valid : 0] = '\0';
  }
  return valid;
}

XmppStreamErrorInfo *
xmpp_stream_error_info_parse(const XmppNode *error)
{
  XmppStreamErrorInfo *info = g_new0(XmppStreamErrorInfo, 1);
  info->condition = XMPP_STREAM_ERROR_UNDEFINED_CONDITION;
  gboolean have_condition = FALSE;
  for (XmppNode *child = xmpp_node_get_child(error, XMPP_NS_STREAM_ERRORS, NULL); child != NULL;
       child = xmpp_node_next_child(error, child, XMPP_NS_STREAM_ERRORS, NULL)) {
    if (strcmp(child->name, "text") == 0) {
      if (info->text == NULL)
        info->text = cap_text(xmpp_node_dup_text(child), XMPP_STREAM_ERROR_MAX_TEXT);
    } else if (!have_condition) {
      have_condition = TRUE;
      info->condition = xmpp_stream_error_condition_from_name(child->name);
      if (info->condition == XMPP_STREAM_ERROR_SEE_OTHER_HOST) {
        char *value = g_strstrip(xmpp_node_dup_text(child));
        if (*value != '\0')
          info->see_other_host = cap_text(value, 1024);
        else
          g_free(value);
      }
    }
  }
  if (info->text != NULL && *info->text == '\0')
    g_clear_pointer(&info->text, g_free);
  return info;
}

void
xmpp_stream_error_info_free(XmppStreamErrorInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->text);
  g_free(info->see_other_host);
  g_free(info);
}

GError *
xmpp_stream_error_info_to_gerror(const XmppStreamErrorInfo *info)
{
  const char *name = xmpp_stream_error_condition_name(info->condition);
  if (info->text != NULL)
    return g_error_new(XMPP_STREAM_ERROR, info->condition, "%s: %s", name, info->text);
  return g_error_new_literal(XMPP_STREAM_ERROR, info->condition, name);
}

XmppNode *
xmpp_stream_error_new(XmppStreamErrorCondition condition)
{
  XmppNode *error = xmpp_node_new(XMPP_NS_STREAM, "error");
  xmpp_node_new_child(error, XMPP_NS_STREAM_ERRORS, xmpp_stream_error_condition_name(condition));
  return error;
}

XmppStreamErrorCondition
xmpp_stream_error_from_xml_error(int xml_error_code)
{
  switch ((XmppXmlError)xml_error_code) {
    case XMPP_XML_ERROR_RESTRICTED_XML:
      return XMPP_STREAM_ERROR_RESTRICTED_XML;
    case XMPP_XML_ERROR_POLICY_VIOLATION:
      return XMPP_STREAM_ERROR_POLICY_VIOLATION;
    case XMPP_XML_ERROR_INVALID_NAMESPACE:
      return XMPP_STREAM_ERROR_INVALID_NAMESPACE;
    case XMPP_XML_ERROR_BAD_NAMESPACE_PREFIX:
      return XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX;
    case XMPP_XML_ERROR_UNSUPPORTED_ENCODING:
      return XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING;
    case XMPP_XML_ERROR_UNSUPPORTED_VERSION:
      return XMPP_STREAM_ERROR_UNSUPPORTED_VERSION;
    case XMPP_XML_ERROR_NOT_WELL_FORMED:
    default:
      return XMPP_STREAM_ERROR_NOT_WELL_FORMED;
  }
}

gboolean
xmpp_stream_error_split_host(const char *value, char **host, guint *port)
{
  g_return_val_if_fail(host != NULL && port != NULL, FALSE);
  *host = NULL;
  *port = 0;
  if (value == NULL || *value == '\0')
    return FALSE;
  const char *port_part = NULL;
  if (value[0] == '[') {
    const char *close = strchr(value, ']');
    if (close == NULL || close == value + 1)
      return FALSE;
    *host = g_strndup(value + 1, close - value - 1);
    if (close[1] == ':')
      port_part = close + 2;
    else if (close[1] != '\0')
      goto bad;
  } else {
    const char *colon = strchr(value, ':');
    if (colon != NULL && strchr(colon + 1, ':') != NULL)
      return FALSE; /* a bare IPv6 address must be bracketed */
    *host = colon ? g_strndup(value, colon - value) : g_strdup(value);
    if (colon != NULL)
      port_part = colon + 1;
  }
  if (**host == '\0')
    goto bad;
  for (const char *p = *host; *p; p++) {
    if (g_ascii_isspace(*p) || *p == '/' || *p == '@')
      goto bad;
  }
  if (port_part != NULL) {
    char *end = NULL;
    guint64 number = g_ascii_strtoull(port_part, &end, 10);
    if (*port_part == '\0' || end == NULL || *end != '\0' || number == 0 || number > 65535)
      goto bad;
    *port = (guint)number;
  }
  return TRUE;
bad:
  g_clear_pointer(host, g_free);
  *port = 0;
  return FALSE;
}
