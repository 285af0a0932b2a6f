/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAdhoc: XEP-0050 command lists and stages parsed as pure functions, requests sent through
 * the router. Nothing here answers incoming commands (T43). */
#include "services/adhoc.h"

#include "router/closure.h"

#include <string.h>

#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppAdhoc {
  XmppRouter *router;
};

static const char *const action_names[] = {"execute", "prev", "next", "complete", "cancel"};

const char *
xmpp_adhoc_action_name(XmppAdhocAction action)
{
  for (guint i = 0; i < G_N_ELEMENTS(action_names); i++)
    if (action == (XmppAdhocAction)(1u << i))
      return action_names[i];
  return "execute";
}

static XmppAdhocAction
action_from_name(const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS(action_names); i++)
    if (strcmp(name, action_names[i]) == 0)
      return (XmppAdhocAction)(1u << i);
  return 0;
}

void
xmpp_adhoc_command_free(XmppAdhocCommand *c)
{
  if (c == NULL)
    return;
  g_free(c->jid);
  g_free(c->node);
  g_free(c->name);
  g_free(c);
}

GPtrArray *
xmpp_adhoc_parse_list(const XmppNode *iq)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_adhoc_command_free);
  XmppNode *query = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_DISCO_ITEMS, "query") : NULL;
  if (query == NULL)
    return out;
  for (XmppNode *item = xmpp_node_get_child(query, XMPP_NS_DISCO_ITEMS, "item"); item != NULL;
       item = xmpp_node_next_child(query, item, XMPP_NS_DISCO_ITEMS, "item")) {
    const char *jid = xmpp_node_get_attr(item, "jid");
    const char *node = xmpp_node_get_attr(item, "node");
    if (jid == NULL || node == NULL || out->len >= XMPP_ADHOC_MAX_COMMANDS)
      continue;
    /* A command runs where the list says it is: an item whose jid is not a JID (XEP-0030 §4.2
     * requires one) would have us send a request to that string, whose reply the router could
     * then only check as if it came from our own account (T38). Found by fuzz-disco. */
    g_autoptr(XmppJid) valid = xmpp_jid_parse(jid, NULL);
    if (valid == NULL)
      continue;
    XmppAdhocCommand *c = g_new0(XmppAdhocCommand, 1);
    c->jid = g_strdup(jid);
    c->node = g_strdup(node);
    const char *name = xmpp_node_get_attr(item, "name");
    c->name = g_strdup(name != NULL && *name != '\0' ? name : node);
    g_ptr_array_add(out, c);
  }
  return out;
}

static void
note_free(gpointer data)
{
  XmppAdhocNote *n = data;
  g_free(n->type);
  g_free(n->text);
  g_free(n);
}

void
xmpp_adhoc_stage_free(XmppAdhocStage *stage)
{
  if (stage == NULL)
    return;
  g_free(stage->node);
  g_free(stage->sessionid);
  g_ptr_array_unref(stage->notes);
  xmpp_xdata_form_free(stage->form);
  g_free(stage);
}

XmppAdhocStage *
xmpp_adhoc_stage_parse(const XmppNode *iq, GError **error)
{
  XmppNode *cmd = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_COMMANDS, "command") : NULL;
  if (cmd == NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "no command in the reply");
    return NULL;
  }
  g_autoptr(XmppAdhocStage) stage = g_new0(XmppAdhocStage, 1);
  stage->notes = g_ptr_array_new_with_free_func(note_free);
  stage->node = g_strdup(xmpp_node_get_attr(cmd, "node"));
  stage->sessionid = g_strdup(xmpp_node_get_attr(cmd, "sessionid"));
  const char *status = xmpp_node_get_attr(cmd, "status");
  if (g_strcmp0(status, "completed") == 0)
    stage->status = XMPP_ADHOC_STATUS_COMPLETED;
  else if (g_strcmp0(status, "canceled") == 0)
    stage->status = XMPP_ADHOC_STATUS_CANCELED;
  else
    stage->status = XMPP_ADHOC_STATUS_EXECUTING;
  /* XEP-0050 §6.3: the children of <actions/> are prev, next and complete (execute and cancel
   * are not actions a stage offers). */
  const guint offered =
      XMPP_ADHOC_ACTION_PREV | XMPP_ADHOC_ACTION_NEXT | XMPP_ADHOC_ACTION_COMPLETE;
  XmppNode *actions = xmpp_node_get_child(cmd, XMPP_NS_COMMANDS, "actions");
  if (actions != NULL) {
    for (XmppNode *a = xmpp_node_first_element(actions); a != NULL;
         a = xmpp_node_next_child(actions, a, NULL, NULL))
      stage->actions |= action_from_name(a->name) & offered;
    stage->default_action = action_from_name(xmpp_node_get_attr(actions, "execute"));
  }
  /* XEP-0050 §6.3: without <actions/>, "execute" means complete; the default must be allowed:
   * next, else complete, else prev. Found by fuzz-xdata: a stage that only offered prev (or only
   * <execute/>) got complete as its default, an action the server had not allowed. */
  if (stage->actions == 0)
    stage->actions = XMPP_ADHOC_ACTION_COMPLETE;
  if (stage->default_action == 0 || !(stage->actions & stage->default_action))
    stage->default_action = (stage->actions & XMPP_ADHOC_ACTION_NEXT) ? XMPP_ADHOC_ACTION_NEXT
                            : (stage->actions & XMPP_ADHOC_ACTION_COMPLETE)
                                ? XMPP_ADHOC_ACTION_COMPLETE
                                : XMPP_ADHOC_ACTION_PREV;
  for (XmppNode *n = xmpp_node_get_child(cmd, XMPP_NS_COMMANDS, "note"); n != NULL;
       n = xmpp_node_next_child(cmd, n, XMPP_NS_COMMANDS, "note")) {
    if (stage->notes->len >= XMPP_ADHOC_MAX_NOTES)
      break;
    XmppAdhocNote *note = g_new0(XmppAdhocNote, 1);
    const char *type = xmpp_node_get_attr(n, "type");
    note->type =
        g_strdup(g_strcmp0(type, "warn") == 0 || g_strcmp0(type, "error") == 0 ? type : "info");
    note->text = xmpp_node_dup_text(n);
    g_ptr_array_add(stage->notes, note);
  }
  XmppNode *x = xmpp_node_get_child(cmd, XMPP_NS_XDATA, "x");
  if (x != NULL) {
    stage->form = xmpp_xdata_form_parse(x, iq, error);
    if (stage->form == NULL)
      return NULL;
  }
  return g_steal_pointer(&stage);
}

XmppNode *
xmpp_adhoc_build_execute(const char *to, const char *node, const char *sessionid,
                         XmppAdhocAction action, const XmppXdataForm *form)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", to, NULL);
  XmppNode *cmd = xmpp_node_new_child(iq, XMPP_NS_COMMANDS, "command");
  xmpp_node_set_attr(cmd, "node", node);
  if (sessionid != NULL)
    xmpp_node_set_attr(cmd, "sessionid", sessionid);
  xmpp_node_set_attr(cmd, "action", xmpp_adhoc_action_name(action));
  if (form != NULL && action != XMPP_ADHOC_ACTION_CANCEL && action != XMPP_ADHOC_ACTION_PREV)
    xmpp_node_add_child(cmd, xmpp_xdata_form_build_submit(form));
  return iq;
}

XmppAdhoc *
xmpp_adhoc_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppAdhoc *self = g_new0(XmppAdhoc, 1);
  self->router = router;
  /* T43: no handler and no disco feature for incoming commands. */
  return self;
}

void
xmpp_adhoc_free(XmppAdhoc *self)
{
  if (self == NULL)
    return;
  xmpp_router_cancel_owner(self->router, self); /* our requests end while we are whole */
  g_free(self);
}

static void
list_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *p = data;
  g_autoptr(GPtrArray) list =
      reply != NULL && error == NULL ? xmpp_adhoc_parse_list(reply->node) : NULL;
  ((XmppAdhocListCallback)p->callback)(list, error, p->user_data);
}

static const char *
target(XmppAdhoc *self, const char *to)
{
  const XmppJid *own = xmpp_router_get_own_jid(self->router);
  return to != NULL ? to : own != NULL ? xmpp_jid_get_domain(own) : NULL;
}

void
xmpp_adhoc_list(XmppAdhoc *self, const char *to, XmppAdhocListCallback cb, gpointer user_data,
                GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && cb != NULL);
  XmppNode *iq = xmpp_stanza_new_iq("get", target(self, to), NULL);
  XmppNode *q = xmpp_node_new_child(iq, XMPP_NS_DISCO_ITEMS, "query");
  xmpp_node_set_attr(q, "node", XMPP_NS_COMMANDS);
  xmpp_router_send_iq(self->router, self, iq, 0, list_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}

static void
stage_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *p = data;
  XmppAdhocStageCallback cb = (XmppAdhocStageCallback)p->callback;
  if (error != NULL) {
    cb(NULL, error, p->user_data);
    return;
  }
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppAdhocStage) stage = xmpp_adhoc_stage_parse(reply->node, &parse_error);
  cb(stage, parse_error, p->user_data);
}

void
xmpp_adhoc_execute(XmppAdhoc *self, const char *to, const char *node, const char *sessionid,
                   XmppAdhocAction action, const XmppXdataForm *form, XmppAdhocStageCallback cb,
                   gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && node != NULL && cb != NULL);
  XmppNode *iq = xmpp_adhoc_build_execute(target(self, to), node, sessionid, action, form);
  xmpp_router_send_iq(self->router, self, iq, 0, stage_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}
