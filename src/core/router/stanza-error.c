/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stanza errors (RFC 6120 §8.3): condition names, received errors, error replies. */
#include "router/stanza-error.h"

#include "router/namespaces.h"

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_stanza_error_quark(void)
{
  return g_quark_from_static_string("xmpp-stanza-error-quark");
}

static const struct {
  const char *name;
  const char *type;
} conditions[] = {
    [XMPP_STANZA_ERROR_BAD_REQUEST] = {"bad-request", "modify"},
    [XMPP_STANZA_ERROR_CONFLICT] = {"conflict", "cancel"},
    [XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED] = {"feature-not-implemented", "cancel"},
    [XMPP_STANZA_ERROR_FORBIDDEN] = {"forbidden", "auth"},
    [XMPP_STANZA_ERROR_GONE] = {"gone", "cancel"},
    [XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR] = {"internal-server-error", "cancel"},
    [XMPP_STANZA_ERROR_ITEM_NOT_FOUND] = {"item-not-found", "cancel"},
    [XMPP_STANZA_ERROR_JID_MALFORMED] = {"jid-malformed", "modify"},
    [XMPP_STANZA_ERROR_NOT_ACCEPTABLE] = {"not-acceptable", "modify"},
    [XMPP_STANZA_ERROR_NOT_ALLOWED] = {"not-allowed", "cancel"},
    [XMPP_STANZA_ERROR_NOT_AUTHORIZED] = {"not-authorized", "auth"},
    [XMPP_STANZA_ERROR_POLICY_VIOLATION] = {"policy-violation", "modify"},
    [XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE] = {"recipient-unavailable", "wait"},
    [XMPP_STANZA_ERROR_REDIRECT] = {"redirect", "modify"},
    [XMPP_STANZA_ERROR_REGISTRATION_REQUIRED] = {"registration-required", "auth"},
    [XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND] = {"remote-server-not-found", "cancel"},
    [XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT] = {"remote-server-timeout", "wait"},
    [XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT] = {"resource-constraint", "wait"},
    [XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE] = {"service-unavailable", "cancel"},
    [XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED] = {"subscription-required", "auth"},
    [XMPP_STANZA_ERROR_UNDEFINED_CONDITION] = {"undefined-condition", "cancel"},
    [XMPP_STANZA_ERROR_UNEXPECTED_REQUEST] = {"unexpected-request", "wait"},
};

const char *
xmpp_stanza_error_condition_name(XmppStanzaErrorCondition condition)
{
  if ((guint)condition >= G_N_ELEMENTS(conditions))
    return "undefined-condition";
  return conditions[condition].name;
}

XmppStanzaErrorCondition
xmpp_stanza_error_condition_from_name(const char *name)
{
  if (name != NULL) {
    for (guint i = 0; i <= XMPP_STANZA_ERROR_UNEXPECTED_REQUEST; i++) {
      if (strcmp(conditions[i].name, name) == 0)
        return (XmppStanzaErrorCondition)i;
    }
  }
  return XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
}

const char *
xmpp_stanza_error_default_type(XmppStanzaErrorCondition condition)
{
  if ((guint)condition >= G_N_ELEMENTS(conditions))
    return "cancel";
  return conditions[condition].type;
}

GError *
xmpp_stanza_error_from_stanza(const XmppStanza *stanza)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  XmppNode *error = xmpp_node_get_child(stanza->node, XMPP_NS_JABBER_CLIENT, "error");
  XmppStanzaErrorCondition condition = XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
  char *text = NULL;
  if (error != NULL) {
    /* The condition is the first child in the stanzas namespace other than <text/>. */
    for (XmppNode *child = xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, NULL); child != NULL;
         child = xmpp_node_next_child(error, child, XMPP_NS_STANZA_ERRORS, NULL)) {
      if (strcmp(child->name, "text") == 0) {
        if (text == NULL)
          text = xmpp_node_dup_text(child);
      } else if (condition == XMPP_STANZA_ERROR_UNDEFINED_CONDITION) {
        condition = xmpp_stanza_error_condition_from_name(child->name);
      }
    }
  }
  if (text != NULL && strlen(text) > XMPP_STANZA_ERROR_MAX_TEXT) {
    /* Cap what a peer can make us show or log (T12/T33), without cutting a UTF-8 sequence. */
    const char *end = g_utf8_find_prev_char(text, text + XMPP_STANZA_ERROR_MAX_TEXT + 1);
    text[end != NULL ? end - text : 0] = '\0';
  }
  GError *gerror;
  if (text != NULL && *text != '\0')
    gerror = g_error_new(XMPP_STANZA_ERROR, condition, "%s (%s)",
                         xmpp_stanza_error_condition_name(condition), text);
  else
    gerror = g_error_new_literal(XMPP_STANZA_ERROR, condition,
                                 xmpp_stanza_error_condition_name(condition));
  g_free(text);
  return gerror;
}

XmppNode *
xmpp_stanza_error_new_reply(const XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  const char *name = stanza->node->name != NULL ? stanza->node->name : "iq";
  XmppNode *reply = xmpp_node_new(XMPP_NS_JABBER_CLIENT, name);
  xmpp_node_set_attr(reply, "type", "error");
  const char *from = xmpp_node_get_attr(stanza->node, "from");
  if (from != NULL)
    xmpp_node_set_attr(reply, "to", from);
  if (stanza->id != NULL)
    xmpp_node_set_attr(reply, "id", stanza->id);
  XmppNode *error = xmpp_node_new_child(reply, XMPP_NS_JABBER_CLIENT, "error");
  xmpp_node_set_attr(error, "type", xmpp_stanza_error_default_type(condition));
  xmpp_node_new_child(error, XMPP_NS_STANZA_ERRORS, xmpp_stanza_error_condition_name(condition));
  return reply;
}
