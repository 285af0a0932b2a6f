/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of the info area through a real session: our caps in presence match our
 * disco#info answer (XEP-0115 §6.2), a peer's caps learnt and verified, spoofed caps not cached
 * (T47), discovery of the server and account, and version/time/last answers. */
#include "router/namespaces.h"
#include "script-server.h"
#include "im/presence.h"
#include "services/caps.h"
#include "services/disco.h"
#include "services/version.h"

#define EXODUS_VER "QgayPKawpkPSDYmwT/WM94uAlu0="
#define EXODUS_QUERY                                                                               \
  "<query xmlns='http://jabber.org/protocol/disco#info'>"                                          \
  "<identity category='client' name='Exodus 0.9.1' type='pc'/>"                                    \
  "<feature var='http://jabber.org/protocol/caps'/>"                                               \
  "<feature var='http://jabber.org/protocol/disco#info'/>"                                         \
  "<feature var='http://jabber.org/protocol/disco#items'/>"                                        \
  "<feature var='http://jabber.org/protocol/muc'/></query>"

static ScriptServer *
ready_session(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  return s;
}

static void
test_own_caps_match_disco(void)
{
  ScriptServer *s = ready_session();
  XmppOwnPresence own = {.show = XMPP_SHOW_NONE};
  xmpp_presence_send_own(xmpp_session_get_presence(s->session), &own);
  g_autoptr(XmppNode) p = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  XmppNode *c = xmpp_node_get_child(p, XMPP_NS_CAPS, "c");
  g_assert_nonnull(c);
  g_autofree char *ver = g_strdup(xmpp_node_get_attr(c, "ver"));
  g_autofree char *ask = g_strdup_printf(
      "<iq type='get' from='romeo@example.test/orchard' to='juliet@example.test/balcony' "
      "id='disco1'><query xmlns='http://jabber.org/protocol/disco#info' node='%s#%s'/></iq>",
      XMPP_CAPS_NODE, ver);
  script_send(s, ask);
  g_autoptr(XmppNode) reply = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "romeo@example.test/orchard");
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_parse(xmpp_node_first_element(reply), NULL);
  g_assert_nonnull(info);
  g_autofree char *computed = xmpp_caps_compute_ver(info);
  g_assert_cmpstr(computed, ==, ver);
  /* What other modules registered is in the answer too (an accurate list). */
  g_assert_true(xmpp_disco_info_has_feature(info, XMPP_NS_VERSION));
  g_assert_true(xmpp_disco_info_has_feature(info, XMPP_NS_PING));
  script_free(s);
}

static void
peer_presence(ScriptServer *s, const char *from)
{
  g_autofree char *xml = g_strdup_printf(
      "<presence from='%s' to='juliet@example.test/balcony'><c xmlns='http://jabber.org/"
      "protocol/caps' hash='sha-1' node='http://code.google.com/p/exodus' ver='" EXODUS_VER
      "'/></presence>",
      from);
  script_send(s, xml);
}

static void
answer(ScriptServer *s, XmppNode *iq, const char *payload)
{
  g_autofree char *xml =
      g_strdup_printf("<iq type='result' from='%s' to='juliet@example.test/"
                      "balcony' id='%s'>%s</iq>",
                      xmpp_node_get_attr(iq, "to"), xmpp_node_get_attr(iq, "id"), payload);
  script_send(s, xml);
}

static void
test_peer_caps_verified(void)
{
  ScriptServer *s = ready_session();
  XmppCaps *caps = xmpp_session_get_caps(s->session);
  peer_presence(s, "romeo@example.test/orchard");
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, "romeo@example.test/orchard");
  answer(s, iq, EXODUS_QUERY);
  g_assert_nonnull(xmpp_caps_lookup(caps, EXODUS_VER));
  g_assert_true(
      xmpp_disco_info_has_feature(xmpp_caps_get_jid_info(caps, "romeo@example.test/orchard"),
                                  "http://jabber.org/protocol/muc"));
  /* The contact's presence still reached the presence module. */
  g_assert_nonnull(
      xmpp_presence_get_contact(xmpp_session_get_presence(s->session), "romeo@example.test"));
  script_free(s);
}

/* T47 through the session: Mallory's answer does not match the ver and is not cached. */
static void
test_T47_spoofed_caps_not_cached(void)
{
  ScriptServer *s = ready_session();
  XmppCaps *caps = xmpp_session_get_caps(s->session);
  peer_presence(s, "mallory@example.test/evil");
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  answer(s, iq,
         "<query xmlns='http://jabber.org/protocol/disco#info'>"
         "<identity category='client' type='pc'/></query>");
  g_assert_null(xmpp_caps_lookup(caps, EXODUS_VER));
  g_assert_cmpuint(xmpp_caps_n_cached(caps), ==, 0);
  /* Positive twin: Romeo with the same ver is asked in turn and verified. */
  peer_presence(s, "romeo@example.test/orchard");
  g_autoptr(XmppNode) iq2 = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq2, "to"), ==, "romeo@example.test/orchard");
  answer(s, iq2, EXODUS_QUERY);
  g_assert_nonnull(xmpp_caps_lookup(caps, EXODUS_VER));
  script_free(s);
}

static void
test_discover(void)
{
  ScriptServer *s = ready_session();
  XmppDisco *disco = xmpp_session_get_disco(s->session);
  xmpp_disco_discover(disco);
  g_autoptr(XmppNode) server = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppNode) account = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(server, "to"), ==, "example.test");
  g_assert_cmpstr(xmpp_node_get_attr(account, "to"), ==, "juliet@example.test");
  answer(s, server,
         "<query xmlns='http://jabber.org/protocol/disco#info'>"
         "<identity category='server' type='im'/><feature var='urn:xmpp:blocking'/>"
         "</query>");
  answer(s, account,
         "<query xmlns='http://jabber.org/protocol/disco#info'>"
         "<identity category='pubsub' type='pep'/>"
         "<feature var='http://jabber.org/protocol/pubsub#publish'/></query>");
  g_assert_true(xmpp_disco_server_has(disco, "urn:xmpp:blocking"));
  g_assert_true(xmpp_disco_account_has(disco, "http://jabber.org/protocol/pubsub#publish"));
  g_assert_false(xmpp_disco_server_has(disco, "http://jabber.org/protocol/pubsub#publish"));
  script_free(s);
}

static void
test_version_time_last_answers(void)
{
  ScriptServer *s = ready_session();
  xmpp_entity_info_set_version(xmpp_session_get_entity_info(s->session), "9.9");
  script_send(s, "<iq type='get' from='romeo@example.test/orchard' id='v1'>"
                 "<query xmlns='jabber:iq:version'/></iq>");
  g_autoptr(XmppNode) v = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppSoftwareVersion) version = xmpp_software_version_parse(xmpp_node_first_element(v));
  g_assert_cmpstr(version->name, ==, "Lyre");
  g_assert_cmpstr(version->version, ==, "9.9");
  g_assert_null(version->os);
  script_send(s, "<iq type='get' from='romeo@example.test/orchard' id='t1'>"
                 "<time xmlns='urn:xmpp:time'/></iq>");
  g_autoptr(XmppNode) t = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppEntityTime) time = xmpp_entity_time_parse(xmpp_node_first_element(t));
  g_assert_nonnull(time);
  g_assert_cmpint(ABS(time->utc - g_get_real_time() / G_USEC_PER_SEC), <, 60);
  script_send(s, "<iq type='get' from='romeo@example.test/orchard' id='l1'>"
                 "<query xmlns='jabber:iq:last'/></iq>");
  g_autoptr(XmppNode) l = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppLastActivity) last = xmpp_last_activity_parse(xmpp_node_first_element(l));
  g_assert_cmpint(last->seconds, ==, 0);
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/info/own_caps_match_disco", test_own_caps_match_disco);
  g_test_add_func("/session/info/peer_caps_verified", test_peer_caps_verified);
  g_test_add_func("/session/info/T47_spoofed_caps_not_cached", test_T47_spoofed_caps_not_cached);
  g_test_add_func("/session/info/discover", test_discover);
  g_test_add_func("/session/info/version_time_last", test_version_time_last_answers);
  return g_test_run();
}
