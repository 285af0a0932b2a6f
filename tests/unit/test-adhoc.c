/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XEP-0050 parsing and building: command lists, stages (actions, notes, forms) and
 * T43: no handler answers commands sent to us. */
#include "fake-host.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/adhoc.h"

static void
test_parse_list(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='http://jabber.org/protocol/disco#items' "
      "node='http://jabber.org/protocol/commands'><item jid='example.test' node='ping' "
      "name='Ping'/><item jid='example.test' node='uptime'/><item jid='example.test'/>"
      "</query></iq>");
  g_autoptr(GPtrArray) list = xmpp_adhoc_parse_list(iq);
  g_assert_cmpuint(list->len, ==, 2);
  XmppAdhocCommand *c = list->pdata[1];
  g_assert_cmpstr(c->node, ==, "uptime");
  g_assert_cmpstr(c->name, ==, "uptime");
  g_assert_cmpstr(((XmppAdhocCommand *)list->pdata[0])->name, ==, "Ping");
}

/* Found by fuzz-disco: an item whose jid is not a JID is no command (we would run it there). */
static void
test_parse_list_invalid_jid(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='http://jabber.org/protocol/disco#items' "
      "node='http://jabber.org/protocol/commands'><item jid='not a jid' node='a' name='A'/>"
      "<item jid='@example.test' node='b'/><item jid='example.test' node='c'/></query></iq>");
  g_autoptr(GPtrArray) list = xmpp_adhoc_parse_list(iq);
  g_assert_cmpuint(list->len, ==, 1);
  g_assert_cmpstr(((XmppAdhocCommand *)list->pdata[0])->node, ==, "c");
}

static void
test_stage_executing(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><command xmlns='http://jabber.org/protocol/commands' node='config' "
      "sessionid='s1' status='executing'><actions execute='next'><next/><prev/></actions>"
      "<note type='warn'>Careful</note><x xmlns='jabber:x:data' type='form'>"
      "<field var='a' type='boolean'/></x></command></iq>");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppAdhocStage) stage = xmpp_adhoc_stage_parse(iq, &error);
  g_assert_no_error(error);
  g_assert_cmpint(stage->status, ==, XMPP_ADHOC_STATUS_EXECUTING);
  g_assert_cmpstr(stage->sessionid, ==, "s1");
  g_assert_cmpuint(stage->actions, ==, XMPP_ADHOC_ACTION_NEXT | XMPP_ADHOC_ACTION_PREV);
  g_assert_cmpint(stage->default_action, ==, XMPP_ADHOC_ACTION_NEXT);
  g_assert_cmpuint(stage->notes->len, ==, 1);
  g_assert_cmpstr(((XmppAdhocNote *)stage->notes->pdata[0])->type, ==, "warn");
  g_assert_nonnull(stage->form);
}

static void
test_stage_completed_note(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><command xmlns='http://jabber.org/protocol/commands' node='ping' "
      "status='completed'><note type='bogus'>Pong</note></command></iq>");
  g_autoptr(XmppAdhocStage) stage = xmpp_adhoc_stage_parse(iq, NULL);
  g_assert_cmpint(stage->status, ==, XMPP_ADHOC_STATUS_COMPLETED);
  g_assert_null(stage->form);
  XmppAdhocNote *note = stage->notes->pdata[0];
  g_assert_cmpstr(note->type, ==, "info"); /* unknown types read as info */
  g_assert_cmpstr(note->text, ==, "Pong");
  /* XEP-0050 §6.3: no <actions/>: complete is the only choice. */
  g_assert_cmpuint(stage->actions, ==, XMPP_ADHOC_ACTION_COMPLETE);
}

/* Found by fuzz-xdata: the default action is one the stage allows, even when the server offers
 * only prev (the default was complete), and <execute/> is no action a stage offers. */
static void
test_stage_default_allowed(void)
{
  g_autoptr(XmppNode) prev_only = test_parse_element(
      "<iq type='result'><command xmlns='http://jabber.org/protocol/commands' node='config' "
      "sessionid='s1' status='executing'><actions><prev/></actions></command></iq>");
  g_autoptr(XmppAdhocStage) stage = xmpp_adhoc_stage_parse(prev_only, NULL);
  g_assert_cmpuint(stage->actions, ==, XMPP_ADHOC_ACTION_PREV);
  g_assert_cmpint(stage->default_action, ==, XMPP_ADHOC_ACTION_PREV);
  g_autoptr(XmppNode) execute_only = test_parse_element(
      "<iq type='result'><command xmlns='http://jabber.org/protocol/commands' node='config' "
      "status='executing'><actions execute='execute'><execute/><cancel/></actions></command></iq>");
  g_autoptr(XmppAdhocStage) other = xmpp_adhoc_stage_parse(execute_only, NULL);
  g_assert_cmpuint(other->actions, ==, XMPP_ADHOC_ACTION_COMPLETE);
  g_assert_cmpint(other->default_action, ==, XMPP_ADHOC_ACTION_COMPLETE);
  g_autoptr(XmppNode) prev_complete = test_parse_element(
      "<iq type='result'><command xmlns='http://jabber.org/protocol/commands' node='config' "
      "status='executing'><actions execute='next'><prev/><complete/></actions></command></iq>");
  g_autoptr(XmppAdhocStage) third = xmpp_adhoc_stage_parse(prev_complete, NULL);
  g_assert_cmpint(third->default_action, ==, XMPP_ADHOC_ACTION_COMPLETE);
}

static void
test_stage_reject(void)
{
  g_autoptr(XmppNode) iq = test_parse_element("<iq type='result'/>");
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_adhoc_stage_parse(iq, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
}

static void
test_build_execute(void)
{
  XmppXdataForm *form = xmpp_xdata_form_new(XMPP_XDATA_FORM);
  XmppXdataField *f = xmpp_xdata_field_new(XMPP_XDATA_FIELD_TEXT_SINGLE, "a", NULL);
  xmpp_xdata_field_set_value(f, "v");
  g_ptr_array_add(form->fields, f);
  g_autoptr(XmppNode) iq =
      xmpp_adhoc_build_execute("example.test", "config", "s1", XMPP_ADHOC_ACTION_COMPLETE, form);
  XmppNode *cmd = xmpp_node_get_child(iq, XMPP_NS_COMMANDS, "command");
  g_assert_cmpstr(xmpp_node_get_attr(cmd, "action"), ==, "complete");
  g_assert_cmpstr(xmpp_node_get_attr(cmd, "sessionid"), ==, "s1");
  XmppNode *x = xmpp_node_get_child(cmd, XMPP_NS_XDATA, "x");
  g_assert_cmpstr(xmpp_node_get_attr(x, "type"), ==, "submit");
  /* Cancel carries no form. */
  g_autoptr(XmppNode) cancel =
      xmpp_adhoc_build_execute("example.test", "config", "s1", XMPP_ADHOC_ACTION_CANCEL, form);
  cmd = xmpp_node_get_child(cancel, XMPP_NS_COMMANDS, "command");
  g_assert_cmpstr(xmpp_node_get_attr(cmd, "action"), ==, "cancel");
  g_assert_null(xmpp_node_get_child(cmd, XMPP_NS_XDATA, "x"));
  xmpp_xdata_form_free(form);
}

static void
capture(gpointer data, const XmppNode *node)
{
  g_ptr_array_add(data, xmpp_node_copy(node));
}

static void
count_stage(const XmppAdhocStage *stage, const GError *error, gpointer data)
{
  (*(guint *)data)++;
}

/* T43: a command from our own server or bare JID is never executed: service-unavailable. */
static void
test_T43_incoming_command_refused(void)
{
  FakeHost *fake = fake_host_new();
  GPtrArray *sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  XmppRouter *router = xmpp_router_new(&fake->host, capture, sent);
  g_autoptr(XmppJid) own = xmpp_jid_parse("juliet@example.test/r", NULL);
  xmpp_router_set_own_jid(router, own);
  XmppAdhoc *adhoc = xmpp_adhoc_new(router, &fake->host, NULL);
  guint calls = 0;
  xmpp_router_dispatch(router,
                       test_parse_element("<iq type='set' id='c1' from='example.test'><command "
                                          "xmlns='http://jabber.org/protocol/commands' "
                                          "node='forward' action='execute'/></iq>"));
  g_assert_cmpuint(sent->len, ==, 1);
  XmppNode *reply = sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
  XmppNode *err = xmpp_node_get_child(reply, NULL, "error");
  g_assert_nonnull(
      xmpp_node_get_child(err, "urn:ietf:params:xml:ns:xmpp-stanzas", "service-unavailable"));
  /* Positive twin: our own outgoing execute goes out as a set with the command. */
  xmpp_adhoc_execute(adhoc, NULL, "ping", NULL, XMPP_ADHOC_ACTION_EXECUTE, NULL, count_stage,
                     &calls, NULL);
  g_assert_cmpuint(sent->len, ==, 2);
  XmppNode *out = sent->pdata[1];
  g_assert_cmpstr(xmpp_node_get_attr(out, "to"), ==, "example.test");
  g_assert_nonnull(xmpp_node_get_child(out, XMPP_NS_COMMANDS, "command"));
  xmpp_router_fail_pending(router); /* ends the pending execute exactly once */
  g_assert_cmpuint(calls, ==, 1);
  xmpp_adhoc_free(adhoc); /* before the router, which its _free still uses */
  g_assert_cmpuint(calls, ==, 1);
  xmpp_router_free(router);
  g_ptr_array_unref(sent);
  fake_host_free(fake);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/adhoc/parse/list", test_parse_list);
  g_test_add_func("/adhoc/parse/list_invalid_jid", test_parse_list_invalid_jid);
  g_test_add_func("/adhoc/parse/stage_executing", test_stage_executing);
  g_test_add_func("/adhoc/parse/stage_completed_note", test_stage_completed_note);
  g_test_add_func("/adhoc/parse/stage_default_allowed", test_stage_default_allowed);
  g_test_add_func("/adhoc/parse/stage_reject", test_stage_reject);
  g_test_add_func("/adhoc/build/execute", test_build_execute);
  g_test_add_func("/adhoc/T43_incoming_command_refused", test_T43_incoming_command_refused);
  return g_test_run();
}
