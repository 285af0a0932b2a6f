/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucInvite: mediated (XEP-0045 §7.8.2) and direct (XEP-0249) invitations, and what is not
 * one (T44: an occupant cannot invite in the room's name; a room JID must be a room's), each
 * refusal with its positive twin. */
#include <string.h>

#include "muc/muc-invite.h"
#include "parse-helper.h"
#include "xml/writer.h"

static XmppMucInvite *
parse(const char *xml)
{
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new(test_parse_element(xml));
  return xmpp_muc_invite_parse(stanza);
}

static void
test_mediated(void)
{
  g_autoptr(XmppMucInvite) inv =
      parse("<message from='coven@chat.example' to='hecate@example.test'>"
            "<x xmlns='http://jabber.org/protocol/muc#user'><invite from='crone1@example.test/d'>"
            "<reason>Hey Hecate, this is the place for all good witches!</reason></invite>"
            "<password>cauldronburn</password></x></message>");
  g_assert_nonnull(inv);
  g_assert_cmpstr(inv->room, ==, "coven@chat.example");
  g_assert_cmpstr(inv->inviter, ==, "crone1@example.test/d");
  g_assert_cmpstr(inv->reason, ==, "Hey Hecate, this is the place for all good witches!");
  g_assert_cmpstr(inv->password, ==, "cauldronburn");
  g_assert_false(inv->direct);
}

/* T44: an occupant (a resource) or a service cannot send a room's invitation; twin above. */
static void
test_mediated_only_from_a_room(void)
{
  g_assert_null(parse("<message from='coven@chat.example/mallory'><x "
                      "xmlns='http://jabber.org/protocol/muc#user'><invite/></x></message>"));
  g_assert_null(parse("<message from='chat.example'><x "
                      "xmlns='http://jabber.org/protocol/muc#user'><invite/></x></message>"));
  /* A room's status message (no invite) is not an invitation. */
  g_assert_null(parse("<message from='coven@chat.example' type='groupchat'><x "
                      "xmlns='http://jabber.org/protocol/muc#user'><status code='104'/></x>"
                      "</message>"));
}

static void
test_direct(void)
{
  g_autoptr(XmppMucInvite) inv =
      parse("<message from='crone1@example.test/desktop' to='hecate@example.test'>"
            "<x xmlns='jabber:x:conference' jid='Darkcave@Chat.Example' password='cauldronburn'"
            " reason='Hey Hecate'/></message>");
  g_assert_nonnull(inv);
  g_assert_true(inv->direct);
  g_assert_cmpstr(inv->room, ==, "darkcave@chat.example");
  g_assert_cmpstr(inv->inviter, ==, "crone1@example.test/desktop");
  g_assert_cmpstr(inv->reason, ==, "Hey Hecate");
  g_assert_cmpstr(inv->password, ==, "cauldronburn");
  /* The room must be a room's address: no resource, a local part. Twin above. */
  g_assert_null(parse("<message from='crone1@example.test/desktop'><x "
                      "xmlns='jabber:x:conference' jid='darkcave@chat.example/nick'/></message>"));
  g_assert_null(parse("<message from='crone1@example.test/desktop'><x "
                      "xmlns='jabber:x:conference' jid='chat.example'/></message>"));
  g_assert_null(parse("<message from='crone1@example.test/desktop'><x "
                      "xmlns='jabber:x:conference'/></message>"));
  g_assert_null(parse("<message from='crone1@example.test/desktop' type='error'><x "
                      "xmlns='jabber:x:conference' jid='darkcave@chat.example'/></message>"));
}

/* Texts over the limit are dropped, not cut into something else. */
static void
test_long_texts_dropped(void)
{
  g_autofree char *reason = g_strnfill(2000, 'r');
  g_autofree char *xml = g_strdup_printf("<message from='crone1@example.test/d'><x "
                                         "xmlns='jabber:x:conference' jid='darkcave@chat.example'"
                                         " reason='%s'/></message>",
                                         reason);
  g_autoptr(XmppMucInvite) inv = parse(xml);
  g_assert_nonnull(inv);
  g_assert_null(inv->reason);
}

static void
test_build_mediated(void)
{
  g_autoptr(XmppNode) m =
      xmpp_muc_invite_build_mediated("coven@chat.example", "hecate@example.test", "come");
  g_autofree char *xml = xmpp_xml_node_to_string(m);
  g_assert_cmpstr(xml, ==,
                  "<message to='coven@chat.example'>"
                  "<x xmlns='http://jabber.org/protocol/muc#user'><invite "
                  "to='hecate@example.test'><reason>come</reason></invite></x></message>");
}

/* XEP-0249 out: what we build reads back as the same invitation. */
static void
test_build_direct(void)
{
  g_autoptr(XmppNode) m =
      xmpp_muc_invite_build_direct("coven@chat.example", "hecate@example.test", "come", "cauldron");
  g_autofree char *xml = xmpp_xml_node_to_string(m);
  g_assert_cmpstr(xml, ==,
                  "<message to='hecate@example.test'><x xmlns='jabber:x:conference' "
                  "jid='coven@chat.example' reason='come' password='cauldron'/></message>");
  xmpp_node_set_attr(m, "from", "crone@example.test/broom");
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new(xmpp_node_copy(m));
  g_autoptr(XmppMucInvite) inv = xmpp_muc_invite_parse(stanza);
  g_assert_nonnull(inv);
  g_assert_true(inv->direct);
  g_assert_cmpstr(inv->room, ==, "coven@chat.example");
  g_assert_cmpstr(inv->password, ==, "cauldron");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/muc-invite/mediated", test_mediated);
  g_test_add_func("/muc-invite/T44_mediated_only_from_a_room", test_mediated_only_from_a_room);
  g_test_add_func("/muc-invite/direct", test_direct);
  g_test_add_func("/muc-invite/long-texts-dropped", test_long_texts_dropped);
  g_test_add_func("/muc-invite/build-mediated", test_build_mediated);
  g_test_add_func("/muc-invite/build-direct", test_build_direct);
  return g_test_run();
}
