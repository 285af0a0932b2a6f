/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSiFiles (si-file.h): XEP-0096 offers both ways, with SOCKS5 bytestreams or IBB as the
 * stream method. */
#include "services/si-file.h"

#include <string.h>

#include "jid/jid.h"
#include "router/stanza-error.h"
#include "router/stanza.h"
#include "services/xdata.h"

typedef struct {
  guint handle;
  XmppStanza *request; /* kept for the answer */
  char *from;
  char *sid;
  gboolean bytestreams; /* the sender offers them */
  gboolean ibb;         /* and in-band */
} Pending;

struct _XmppSiFiles {
  XmppRouter *router;
  const XmppHost *host;
  XmppIbb *ibb;
  XmppBytestreams *bytestreams;
  guint handler;
  GPtrArray *offers; /* Pending*: offers to us, waiting for the user */
  guint next_handle;
  XmppSiOffered offered;
  gpointer offered_data;
};

typedef struct {
  XmppSiAnswered answered;
  gpointer data;
  GDestroyNotify destroy;
} Asked;

static void
pending_free(gpointer data)
{
  Pending *p = data;
  xmpp_stanza_free(p->request);
  g_free(p->from);
  g_free(p->sid);
  g_free(p);
}

static void
send_error(XmppSiFiles *si, const XmppStanza *request, XmppStanzaErrorCondition condition,
           const char *si_condition, const char *text)
{
  XmppNode *answer = xmpp_stanza_error_new_reply(request, condition);
  XmppNode *error = xmpp_node_get_child(answer, NULL, "error");
  if (error != NULL && si_condition != NULL)
    xmpp_node_new_child(error, XMPP_NS_SI, si_condition);
  if (error != NULL && text != NULL)
    xmpp_node_new_text_child(error, "urn:ietf:params:xml:ns:xmpp-stanzas", "text", text);
  xmpp_router_send(si->router, answer);
  xmpp_node_free(answer);
}

/* Does the stream-method field (the offer's options, or the answer's value) list method? */
static gboolean
lists_method(const XmppNode *si_node, const char *method)
{
  const XmppNode *feature = xmpp_node_get_child(si_node, XMPP_NS_FEATURE_NEG, "feature");
  const XmppNode *x = feature != NULL ? xmpp_node_get_child(feature, "jabber:x:data", "x") : NULL;
  g_autoptr(XmppXdataForm) form = x != NULL ? xmpp_xdata_form_parse(x, NULL, NULL) : NULL;
  XmppXdataField *f = form != NULL ? xmpp_xdata_form_get_field(form, "stream-method") : NULL;
  for (guint i = 0; f != NULL && i < f->options->len; i++)
    if (g_strcmp0(((XmppXdataOption *)f->options->pdata[i])->value, method) == 0)
      return TRUE;
  for (guint i = 0; f != NULL && i < f->values->len; i++)
    if (g_strcmp0(f->values->pdata[i], method) == 0)
      return TRUE;
  return FALSE;
}

static XmppHandlerResult
on_offer(XmppStanza *stanza, gpointer user_data)
{
  XmppSiFiles *si = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS;
  const XmppNode *node = xmpp_stanza_get_payload(stanza);
  const XmppNode *file = xmpp_node_get_child(node, XMPP_NS_SI_FILE, "file");
  const char *sid = xmpp_node_get_attr(node, "id");
  const char *name = file != NULL ? xmpp_node_get_attr(file, "name") : NULL;
  const char *size_text = file != NULL ? xmpp_node_get_attr(file, "size") : NULL;
  guint64 size = 0;
  if (g_strcmp0(xmpp_node_get_attr(node, "profile"), XMPP_NS_SI_FILE) != 0) {
    send_error(si, stanza, XMPP_STANZA_ERROR_BAD_REQUEST, "bad-profile", NULL);
    return XMPP_HANDLER_CONSUMED;
  }
  if (stanza->from == NULL || xmpp_jid_get_resource(stanza->from) == NULL || sid == NULL ||
      *sid == '\0' || strlen(sid) > XMPP_SI_MAX_SID || name == NULL || *name == '\0' ||
      size_text == NULL || !g_ascii_string_to_unsigned(size_text, 10, 0, G_MAXINT64, &size, NULL)) {
    send_error(si, stanza, XMPP_STANZA_ERROR_BAD_REQUEST, NULL, NULL);
    return XMPP_HANDLER_CONSUMED;
  }
  gboolean bytestreams = lists_method(node, XMPP_NS_BYTESTREAMS);
  gboolean ibb = lists_method(node, XMPP_NS_IBB);
  if (!bytestreams && !ibb) {
    send_error(si, stanza, XMPP_STANZA_ERROR_BAD_REQUEST, "no-valid-streams", NULL);
    return XMPP_HANDLER_CONSUMED;
  }
  if (si->offers->len >= XMPP_SI_MAX_OFFERS || si->offered == NULL) {
    send_error(si, stanza, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT, NULL, NULL);
    return XMPP_HANDLER_CONSUMED;
  }
  Pending *p = g_new0(Pending, 1);
  p->handle = ++si->next_handle;
  p->request = xmpp_stanza_new(xmpp_node_copy(stanza->node));
  p->from = g_strdup(xmpp_jid_get_full(stanza->from));
  p->sid = g_strdup(sid);
  p->bytestreams = bytestreams;
  p->ibb = ibb;
  g_ptr_array_add(si->offers, p);
  g_autofree char *desc =
      file != NULL ? xmpp_node_dup_child_text(file, XMPP_NS_SI_FILE, "desc") : NULL;
  XmppSiOffer offer = {p->handle, p->from, p->sid, name, size, desc};
  si->offered(si->offered_data, &offer);
  return XMPP_HANDLER_CONSUMED;
}

static Pending *
take(XmppSiFiles *si, guint handle)
{
  for (guint i = 0; i < si->offers->len; i++) {
    Pending *p = si->offers->pdata[i];
    if (p->handle == handle)
      return g_ptr_array_steal_index(si->offers, i);
  }
  return NULL;
}

XmppIbbStream *
xmpp_si_accept(XmppSiFiles *si, guint handle, const XmppIbbEvents *events,
               XmppBytestreamsOffered hosts_offered, gpointer data, guint *bytestream)
{
  g_return_val_if_fail(si != NULL && events != NULL && bytestream != NULL, NULL);
  *bytestream = 0;
  Pending *p = take(si, handle);
  if (p == NULL)
    return NULL;
  XmppIbbStream *stream = xmpp_ibb_expect(si->ibb, p->from, p->sid, events, data);
  if (stream != NULL && p->bytestreams && hosts_offered != NULL) {
    *bytestream = xmpp_bytestreams_expect(si->bytestreams, p->from, p->sid, hosts_offered, data);
    /* Too many expected: in-band alone (the sender offered it too, or it refuses). */
  }
  if (stream == NULL || (*bytestream == 0 && !p->ibb)) {
    if (stream != NULL)
      xmpp_ibb_close(stream, TRUE); /* only expected: nothing is sent */
    send_error(si, p->request, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT, NULL, NULL);
    pending_free(p);
    return NULL;
  }
  XmppNode *answer = xmpp_stanza_new_iq_result(p->request);
  XmppNode *node = xmpp_node_new_child(answer, XMPP_NS_SI, "si");
  XmppNode *feature = xmpp_node_new_child(node, XMPP_NS_FEATURE_NEG, "feature");
  XmppNode *x = xmpp_node_new_child(feature, "jabber:x:data", "x");
  xmpp_node_set_attr(x, "type", "submit");
  XmppNode *field = xmpp_node_new_child(x, "jabber:x:data", "field");
  xmpp_node_set_attr(field, "var", "stream-method");
  xmpp_node_new_text_child(field, "jabber:x:data", "value",
                           *bytestream != 0 ? XMPP_NS_BYTESTREAMS : XMPP_NS_IBB);
  xmpp_router_send(si->router, answer);
  xmpp_node_free(answer);
  pending_free(p);
  return stream;
}

void
xmpp_si_decline(XmppSiFiles *si, guint handle)
{
  g_return_if_fail(si != NULL);
  Pending *p = take(si, handle);
  if (p == NULL)
    return;
  send_error(si, p->request, XMPP_STANZA_ERROR_FORBIDDEN, NULL, "Offer Declined");
  pending_free(p);
}

/* ---- our offers ------------------------------------------------------------------------------ */

static void
asked_free(gpointer data)
{
  Asked *a = data;
  if (a->destroy != NULL)
    a->destroy(a->data);
  g_free(a);
}

static void
on_answer(const XmppStanza *reply, const GError *error, gpointer data)
{
  Asked *a = data;
  if (error != NULL) {
    a->answered(a->data, XMPP_SI_IBB, error);
    return;
  }
  const XmppNode *node = xmpp_stanza_get_payload(reply);
  gboolean si_answer = node != NULL && g_strcmp0(node->ns, XMPP_NS_SI) == 0;
  if (si_answer && lists_method(node, XMPP_NS_BYTESTREAMS)) {
    a->answered(a->data, XMPP_SI_BYTESTREAMS, NULL);
  } else if (si_answer && lists_method(node, XMPP_NS_IBB)) {
    a->answered(a->data, XMPP_SI_IBB, NULL);
  } else {
    g_autoptr(GError) e = g_error_new(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                                      "the receiver chose no stream we can open");
    a->answered(a->data, XMPP_SI_IBB, e);
  }
}

gboolean
xmpp_si_offer(XmppSiFiles *si, const char *peer, const char *name, guint64 size, char **sid,
              XmppSiAnswered answered, gpointer data, GDestroyNotify destroy)
{
  g_return_val_if_fail(si != NULL && name != NULL && sid != NULL && answered != NULL, FALSE);
  g_autoptr(XmppJid) jid = peer != NULL ? xmpp_jid_parse(peer, NULL) : NULL;
  g_autofree char *id = xmpp_host_random_id(si->host);
  if (jid == NULL || xmpp_jid_get_resource(jid) == NULL || id == NULL)
    return FALSE;
  XmppNode *iq = xmpp_stanza_new_iq("set", xmpp_jid_get_full(jid), NULL);
  XmppNode *node = xmpp_node_new_child(iq, XMPP_NS_SI, "si");
  xmpp_node_set_attr(node, "id", id);
  xmpp_node_set_attr(node, "profile", XMPP_NS_SI_FILE);
  xmpp_node_set_attr(node, "mime-type", "application/octet-stream");
  XmppNode *file = xmpp_node_new_child(node, XMPP_NS_SI_FILE, "file");
  xmpp_node_set_attr(file, "name", name);
  g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, size);
  xmpp_node_set_attr(file, "size", bytes);
  XmppNode *feature = xmpp_node_new_child(node, XMPP_NS_FEATURE_NEG, "feature");
  XmppNode *x = xmpp_node_new_child(feature, "jabber:x:data", "x");
  xmpp_node_set_attr(x, "type", "form");
  XmppNode *field = xmpp_node_new_child(x, "jabber:x:data", "field");
  xmpp_node_set_attr(field, "var", "stream-method");
  xmpp_node_set_attr(field, "type", "list-single");
  /* SOCKS5 first: the faster, when the receiver can reach a host. */
  const char *methods[] = {XMPP_NS_BYTESTREAMS, XMPP_NS_IBB};
  for (guint i = 0; i < G_N_ELEMENTS(methods); i++) {
    XmppNode *option = xmpp_node_new_child(field, "jabber:x:data", "option");
    xmpp_node_new_text_child(option, "jabber:x:data", "value", methods[i]);
  }
  Asked *a = g_new0(Asked, 1);
  *a = (Asked){answered, data, destroy};
  *sid = g_strdup(id);
  /* The user answers this one: minutes, not the router's default. */
  xmpp_router_send_iq(si->router, si, iq, 10 * 60 * 1000, on_answer, a, asked_free);
  return TRUE;
}

guint
xmpp_si_n_offers(const XmppSiFiles *si)
{
  return si->offers->len;
}

void
xmpp_si_files_set_offered(XmppSiFiles *si, XmppSiOffered offered, gpointer data)
{
  si->offered = offered;
  si->offered_data = data;
}

XmppSiFiles *
xmpp_si_files_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppIbb *ibb,
                  XmppBytestreams *bytestreams)
{
  XmppSiFiles *si = g_new0(XmppSiFiles, 1);
  si->router = router;
  si->host = host;
  si->ibb = ibb;
  si->bytestreams = bytestreams;
  si->offers = g_ptr_array_new_with_free_func(pending_free);
  si->handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_SI, "si", on_offer, si, NULL);
  /* XEP-0096 §3 and XEP-0047 §8: what a sender looks for before offering. */
  xmpp_disco_add_feature(disco, XMPP_NS_SI);
  xmpp_disco_add_feature(disco, XMPP_NS_SI_FILE);
  xmpp_disco_add_feature(disco, XMPP_NS_IBB);
  return si;
}

void
xmpp_si_files_free(XmppSiFiles *si)
{
  if (si == NULL)
    return;
  xmpp_router_cancel_owner(si->router, si);
  xmpp_router_remove_handler(si->router, si->handler);
  g_ptr_array_unref(si->offers);
  g_free(si);
}
