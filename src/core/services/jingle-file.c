/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppJingleFiles (jingle-file.h): XEP-0234 sessions both ways, IBB (XEP-0261) as transport. */
#include "services/jingle-file.h"

#include <string.h>

#include "jid/jid.h"
#include "router/stanza-error.h"
#include "router/stanza.h"

typedef struct {
  guint handle;            /* an offer to us, until answered (0: ours) */
  char *peer;              /* full JID */
  char *sid;               /* the Jingle session's */
  char *content;           /* the content's name */
  char *ibb_sid;           /* the transport's stream */
  gboolean ours;           /* we initiated it */
  XmppSiAnswered answered; /* ours: until the peer accepts or ends it */
  gpointer data;
  GDestroyNotify destroy;
} Session;

struct _XmppJingleFiles {
  XmppRouter *router;
  const XmppHost *host;
  XmppIbb *ibb;
  guint handler;
  GPtrArray *sessions; /* Session*, owned */
  guint next_handle;
  XmppSiOffered offered;
  gpointer offered_data;
};

static void
session_free(gpointer data)
{
  Session *s = data;
  if (s->destroy != NULL)
    s->destroy(s->data);
  g_free(s->peer);
  g_free(s->sid);
  g_free(s->content);
  g_free(s->ibb_sid);
  g_free(s);
}

static Session *
find(XmppJingleFiles *jf, const char *peer, const char *sid)
{
  for (guint i = 0; i < jf->sessions->len; i++) {
    Session *s = jf->sessions->pdata[i];
    if (g_strcmp0(s->peer, peer) == 0 && g_strcmp0(s->sid, sid) == 0)
      return s;
  }
  return NULL;
}

/* <jingle action=... sid=...> to peer, filled in by the caller (*jingle_out). */
static XmppNode *
jingle_iq(const char *peer, const char *sid, const char *action, XmppNode **jingle_out)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", peer, NULL);
  XmppNode *jingle = xmpp_node_new_child(iq, XMPP_NS_JINGLE, "jingle");
  xmpp_node_set_attr(jingle, "action", action);
  xmpp_node_set_attr(jingle, "sid", sid);
  *jingle_out = jingle;
  return iq;
}

static void
add_transport(XmppNode *content, const char *ibb_sid)
{
  XmppNode *t = xmpp_node_new_child(content, XMPP_NS_JINGLE_IBB, "transport");
  g_autofree char *size = g_strdup_printf("%u", XMPP_IBB_BLOCK_SIZE);
  xmpp_node_set_attr(t, "block-size", size);
  xmpp_node_set_attr(t, "sid", ibb_sid);
}

/* session-terminate of peer's session sid, with reason. */
static void
terminate(XmppJingleFiles *jf, const char *peer, const char *sid, const char *reason)
{
  XmppNode *jingle = NULL;
  XmppNode *iq = jingle_iq(peer, sid, "session-terminate", &jingle);
  xmpp_node_new_child(xmpp_node_new_child(jingle, XMPP_NS_JINGLE, "reason"), XMPP_NS_JINGLE,
                      reason);
  xmpp_router_send_iq(jf->router, jf, iq, 0, xmpp_router_ignore_answer, NULL, NULL);
}

static void
ack(XmppJingleFiles *jf, const XmppStanza *stanza)
{
  XmppNode *result = xmpp_stanza_new_iq_result(stanza);
  xmpp_router_send(jf->router, result);
  xmpp_node_free(result);
}

static void
refuse(XmppJingleFiles *jf, const XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  XmppNode *e = xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(jf->router, e);
  xmpp_node_free(e);
}

/* ---- what the peer sends -------------------------------------------------------------------- */

static void
on_initiate(XmppJingleFiles *jf, XmppStanza *stanza, const XmppNode *jingle, const char *sid)
{
  const XmppNode *content = xmpp_node_get_child(jingle, XMPP_NS_JINGLE, "content");
  const XmppNode *desc =
      content != NULL ? xmpp_node_get_child(content, XMPP_NS_JINGLE_FT, "description") : NULL;
  const XmppNode *file = desc != NULL ? xmpp_node_get_child(desc, XMPP_NS_JINGLE_FT, "file") : NULL;
  const XmppNode *transport =
      content != NULL ? xmpp_node_get_child(content, XMPP_NS_JINGLE_IBB, "transport") : NULL;
  g_autofree char *name =
      file != NULL ? xmpp_node_dup_child_text(file, XMPP_NS_JINGLE_FT, "name") : NULL;
  g_autofree char *size_text =
      file != NULL ? xmpp_node_dup_child_text(file, XMPP_NS_JINGLE_FT, "size") : NULL;
  g_autofree char *desc_text =
      file != NULL ? xmpp_node_dup_child_text(file, XMPP_NS_JINGLE_FT, "desc") : NULL;
  const char *ibb_sid = transport != NULL ? xmpp_node_get_attr(transport, "sid") : NULL;
  const char *content_name = content != NULL ? xmpp_node_get_attr(content, "name") : NULL;
  guint64 size = 0;
  if (desc == NULL || file == NULL || name == NULL || *name == '\0' || size_text == NULL ||
      !g_ascii_string_to_unsigned(g_strstrip(size_text), 10, 0, G_MAXINT64, &size, NULL) ||
      content_name == NULL) {
    refuse(jf, stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    return;
  }
  if (transport == NULL || ibb_sid == NULL || *ibb_sid == '\0' ||
      strlen(ibb_sid) > XMPP_SI_MAX_SID) {
    /* A transport we do not speak (SOCKS5, WebRTC): ended as XEP-0166 §7.2.13 says. */
    ack(jf, stanza);
    terminate(jf, xmpp_jid_get_full(stanza->from), sid, "unsupported-transports");
    return;
  }
  if (jf->sessions->len >= XMPP_JINGLE_MAX_SESSIONS || jf->offered == NULL ||
      find(jf, xmpp_jid_get_full(stanza->from), sid) != NULL) {
    refuse(jf, stanza, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
    return;
  }
  ack(jf, stanza);
  Session *s = g_new0(Session, 1);
  s->handle = ++jf->next_handle;
  s->peer = g_strdup(xmpp_jid_get_full(stanza->from));
  s->sid = g_strdup(sid);
  s->content = g_strdup(content_name);
  s->ibb_sid = g_strdup(ibb_sid);
  g_ptr_array_add(jf->sessions, s);
  XmppSiOffer offer = {s->handle, s->peer, s->ibb_sid, name, size, desc_text};
  jf->offered(jf->offered_data, &offer);
}

static XmppHandlerResult
on_jingle(XmppStanza *stanza, gpointer user_data)
{
  XmppJingleFiles *jf = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS;
  const XmppNode *jingle = xmpp_stanza_get_payload(stanza);
  const char *action = xmpp_node_get_attr(jingle, "action");
  const char *sid = xmpp_node_get_attr(jingle, "sid");
  if (stanza->from == NULL || xmpp_jid_get_resource(stanza->from) == NULL || sid == NULL ||
      *sid == '\0' || strlen(sid) > XMPP_SI_MAX_SID || action == NULL) {
    refuse(jf, stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    return XMPP_HANDLER_CONSUMED;
  }
  if (strcmp(action, "session-initiate") == 0) {
    on_initiate(jf, stanza, jingle, sid);
    return XMPP_HANDLER_CONSUMED;
  }
  Session *s = find(jf, xmpp_jid_get_full(stanza->from), sid);
  if (s == NULL) {
    refuse(jf, stanza, XMPP_STANZA_ERROR_ITEM_NOT_FOUND); /* §7.2: unknown-session */
    return XMPP_HANDLER_CONSUMED;
  }
  ack(jf, stanza);
  if (strcmp(action, "session-accept") == 0 && s->ours && s->answered != NULL) {
    XmppSiAnswered answered = s->answered;
    s->answered = NULL;
    answered(s->data, XMPP_SI_IBB, NULL); /* the glue opens the stream now */
  } else if (strcmp(action, "session-terminate") == 0) {
    if (s->ours && s->answered != NULL) {
      const XmppNode *reason = xmpp_node_get_child(jingle, XMPP_NS_JINGLE, "reason");
      const XmppNode *why = reason != NULL ? xmpp_node_first_element(reason) : NULL;
      gboolean declined = why != NULL && g_strcmp0(why->name, "decline") == 0;
      g_autoptr(GError) error = g_error_new(
          XMPP_STANZA_ERROR, declined ? XMPP_STANZA_ERROR_FORBIDDEN : XMPP_STANZA_ERROR_GONE,
          "the peer ended the session (%s)", why != NULL ? why->name : "no reason");
      XmppSiAnswered answered = s->answered;
      s->answered = NULL;
      answered(s->data, XMPP_SI_IBB, error);
    }
    s = find(jf, xmpp_jid_get_full(stanza->from), sid); /* the answer may have ended it */
    if (s != NULL)
      g_ptr_array_remove(jf->sessions, s);
  }
  /* transport-info and the rest: nothing to do with IBB. */
  return XMPP_HANDLER_CONSUMED;
}

/* ---- the user's answer ----------------------------------------------------------------------- */

static Session *
pending(XmppJingleFiles *jf, guint handle)
{
  for (guint i = 0; handle != 0 && i < jf->sessions->len; i++) {
    Session *s = jf->sessions->pdata[i];
    if (s->handle == handle)
      return s;
  }
  return NULL;
}

XmppIbbStream *
xmpp_jingle_accept(XmppJingleFiles *jf, guint handle, const XmppIbbEvents *events, gpointer data)
{
  g_return_val_if_fail(jf != NULL && events != NULL, NULL);
  Session *s = pending(jf, handle);
  if (s == NULL)
    return NULL;
  s->handle = 0;
  XmppIbbStream *stream = xmpp_ibb_expect(jf->ibb, s->peer, s->ibb_sid, events, data);
  if (stream == NULL) {
    terminate(jf, s->peer, s->sid, "failed-transport");
    g_ptr_array_remove(jf->sessions, s);
    return NULL;
  }
  XmppNode *jingle = NULL;
  XmppNode *iq = jingle_iq(s->peer, s->sid, "session-accept", &jingle);
  const XmppJid *me = xmpp_router_get_own_jid(jf->router);
  if (me != NULL)
    xmpp_node_set_attr(jingle, "responder", xmpp_jid_get_full(me));
  XmppNode *content = xmpp_node_new_child(jingle, XMPP_NS_JINGLE, "content");
  xmpp_node_set_attr(content, "creator", "initiator");
  xmpp_node_set_attr(content, "name", s->content);
  xmpp_node_set_attr(content, "senders", "initiator");
  xmpp_node_new_child(content, XMPP_NS_JINGLE_FT, "description");
  add_transport(content, s->ibb_sid);
  xmpp_router_send_iq(jf->router, jf, iq, 0, xmpp_router_ignore_answer, NULL, NULL);
  /* The stream and the sender's terminate do the rest: the session is not needed here. */
  g_ptr_array_remove(jf->sessions, s);
  return stream;
}

void
xmpp_jingle_decline(XmppJingleFiles *jf, guint handle)
{
  g_return_if_fail(jf != NULL);
  Session *s = pending(jf, handle);
  if (s == NULL)
    return;
  terminate(jf, s->peer, s->sid, "decline");
  g_ptr_array_remove(jf->sessions, s);
}

/* ---- our offers ------------------------------------------------------------------------------ */

/* Our session-initiate, until it is acknowledged. */
typedef struct {
  XmppJingleFiles *jf;
  char *sid;
} Initiating;

static void
initiating_free(gpointer data)
{
  Initiating *i = data;
  g_free(i->sid);
  g_free(i);
}

static void
on_initiate_answer(const XmppStanza *reply, const GError *error, gpointer data)
{
  Initiating *i = data;
  XmppJingleFiles *jf = i->jf;
  if (error == NULL || xmpp_iq_error_is_ended(error))
    return; /* acknowledged: the user's answer comes as session-accept or -terminate */
  for (guint n = 0; n < jf->sessions->len; n++) {
    Session *s = jf->sessions->pdata[n];
    if (s->ours && strcmp(s->sid, i->sid) == 0) {
      XmppSiAnswered answered = s->answered;
      s->answered = NULL;
      if (answered != NULL)
        answered(s->data, XMPP_SI_IBB, error);
      g_ptr_array_remove(jf->sessions, s);
      return;
    }
  }
}

gboolean
xmpp_jingle_offer(XmppJingleFiles *jf, const char *peer, const char *name, guint64 size, char **sid,
                  XmppSiAnswered answered, gpointer data, GDestroyNotify destroy)
{
  g_return_val_if_fail(jf != NULL && name != NULL && sid != NULL && answered != NULL, FALSE);
  g_autoptr(XmppJid) jid = peer != NULL ? xmpp_jid_parse(peer, NULL) : NULL;
  const XmppJid *me = xmpp_router_get_own_jid(jf->router);
  g_autofree char *session_id = xmpp_host_random_id(jf->host);
  g_autofree char *ibb_sid = xmpp_host_random_id(jf->host);
  if (jid == NULL || xmpp_jid_get_resource(jid) == NULL || me == NULL || session_id == NULL ||
      ibb_sid == NULL || jf->sessions->len >= XMPP_JINGLE_MAX_SESSIONS)
    return FALSE;
  Session *s = g_new0(Session, 1);
  s->peer = g_strdup(xmpp_jid_get_full(jid));
  s->sid = g_strdup(session_id);
  s->content = g_strdup("file");
  s->ibb_sid = g_strdup(ibb_sid);
  s->ours = TRUE;
  s->answered = answered;
  s->data = data;
  s->destroy = destroy;
  g_ptr_array_add(jf->sessions, s);
  XmppNode *jingle = NULL;
  XmppNode *iq = jingle_iq(s->peer, s->sid, "session-initiate", &jingle);
  xmpp_node_set_attr(jingle, "initiator", xmpp_jid_get_full(me));
  XmppNode *content = xmpp_node_new_child(jingle, XMPP_NS_JINGLE, "content");
  xmpp_node_set_attr(content, "creator", "initiator");
  xmpp_node_set_attr(content, "name", s->content);
  xmpp_node_set_attr(content, "senders", "initiator");
  XmppNode *desc = xmpp_node_new_child(content, XMPP_NS_JINGLE_FT, "description");
  XmppNode *file = xmpp_node_new_child(desc, XMPP_NS_JINGLE_FT, "file");
  xmpp_node_new_text_child(file, XMPP_NS_JINGLE_FT, "name", name);
  g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, size);
  xmpp_node_new_text_child(file, XMPP_NS_JINGLE_FT, "size", bytes);
  add_transport(content, ibb_sid);
  Initiating *i = g_new0(Initiating, 1);
  i->jf = jf;
  i->sid = g_strdup(session_id);
  xmpp_router_send_iq(jf->router, jf, iq, 0, on_initiate_answer, i, initiating_free);
  *sid = g_strdup(ibb_sid);
  return TRUE;
}

void
xmpp_jingle_finish(XmppJingleFiles *jf, const char *ibb_sid, gboolean success)
{
  g_return_if_fail(jf != NULL);
  for (guint i = 0; ibb_sid != NULL && i < jf->sessions->len; i++) {
    Session *s = jf->sessions->pdata[i];
    if (s->ours && strcmp(s->ibb_sid, ibb_sid) == 0) {
      s->answered = NULL; /* the caller ends it: nothing to tell */
      terminate(jf, s->peer, s->sid, success ? "success" : "cancel");
      g_ptr_array_remove(jf->sessions, s);
      return;
    }
  }
}

gboolean
xmpp_jingle_files_supported(const XmppDiscoInfo *info)
{
  return info != NULL && xmpp_disco_info_has_feature(info, XMPP_NS_JINGLE) &&
         xmpp_disco_info_has_feature(info, XMPP_NS_JINGLE_FT) &&
         xmpp_disco_info_has_feature(info, XMPP_NS_JINGLE_IBB);
}

guint
xmpp_jingle_n_sessions(const XmppJingleFiles *jf)
{
  return jf->sessions->len;
}

void
xmpp_jingle_files_set_offered(XmppJingleFiles *jf, XmppSiOffered offered, gpointer data)
{
  jf->offered = offered;
  jf->offered_data = data;
}

XmppJingleFiles *
xmpp_jingle_files_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppIbb *ibb)
{
  XmppJingleFiles *jf = g_new0(XmppJingleFiles, 1);
  jf->router = router;
  jf->host = host;
  jf->ibb = ibb;
  jf->sessions = g_ptr_array_new_with_free_func(session_free);
  jf->handler =
      xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_JINGLE, "jingle", on_jingle, jf, NULL);
  /* XEP-0234 §4 and XEP-0261 §3. */
  xmpp_disco_add_feature(disco, XMPP_NS_JINGLE);
  xmpp_disco_add_feature(disco, XMPP_NS_JINGLE_FT);
  xmpp_disco_add_feature(disco, XMPP_NS_JINGLE_IBB);
  return jf;
}

void
xmpp_jingle_files_free(XmppJingleFiles *jf)
{
  if (jf == NULL)
    return;
  xmpp_router_cancel_owner(jf->router, jf);
  xmpp_router_remove_handler(jf->router, jf->handler);
  g_ptr_array_unref(jf->sessions);
  g_free(jf);
}
