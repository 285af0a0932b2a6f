/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing <stream:features/> into XmppStreamFeatures. */
#include "stream/features.h"

#include "stream/namespaces.h"
#include "stream/channel-binding.h"

/* RFC 4422 §3.1: mechanism names are 1..20 characters of [A-Z0-9-_]. */
static gboolean
mechanism_name_ok(const char *name)
{
  gsize len = strlen(name);
  if (len == 0 || len > 20)
    return FALSE;
  for (const char *p = name; *p; p++) {
    if (!(g_ascii_isupper(*p) || g_ascii_isdigit(*p) || *p == '-' || *p == '_'))
      return FALSE;
  }
  return TRUE;
}

static guint
channel_binding_bit(const char *type)
{
  if (g_strcmp0(type, "tls-unique") == 0)
    return XMPP_CB_TLS_UNIQUE;
  if (g_strcmp0(type, "tls-server-end-point") == 0)
    return XMPP_CB_TLS_SERVER_END_POINT;
  if (g_strcmp0(type, "tls-exporter") == 0)
    return XMPP_CB_TLS_EXPORTER;
  return 0;
}

XmppStreamFeatures *
xmpp_stream_features_parse(const XmppNode *node)
{
  XmppStreamFeatures *features = g_new0(XmppStreamFeatures, 1);
  GPtrArray *mechanisms = g_ptr_array_new();
  XmppNode *tls = xmpp_node_get_child(node, XMPP_NS_TLS, "starttls");
  if (tls != NULL) {
    features->starttls = TRUE;
    features->starttls_required = xmpp_node_get_child(tls, XMPP_NS_TLS, "required") != NULL;
  }
  XmppNode *mechs = xmpp_node_get_child(node, XMPP_NS_SASL, "mechanisms");
  for (XmppNode *m = mechs ? xmpp_node_get_child(mechs, XMPP_NS_SASL, "mechanism") : NULL;
       m != NULL && mechanisms->len < XMPP_FEATURES_MAX_MECHANISMS;
       m = xmpp_node_next_child(mechs, m, XMPP_NS_SASL, "mechanism")) {
    char *name = g_strstrip(xmpp_node_dup_text(m));
    if (mechanism_name_ok(name))
      g_ptr_array_add(mechanisms, name);
    else
      g_free(name);
  }
  g_ptr_array_add(mechanisms, NULL);
  features->mechanisms = (char **)g_ptr_array_free(mechanisms, FALSE);
  /* XEP-0440 §2 puts it next to <mechanisms/>; some servers put it inside: accept both. */
  XmppNode *cb = xmpp_node_get_child(node, XMPP_NS_SASL_CB, "sasl-channel-binding");
  if (cb == NULL && mechs != NULL)
    cb = xmpp_node_get_child(mechs, XMPP_NS_SASL_CB, "sasl-channel-binding");
  for (XmppNode *c = cb ? xmpp_node_get_child(cb, XMPP_NS_SASL_CB, "channel-binding") : NULL;
       c != NULL; c = xmpp_node_next_child(cb, c, XMPP_NS_SASL_CB, "channel-binding"))
    features->cb_types |= channel_binding_bit(xmpp_node_get_attr(c, "type"));
  features->bind = xmpp_node_get_child(node, XMPP_NS_BIND, "bind") != NULL;
  XmppNode *session = xmpp_node_get_child(node, XMPP_NS_SESSION, "session");
  if (session != NULL) {
    features->session = TRUE;
    features->session_optional = xmpp_node_get_child(session, XMPP_NS_SESSION, "optional") != NULL;
  }
  features->legacy_auth = xmpp_node_get_child(node, XMPP_NS_IQ_AUTH_FEATURE, "auth") != NULL;
  features->sm = xmpp_node_get_child(node, XMPP_NS_SM, "sm") != NULL;
  features->csi = xmpp_node_get_child(node, XMPP_NS_CSI, "csi") != NULL;
  features->roster_ver = xmpp_node_get_child(node, XMPP_NS_ROSTER_VER, "ver") != NULL;
  features->pre_approval = xmpp_node_get_child(node, XMPP_NS_PRE_APPROVAL, "sub") != NULL;
  features->register_ = xmpp_node_get_child(node, XMPP_NS_REGISTER_FEATURE, "register") != NULL;
  return features;
}

void
xmpp_stream_features_free(XmppStreamFeatures *features)
{
  if (features == NULL)
    return;
  g_strfreev(features->mechanisms);
  g_free(features);
}

gboolean
xmpp_stream_features_has_mechanism(const XmppStreamFeatures *features, const char *name)
{
  return g_strv_contains((const char *const *)features->mechanisms, name);
}
