/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stanza errors (RFC 6120 §8.3): condition names, received errors, error replies. */
#include "router/stanza-error.h"

#include <string.h>

#include "jid/jid.h"
#include "router/namespaces.h"

/* XMPP_STANZA_ERROR is an extended GError domain (GLib 2.68): each GError carries this before
 * it, allocated, copied and freed by GLib with the GError. */
typedef struct {
  XmppStanzaErrorInfo *info; /* NULL for errors the core made itself */
} StanzaErrorPrivate;

/* GLib keeps an extended error's private data right before the GError, its size rounded up to
 * twice the size of a gsize (the layout G_DEFINE_EXTENDED_ERROR's get_private relies on). Not
 * G_DEFINE_EXTENDED_ERROR itself: it names the domain after a C identifier, and the domain has
 * been called "xmpp-stanza-error-quark" from the start. */
static StanzaErrorPrivate *
stanza_error_private(const GError *error)
{
  const gsize unit = 2 * sizeof(gsize);
  const gsize size = (sizeof(StanzaErrorPrivate) + unit - 1) / unit * unit;
  return (StanzaErrorPrivate *)(void *)((guint8 *)error - size);
}

static void
private_init(GError *error)
{
  stanza_error_private(error)->info = NULL;
}

static void
private_copy(const GError *src, GError *dest)
{
  stanza_error_private(dest)->info = xmpp_stanza_error_info_copy(stanza_error_private(src)->info);
}

static void
private_clear(GError *error)
{
  StanzaErrorPrivate *priv = stanza_error_private(error);
  g_clear_pointer(&priv->info, xmpp_stanza_error_info_free);
}

GQuark
xmpp_stanza_error_quark(void)
{
  static GQuark quark;
  static gsize registered = 0;
  if (g_once_init_enter(&registered)) {
    /* Not _static: the name is copied, so nothing points into the plugin once it is unloaded. */
    quark = g_error_domain_register("xmpp-stanza-error-quark", sizeof(StanzaErrorPrivate),
                                    private_init, private_copy, private_clear);
    g_once_init_leave(&registered, 1);
  }
  return quark;
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

static const char *const type_names[] = {
    [XMPP_STANZA_ERROR_TYPE_CANCEL] = "cancel", [XMPP_STANZA_ERROR_TYPE_CONTINUE] = "continue",
    [XMPP_STANZA_ERROR_TYPE_MODIFY] = "modify", [XMPP_STANZA_ERROR_TYPE_AUTH] = "auth",
    [XMPP_STANZA_ERROR_TYPE_WAIT] = "wait",
};

const char *
xmpp_stanza_error_type_name(XmppStanzaErrorType type)
{
  if ((guint)type >= G_N_ELEMENTS(type_names))
    return "cancel";
  return type_names[type];
}

gboolean
xmpp_stanza_error_type_from_name(const char *name, XmppStanzaErrorType *type)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(type_names); i++) {
    if (strcmp(type_names[i], name) == 0) {
      *type = (XmppStanzaErrorType)i;
      return TRUE;
    }
  }
  return FALSE;
}

/* Valid UTF-8, blanks around removed, at most max bytes cut on a character boundary (T12/T33:
 * what a peer can make us show or log); NULL when nothing is left. Takes text. */
static char *
clean_text(char *text, gsize max)
{
  if (text == NULL)
    return NULL;
  char *valid = g_utf8_make_valid(text, -1);
  g_free(text);
  g_strstrip(valid);
  if (strlen(valid) > max) {
    const char *end = g_utf8_find_prev_char(valid, valid + max + 1);
    valid[end != NULL ? end - valid : 0] = '\0';
  }
  if (*valid == '\0')
    g_clear_pointer(&valid, g_free);
  return valid;
}

XmppStanzaErrorInfo *
xmpp_stanza_error_info_parse(const XmppNode *stanza)
{
  XmppStanzaErrorInfo *info = g_new0(XmppStanzaErrorInfo, 1);
  info->condition = XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
  XmppNode *error =
      stanza != NULL ? xmpp_node_get_child(stanza, XMPP_NS_JABBER_CLIENT, "error") : NULL;
  gboolean have_text = FALSE;
  for (XmppNode *child = error != NULL ? xmpp_node_first_element(error) : NULL; child != NULL;
       child = xmpp_node_next_child(error, child, NULL, NULL)) {
    if (strcmp(child->ns, XMPP_NS_STANZA_ERRORS) != 0) {
      /* §8.3.4: at most one application-specific condition; the first is kept. */
      if (info->app_name == NULL && strlen(child->ns) <= XMPP_STANZA_ERROR_MAX_APP_NAME &&
          strlen(child->name) <= XMPP_STANZA_ERROR_MAX_APP_NAME) {
        info->app_ns = g_strdup(child->ns);
        info->app_name = g_strdup(child->name);
      }
    } else if (strcmp(child->name, "text") == 0) {
      if (!have_text) {
        have_text = TRUE;
        info->text = clean_text(xmpp_node_dup_text(child), XMPP_STANZA_ERROR_MAX_TEXT);
      }
    } else if (info->condition == XMPP_STANZA_ERROR_UNDEFINED_CONDITION) {
      /* The first defined condition wins; an unknown name leaves room for a known one. */
      info->condition = xmpp_stanza_error_condition_from_name(child->name);
    }
  }
  const char *type = error != NULL ? xmpp_node_get_attr(error, "type") : NULL;
  if (!xmpp_stanza_error_type_from_name(type, &info->type))
    xmpp_stanza_error_type_from_name(xmpp_stanza_error_default_type(info->condition), &info->type);
  const char *by = error != NULL ? xmpp_node_get_attr(error, "by") : NULL;
  if (by != NULL && strlen(by) <= XMPP_STANZA_ERROR_MAX_APP_NAME)
    info->by = xmpp_jid_normalize(by);
  return info;
}

XmppStanzaErrorInfo *
xmpp_stanza_error_info_copy(const XmppStanzaErrorInfo *info)
{
  if (info == NULL)
    return NULL;
  XmppStanzaErrorInfo *copy = g_new0(XmppStanzaErrorInfo, 1);
  copy->condition = info->condition;
  copy->type = info->type;
  copy->text = g_strdup(info->text);
  copy->by = g_strdup(info->by);
  copy->app_ns = g_strdup(info->app_ns);
  copy->app_name = g_strdup(info->app_name);
  return copy;
}

void
xmpp_stanza_error_info_free(XmppStanzaErrorInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->text);
  g_free(info->by);
  g_free(info->app_ns);
  g_free(info->app_name);
  g_free(info);
}

GError *
xmpp_stanza_error_info_to_gerror(const XmppStanzaErrorInfo *info)
{
  g_return_val_if_fail(info != NULL, NULL);
  const char *name = xmpp_stanza_error_condition_name(info->condition);
  GError *error =
      info->text != NULL
          ? g_error_new(XMPP_STANZA_ERROR, (gint)info->condition, "%s (%s)", name, info->text)
          : g_error_new_literal(XMPP_STANZA_ERROR, (gint)info->condition, name);
  stanza_error_private(error)->info = xmpp_stanza_error_info_copy(info);
  return error;
}

const XmppStanzaErrorInfo *
xmpp_stanza_error_info_from_gerror(const GError *error)
{
  if (error == NULL || error->domain != XMPP_STANZA_ERROR)
    return NULL;
  return stanza_error_private(error)->info;
}

GError *
xmpp_stanza_error_from_stanza(const XmppStanza *stanza)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  g_autoptr(XmppStanzaErrorInfo) info = xmpp_stanza_error_info_parse(stanza->node);
  return xmpp_stanza_error_info_to_gerror(info);
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
