/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRegistration: XEP-0077 requests built and parsed as pure functions, sent through the
 * router to the account's server. */
#include "services/register.h"

#include "router/closure.h"

#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppRegistration {
  XmppRouter *router;
  const XmppHost *host;
};

/* ---- pure parts ---- */

XmppRegisterRequest *
xmpp_register_request_parse(const XmppNode *iq, GError **error)
{
  XmppNode *query = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_REGISTER, "query") : NULL;
  if (query == NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                "no registration query in the reply");
    return NULL;
  }
  g_autoptr(XmppRegisterRequest) req = g_new0(XmppRegisterRequest, 1);
  req->registered = xmpp_node_get_child(query, XMPP_NS_REGISTER, "registered") != NULL;
  XmppNode *oob = xmpp_node_get_child(query, XMPP_NS_OOB, "x");
  if (oob != NULL)
    req->oob_url = xmpp_node_dup_child_text(oob, XMPP_NS_OOB, "url");
  XmppNode *x = xmpp_node_get_child(query, XMPP_NS_XDATA, "x");
  /* XEP-0077 §6: a data form, when offered, replaces the legacy fields. */
  if (x != NULL) {
    req->form = xmpp_xdata_form_parse(x, iq, error);
    if (req->form == NULL)
      return NULL;
    return g_steal_pointer(&req);
  }
  static const char *const skip[] = {"registered", "remove", "key", NULL};
  req->form = xmpp_xdata_form_from_legacy(query, skip);
  if (req->form->fields->len == 0 && req->oob_url == NULL && !req->registered) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                "the registration form has no fields");
    return NULL;
  }
  /* The key (XEP-0077 §3.1, obsolete) is echoed back as a hidden field. */
  g_autofree char *key = xmpp_node_dup_child_text(query, XMPP_NS_REGISTER, "key");
  if (key != NULL) {
    XmppXdataField *f = xmpp_xdata_field_new(XMPP_XDATA_FIELD_HIDDEN, "key", NULL);
    xmpp_xdata_field_set_value(f, key);
    g_ptr_array_add(req->form->fields, f);
  }
  return g_steal_pointer(&req);
}

void
xmpp_register_request_free(XmppRegisterRequest *req)
{
  if (req == NULL)
    return;
  xmpp_xdata_form_free(req->form);
  g_free(req->oob_url);
  g_free(req);
}

void
xmpp_register_request_prefill(XmppRegisterRequest *req, const char *username, const char *password)
{
  XmppXdataField *f = xmpp_xdata_form_get_field(req->form, "username");
  if (f != NULL && username != NULL && xmpp_xdata_field_get_value(f) == NULL)
    xmpp_xdata_field_set_value(f, username);
  f = xmpp_xdata_form_get_field(req->form, "password");
  if (f != NULL && password != NULL && *password != '\0' && xmpp_xdata_field_get_value(f) == NULL)
    xmpp_xdata_field_set_value(f, password);
}

static XmppNode *
new_query(const char *type, const char *to, XmppNode **query)
{
  XmppNode *iq = xmpp_stanza_new_iq(type, to, NULL);
  *query = xmpp_node_new_child(iq, XMPP_NS_REGISTER, "query");
  return iq;
}

XmppNode *
xmpp_register_build_get(const char *to)
{
  XmppNode *query;
  return new_query("get", to, &query);
}

XmppNode *
xmpp_register_build_submit(const char *to, const XmppXdataForm *form)
{
  XmppNode *query;
  XmppNode *iq = new_query("set", to, &query);
  if (form->legacy)
    xmpp_xdata_form_to_legacy(form, query);
  else
    xmpp_node_add_child(query, xmpp_xdata_form_build_submit(form));
  return iq;
}

XmppNode *
xmpp_register_build_password(const char *to, const char *username, const char *password)
{
  XmppNode *query;
  XmppNode *iq = new_query("set", to, &query);
  xmpp_node_new_text_child(query, XMPP_NS_REGISTER, "username", username);
  xmpp_node_new_text_child(query, XMPP_NS_REGISTER, "password", password);
  return iq;
}

XmppNode *
xmpp_register_build_remove(const char *to)
{
  XmppNode *query;
  XmppNode *iq = new_query("set", to, &query);
  xmpp_node_new_child(query, XMPP_NS_REGISTER, "remove");
  return iq;
}

/* ---- requests ---- */

XmppRegistration *
xmpp_registration_new(XmppRouter *router, const XmppHost *host)
{
  XmppRegistration *self = g_new0(XmppRegistration, 1);
  self->router = router;
  self->host = host;
  /* No handler: we never answer registration requests, the router refuses them. */
  return self;
}

void
xmpp_registration_free(XmppRegistration *self)
{
  if (self == NULL)
    return;
  xmpp_router_cancel_owner(self->router, self); /* our requests end while we are whole */
  g_free(self);
}

static const char *
server(XmppRegistration *self)
{
  const XmppJid *own = xmpp_router_get_own_jid(self->router);
  return own != NULL ? xmpp_jid_get_domain(own) : NULL;
}

static void
form_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *p = data;
  XmppRegisterFormCallback cb = (XmppRegisterFormCallback)p->callback;
  if (error != NULL) {
    cb(NULL, error, p->user_data);
    return;
  }
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppRegisterRequest) req = xmpp_register_request_parse(reply->node, &parse_error);
  cb(req, parse_error, p->user_data);
}

static void
done_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *p = data;
  ((XmppRegisterDoneCallback)p->callback)(error, p->user_data);
}

void
xmpp_registration_fetch(XmppRegistration *self, XmppRegisterFormCallback cb, gpointer user_data,
                        GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && cb != NULL);
  xmpp_router_send_iq(self->router, self, xmpp_register_build_get(server(self)), 0, form_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}

static void
send_done(XmppRegistration *self, XmppNode *iq, XmppRegisterDoneCallback cb, gpointer user_data,
          GDestroyNotify destroy)
{
  xmpp_router_send_iq(self->router, self, iq, 0, done_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}

void
xmpp_registration_submit(XmppRegistration *self, const XmppXdataForm *form,
                         XmppRegisterDoneCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && form != NULL && cb != NULL);
  send_done(self, xmpp_register_build_submit(server(self), form), cb, user_data, destroy);
}

void
xmpp_registration_change_password(XmppRegistration *self, const char *password,
                                  XmppRegisterDoneCallback cb, gpointer user_data,
                                  GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && password != NULL && cb != NULL);
  const XmppJid *own = xmpp_router_get_own_jid(self->router);
  send_done(
      self,
      xmpp_register_build_password(server(self), own ? xmpp_jid_get_local(own) : NULL, password),
      cb, user_data, destroy);
}

void
xmpp_registration_remove(XmppRegistration *self, XmppRegisterDoneCallback cb, gpointer user_data,
                         GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && cb != NULL);
  send_done(self, xmpp_register_build_remove(server(self)), cb, user_data, destroy);
}
