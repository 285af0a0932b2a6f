/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of vCards and avatars through a real session (XEP-0054, XEP-0084 over PEP,
 * XEP-0153 in presence), with the T42 own-node rule and T51 rejection on the wire. */
#include "router/namespaces.h"
#include "script-server.h"
#include "xml/writer.h"
#include "im/presence.h"
#include "services/avatar.h"
#include "services/pep.h"
#include "services/vcard.h"

static const guint8 png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};

typedef struct {
  GString *log; /* "changed:BARE:HASH removed:BARE own " */
} Events;

static char *
no_current(gpointer data, const char *bare)
{
  return NULL;
}

static void
on_changed(gpointer data, const char *bare, GBytes *bytes, const char *hash)
{
  Events *e = data;
  if (bytes == NULL)
    g_string_append_printf(e->log, "removed:%s ", bare);
  else
    g_string_append_printf(e->log, "changed:%s:%s ", bare, hash);
}

static void
on_own(gpointer data)
{
  g_string_append(((Events *)data)->log, "own ");
}

static ScriptServer *
ready_session(Events *e)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  ScriptServer *s = script_new(&config);
  e->log = g_string_new(NULL);
  static const XmppAvatarEvents events = {
      .dup_current_hash = no_current, .changed = on_changed, .own_hash_changed = on_own};
  xmpp_avatars_set_events(xmpp_session_get_avatars(s->session), &events, e);
  script_login_plain(s);
  return s;
}

static void
done(ScriptServer *s, Events *e)
{
  script_free(s);
  g_string_free(e->log, TRUE);
}

/* Pops the next IQ the client sent, checks it carries ns/name, returns its id (transfer full). */
static char *
expect_iq(ScriptServer *s, const char *type, const char *to, const char *ns, const char *name)
{
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, type);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, to);
  g_assert_nonnull(xmpp_node_get_child(iq, ns, name));
  return g_strdup(xmpp_node_get_attr(iq, "id"));
}

static void
send_metadata(ScriptServer *s, const char *from_attr, const char *hash)
{
  g_autofree char *xml = g_strdup_printf(
      "<message %s to='juliet@example.test/r'><event "
      "xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:avatar:metadata'>"
      "<item id='%s'><metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='%" G_GSIZE_FORMAT
      "' id='%s' type='image/png'/></metadata></item></items></event></message>",
      from_attr, hash, sizeof png, hash);
  script_send(s, xml);
}

static void
test_pep_avatar(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  g_autofree char *hash = xmpp_avatar_hash(png, sizeof png);
  g_autofree char *b64 = g_base64_encode(png, sizeof png);
  send_metadata(s, "from='romeo@example.test'", hash);
  g_autofree char *id =
      expect_iq(s, "get", "romeo@example.test", "http://jabber.org/protocol/pubsub", "pubsub");
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='romeo@example.test' id='%s'><pubsub "
      "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:avatar:data'><item "
      "id='%s'><data xmlns='urn:xmpp:avatar:data'>%s</data></item></items></pubsub></iq>",
      id, hash, b64);
  script_send(s, reply);
  g_autofree char *want = g_strdup_printf("changed:romeo@example.test:%s ", hash);
  g_assert_cmpstr(e.log->str, ==, want);
  script_expect_nothing(s);
  done(s, &e);
}

/* T42 on the wire: notifications about our own account's node (here XEP-0490's) are taken only
 * from our PEP service: no from or our bare JID (positive twins); another resource's full JID is
 * dropped, and a stranger's is about the stranger. */
static void
on_own_node(const XmppJid *from, const char *node, const XmppNode *items, gpointer data)
{
  g_string_append_printf(data, "%s ", xmpp_jid_get_full(from));
}

static void
send_displayed(ScriptServer *s, const char *from_attr)
{
  g_autofree char *xml = g_strdup_printf(
      "<message %s to='juliet@example.test/r'><event "
      "xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:mds:displayed:0'>"
      "<item id='romeo@example.test'><displayed xmlns='urn:xmpp:mds:displayed:0'/></item>"
      "</items></event></message>",
      from_attr);
  script_send(s, xml);
}

static void
test_T42_own_node_spoof(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  GString *seen = g_string_new(NULL);
  xmpp_pep_add_handler(xmpp_session_get_pep(s->session), "urn:xmpp:mds:displayed:0", on_own_node,
                       seen);
  send_displayed(s, "from='juliet@example.test/evil'");
  g_assert_cmpstr(seen->str, ==, "");
  send_displayed(s, "from='mallory@evil.test'");
  send_displayed(s, "");
  send_displayed(s, "from='juliet@example.test'");
  g_assert_cmpstr(seen->str, ==, "mallory@evil.test juliet@example.test juliet@example.test ");
  script_expect_nothing(s);
  g_string_free(seen, TRUE);
  done(s, &e);
}

/* T51 on the wire: the vCard photo is not an image: nothing applied. */
static void
test_T51_vcard_photo_not_image(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  g_autofree char *hash = xmpp_avatar_hash((const guint8 *)"hello", 5);
  g_autofree char *presence = g_strdup_printf(
      "<presence from='romeo@example.test/orchard'><x xmlns='vcard-temp:x:update'><photo>%s"
      "</photo></x></presence>",
      hash);
  script_send(s, presence);
  g_autofree char *id = expect_iq(s, "get", "romeo@example.test", "vcard-temp", "vCard");
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='romeo@example.test' id='%s'><vCard xmlns='vcard-temp'><PHOTO>"
      "<BINVAL>aGVs\n bG8=</BINVAL></PHOTO></vCard></iq>",
      id);
  script_send(s, reply);
  g_assert_cmpstr(e.log->str, ==, "");
  done(s, &e);
}

/* XEP-0153 §4.1: we learn our hash from our vCard, then our presence carries it. */
static void
test_own_hash_in_presence(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppAvatars *avatars = xmpp_session_get_avatars(s->session);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  g_assert_true(xmpp_presence_add_own_extension(presence, xmpp_avatars_build_update, avatars));
  xmpp_avatars_start(avatars);
  g_autofree char *id = expect_iq(s, "get", NULL, "vcard-temp", "vCard");
  g_autofree char *b64 = g_base64_encode(png, sizeof png);
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' id='%s'><vCard xmlns='vcard-temp'><FN>J</FN><PHOTO><BINVAL>%s</BINVAL>"
      "</PHOTO></vCard></iq>",
      id, b64);
  script_send(s, reply);
  g_assert_cmpstr(e.log->str, ==, "own ");
  XmppOwnPresence own = {.show = XMPP_SHOW_NONE};
  xmpp_presence_send_own(presence, &own);
  g_autoptr(XmppNode) p = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  XmppNode *x = xmpp_node_get_child(p, "vcard-temp:x:update", "x");
  g_assert_nonnull(x);
  g_autofree char *photo = xmpp_node_dup_child_text(x, "vcard-temp:x:update", "photo");
  g_autofree char *hash = xmpp_avatar_hash(png, sizeof png);
  g_assert_cmpstr(photo, ==, hash);
  /* A re-send after a change carries the same element. */
  xmpp_presence_resend_own(presence);
  g_autoptr(XmppNode) again = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_nonnull(xmpp_node_get_child(again, "vcard-temp:x:update", "x"));
  xmpp_presence_remove_own_extension(presence, xmpp_avatars_build_update, avatars);
  xmpp_presence_resend_own(presence);
  g_autoptr(XmppNode) without = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_null(xmpp_node_get_child(without, "vcard-temp:x:update", "x"));
  done(s, &e);
}

typedef struct {
  char *fn;
  guint calls;
} VcardResult;

static void
on_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  VcardResult *r = data;
  r->calls++;
  r->fn = vcard != NULL ? g_strdup(vcard->fn) : NULL;
}

static void
test_vcard_fetch(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  VcardResult r = {0};
  g_autoptr(XmppJid) romeo = xmpp_jid_parse("romeo@example.test", NULL);
  xmpp_vcards_fetch(xmpp_session_get_vcards(s->session), romeo, on_vcard, &r, NULL);
  g_autofree char *id = expect_iq(s, "get", "romeo@example.test", "vcard-temp", "vCard");
  g_autofree char *reply = g_strdup_printf("<iq type='result' from='romeo@example.test' id='%s'>"
                                           "<vCard xmlns='vcard-temp'><FN>Romeo &lt;M&gt;</FN>"
                                           "</vCard></iq>",
                                           id);
  script_send(s, reply);
  g_assert_cmpuint(r.calls, ==, 1);
  g_assert_cmpstr(r.fn, ==, "Romeo <M>");
  g_free(r.fn);
  done(s, &e);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/profile/pep_avatar", test_pep_avatar);
  g_test_add_func("/session/profile/T42_own_node_spoof", test_T42_own_node_spoof);
  g_test_add_func("/session/profile/T51_vcard_photo_not_image", test_T51_vcard_photo_not_image);
  g_test_add_func("/session/profile/own_hash_in_presence", test_own_hash_in_presence);
  g_test_add_func("/session/profile/vcard_fetch", test_vcard_fetch);
  return g_test_run();
}
