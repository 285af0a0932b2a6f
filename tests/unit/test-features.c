/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the stream features model. */
#include "parse-helper.h"
#include "sasl/sasl.h"
#include "stream/features.h"

static void
test_full(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<stream:features>"
      "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
      "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256-PLUS"
      "</mechanism><mechanism> SCRAM-SHA-1 </mechanism><mechanism>bad name</mechanism>"
      "<mechanism>lowercase</mechanism><mechanism/></mechanisms>"
      "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/>"
      "<channel-binding type='tls-server-end-point'/><channel-binding type='bogus'/>"
      "</sasl-channel-binding>"
      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
      "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
      "<sm xmlns='urn:xmpp:sm:3'/><csi xmlns='urn:xmpp:csi:0'/>"
      "<ver xmlns='urn:xmpp:features:rosterver'/><sub xmlns='urn:xmpp:features:pre-approval'/>"
      "<register xmlns='http://jabber.org/features/iq-register'/>"
      "<auth xmlns='http://jabber.org/features/iq-auth'/>"
      "<unknown xmlns='urn:example'/></stream:features>");
  g_autoptr(XmppStreamFeatures) f = xmpp_stream_features_parse(node);
  g_assert_true(f->starttls && f->starttls_required);
  g_assert_cmpuint(g_strv_length(f->mechanisms), ==, 2);
  g_assert_true(xmpp_stream_features_has_mechanism(f, "SCRAM-SHA-256-PLUS"));
  g_assert_true(xmpp_stream_features_has_mechanism(f, "SCRAM-SHA-1"));
  g_assert_false(xmpp_stream_features_has_mechanism(f, "lowercase"));
  g_assert_cmpuint(f->cb_types, ==, XMPP_CB_TLS_EXPORTER | XMPP_CB_TLS_SERVER_END_POINT);
  g_assert_true(f->bind && f->session && f->session_optional);
  g_assert_true(f->sm && f->csi && f->roster_ver && f->pre_approval && f->register_);
  g_assert_true(f->legacy_auth);
}

static void
test_empty_and_wrong_namespaces(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<stream:features><starttls/><mechanisms><mechanism>PLAIN</mechanism></mechanisms>"
      "<bind xmlns='urn:wrong'/></stream:features>");
  g_autoptr(XmppStreamFeatures) f = xmpp_stream_features_parse(node);
  g_assert_false(f->starttls);
  g_assert_nonnull(f->mechanisms);
  g_assert_null(f->mechanisms[0]);
  g_assert_false(f->bind);
}

static void
test_mechanism_cap(void)
{
  GString *xml = g_string_new("<stream:features><mechanisms "
                              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>");
  for (int i = 0; i < 1000; i++)
    g_string_append_printf(xml, "<mechanism>M%d</mechanism>", i);
  g_string_append(xml, "</mechanisms></stream:features>");
  g_autoptr(XmppNode) node = test_parse_element(xml->str);
  g_string_free(xml, TRUE);
  g_autoptr(XmppStreamFeatures) f = xmpp_stream_features_parse(node);
  g_assert_cmpuint(g_strv_length(f->mechanisms), ==, XMPP_FEATURES_MAX_MECHANISMS);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/features/full", test_full);
  g_test_add_func("/features/empty-and-wrong-namespaces", test_empty_and_wrong_namespaces);
  g_test_add_func("/features/mechanism-cap", test_mechanism_cap);
  return g_test_run();
}
