/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucUser: the muc#user part of a room presence (XEP-0045 §7.2, §9, §10.9), and what a
 * malformed one leaves out. Every refusal has its positive twin next to it. */
#include <string.h>

#include "muc/muc-user.h"
#include "parse-helper.h"

static XmppMucUser *
parse(const char *xml)
{
  g_autoptr(XmppNode) presence = test_parse_element(xml);
  return xmpp_muc_user_parse(presence);
}

#define ROOM_PRESENCE(inner)                                                                       \
  "<presence xmlns='jabber:client' from='coven@chat.example/thirdwitch'>"                          \
  "<x xmlns='http://jabber.org/protocol/muc#user'>" inner "</x></presence>"

static void
test_none_without_x(void)
{
  g_assert_null(parse("<presence xmlns='jabber:client' from='romeo@example.net/orchard'/>"));
  /* The MUC join element (muc, not muc#user) says nothing about an occupant. */
  g_assert_null(parse("<presence xmlns='jabber:client'><x "
                      "xmlns='http://jabber.org/protocol/muc'/></presence>"));
}

static void
test_item_and_self(void)
{
  g_autoptr(XmppMucUser) u =
      parse(ROOM_PRESENCE("<item affiliation='owner' role='moderator' "
                          "jid='hag66@shakespeare.example/pda'/><status code='110'/>"
                          "<status code='100'/><status code='170'/>"));
  g_assert_nonnull(u);
  g_assert_cmpint(u->role, ==, XMPP_MUC_ROLE_MODERATOR);
  g_assert_cmpint(u->affiliation, ==, XMPP_MUC_AFFILIATION_OWNER);
  g_assert_cmpstr(xmpp_jid_get_full(u->real_jid), ==, "hag66@shakespeare.example/pda");
  g_assert_cmpuint(u->status, ==,
                   XMPP_MUC_STATUS_SELF | XMPP_MUC_STATUS_NON_ANONYMOUS | XMPP_MUC_STATUS_LOGGED);
  g_assert_false(u->destroyed);
  g_assert_cmpstr(xmpp_muc_role_name(u->role), ==, "moderator");
  g_assert_cmpstr(xmpp_muc_affiliation_name(u->affiliation), ==, "owner");
}

/* Unknown roles and affiliations are none; an invalid real JID is absent. Twin: the valid
 * names of every role and affiliation round-trip. */
static void
test_unknown_values(void)
{
  g_autoptr(XmppMucUser) u =
      parse(ROOM_PRESENCE("<item affiliation='god' role='Moderator' jid='@@bad'/>"));
  g_assert_cmpint(u->role, ==, XMPP_MUC_ROLE_NONE);
  g_assert_cmpint(u->affiliation, ==, XMPP_MUC_AFFILIATION_NONE);
  g_assert_null(u->real_jid);
  for (XmppMucRole r = XMPP_MUC_ROLE_NONE; r <= XMPP_MUC_ROLE_MODERATOR; r++)
    g_assert_cmpint(xmpp_muc_role_from_string(xmpp_muc_role_name(r)), ==, r);
  for (XmppMucAffiliation a = XMPP_MUC_AFFILIATION_NONE; a <= XMPP_MUC_AFFILIATION_OWNER; a++)
    g_assert_cmpint(xmpp_muc_affiliation_from_string(xmpp_muc_affiliation_name(a)), ==, a);
}

/* A status code is exactly three digits; unknown codes are ignored. Twin: 303 in its exact
 * spelling is read. */
static void
test_status_codes_exact(void)
{
  g_autoptr(XmppMucUser) u = parse(ROOM_PRESENCE(
      "<status code='110 '/><status code='+110'/><status code='0110'/><status code='999'/>"
      "<status/><status code='307'/>"));
  g_assert_cmpuint(u->status, ==, XMPP_MUC_STATUS_KICKED);
  g_autoptr(XmppMucUser) nick =
      parse(ROOM_PRESENCE("<item role='participant' nick='oldhag'/><status code='303'/>"));
  g_assert_cmpuint(nick->status, ==, XMPP_MUC_STATUS_NICK_CHANGED);
  g_assert_cmpstr(nick->new_nick, ==, "oldhag");
}

/* The number of codes read is bounded. */
static void
test_status_codes_bounded(void)
{
  GString *inner = g_string_new(NULL);
  for (guint i = 0; i < XMPP_MUC_MAX_STATUSES; i++)
    g_string_append(inner, "<status code='999'/>");
  g_string_append(inner, "<status code='110'/>"); /* past the bound: not read */
  g_autofree char *xml = g_strdup_printf(ROOM_PRESENCE("%s"), inner->str);
  g_string_free(inner, TRUE);
  g_autoptr(XmppMucUser) u = parse(xml);
  g_assert_cmpuint(u->status, ==, 0);
  g_autoptr(XmppMucUser) twin = parse(ROOM_PRESENCE("<status code='999'/><status code='110'/>"));
  g_assert_cmpuint(twin->status, ==, XMPP_MUC_STATUS_SELF);
}

/* A new nick only with 303, and only a valid one (a resourcepart). */
static void
test_new_nick_checked(void)
{
  g_autoptr(XmppMucUser) without = parse(ROOM_PRESENCE("<item role='participant' nick='x'/>"));
  g_assert_null(without->new_nick);
  g_autoptr(XmppMucUser) empty =
      parse(ROOM_PRESENCE("<item role='participant' nick=''/><status code='303'/>"));
  g_assert_null(empty->new_nick);
  g_autofree char *long_nick = g_strnfill(XMPP_MUC_MAX_NICK + 1, 'n');
  g_autofree char *xml =
      g_strdup_printf(ROOM_PRESENCE("<item nick='%s'/><status code='303'/>"), long_nick);
  g_autoptr(XmppMucUser) too_long = parse(xml);
  g_assert_null(too_long->new_nick);
  g_assert_true(xmpp_muc_nick_valid("Thirdwitch", NULL));
  g_autofree char *prepared = NULL;
  g_assert_true(xmpp_muc_nick_valid("th\xc3\xaf"
                                    "rd witch",
                                    &prepared));
  g_assert_cmpstr(prepared, ==,
                  "th\xc3\xaf"
                  "rd witch");
  g_assert_false(xmpp_muc_nick_valid(NULL, NULL));
  g_assert_false(xmpp_muc_nick_valid("", NULL));
}

/* Kicked by a moderator, with a reason; a ban; a reason cut at a character boundary. */
static void
test_kick_ban_reason(void)
{
  g_autoptr(XmppMucUser) kick =
      parse(ROOM_PRESENCE("<item affiliation='none' role='none'><actor nick='Fluellen'/>"
                          "<reason>Avaunt, you cullion!</reason></item><status code='307'/>"));
  g_assert_cmpuint(kick->status, ==, XMPP_MUC_STATUS_KICKED);
  g_assert_cmpint(kick->role, ==, XMPP_MUC_ROLE_NONE);
  g_assert_cmpstr(kick->actor_nick, ==, "Fluellen");
  g_assert_cmpstr(kick->reason, ==, "Avaunt, you cullion!");
  g_autoptr(XmppMucUser) ban =
      parse(ROOM_PRESENCE("<item affiliation='outcast' role='none'/><status code='301'/>"));
  g_assert_cmpuint(ban->status, ==, XMPP_MUC_STATUS_BANNED);
  g_assert_cmpint(ban->affiliation, ==, XMPP_MUC_AFFILIATION_OUTCAST);

  GString *reason = g_string_new(NULL);
  while (reason->len < XMPP_MUC_MAX_REASON + 10)
    g_string_append(reason, "\xc3\xa9"); /* é: two bytes */
  g_autofree char *xml = g_strdup_printf(
      ROOM_PRESENCE("<item role='none'><reason>%s</reason></item><status code='307'/>"),
      reason->str);
  g_string_free(reason, TRUE);
  g_autoptr(XmppMucUser) cut = parse(xml);
  g_assert_cmpuint(strlen(cut->reason), <=, XMPP_MUC_MAX_REASON);
  g_assert_true(g_utf8_validate(cut->reason, -1, NULL));
}

/* A destroyed room, with an alternate venue only when it is a room's bare JID. */
static void
test_destroy(void)
{
  g_autoptr(XmppMucUser) d = parse(
      ROOM_PRESENCE("<item affiliation='none' role='none'/><destroy jid='coven@chat.example.org'>"
                    "<reason>Macbeth doth come.</reason></destroy>"));
  g_assert_true(d->destroyed);
  g_assert_cmpstr(xmpp_jid_get_full(d->alternate), ==, "coven@chat.example.org");
  g_assert_cmpstr(d->destroy_reason, ==, "Macbeth doth come.");
  g_autoptr(XmppMucUser) full =
      parse(ROOM_PRESENCE("<destroy jid='coven@chat.example.org/nick'/>"));
  g_assert_true(full->destroyed);
  g_assert_null(full->alternate);
  g_autoptr(XmppMucUser) service = parse(ROOM_PRESENCE("<destroy jid='chat.example.org'/>"));
  g_assert_null(service->alternate);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/muc-user/none-without-x", test_none_without_x);
  g_test_add_func("/muc-user/item-and-self", test_item_and_self);
  g_test_add_func("/muc-user/unknown-values", test_unknown_values);
  g_test_add_func("/muc-user/status-codes-exact", test_status_codes_exact);
  g_test_add_func("/muc-user/status-codes-bounded", test_status_codes_bounded);
  g_test_add_func("/muc-user/new-nick-checked", test_new_nick_checked);
  g_test_add_func("/muc-user/kick-ban-reason", test_kick_ban_reason);
  g_test_add_func("/muc-user/destroy", test_destroy);
  return g_test_run();
}
