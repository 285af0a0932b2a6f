/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-migrate.c's pure parts: which prpl-jabber accounts are moved (those without a
 * Lyre twin), which settings a moved account takes over (same key, same type), and how the old
 * account's log folders land under the new one (named as Lyre names them, nothing copied twice,
 * nothing odd followed). */
#include "purple-glue.h"
#include "purple-migrate.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* ---- which accounts ----------------------------------------------------------------------- */

static void
test_bare(void)
{
  char *bare = xmpp_purple_migrate_bare("Alice@Example.TEST/Pidgin");
  g_assert_cmpstr(bare, ==, "alice@example.test");
  g_free(bare);
  bare = xmpp_purple_migrate_bare("alice@example.test/"); /* resource left blank */
  g_assert_cmpstr(bare, ==, "alice@example.test");
  g_free(bare);
  bare = xmpp_purple_migrate_bare("example.test");
  g_assert_cmpstr(bare, ==, "example.test");
  g_free(bare);
  g_assert_null(xmpp_purple_migrate_bare(NULL));
  g_assert_null(xmpp_purple_migrate_bare(""));
  g_assert_null(xmpp_purple_migrate_bare("@example.test"));
  g_assert_null(xmpp_purple_migrate_bare("a b@example.test"));
  g_assert_null(xmpp_purple_migrate_bare("\xff@example.test"));
}

/* indices of select(accounts) as "0,2,..." */
static char *
selected(const XmppPurpleMigrateAccount *accounts, guint n)
{
  GArray *chosen = xmpp_purple_migrate_select(accounts, n);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < chosen->len; i++)
    g_string_append_printf(s, "%s%u", i > 0 ? "," : "", g_array_index(chosen, guint, i));
  g_array_free(chosen, TRUE);
  return g_string_free(s, FALSE);
}

static void
test_select(void)
{
  const XmppPurpleMigrateAccount accounts[] = {
      {"prpl-jabber", "alice@example.test/home"}, /* 0: moved */
      {"prpl-icq", "12345"},                      /* 1: another protocol */
      {"prpl-jabber", "bob@example.test/pidgin"}, /* 2: Lyre has BOB@example.test: a twin */
      {"prpl-lyre", "BOB@example.test/laptop"},   /* 3 */
      {"prpl-jabber", "alice@EXAMPLE.test/work"}, /* 4: the same address as 0: not twice */
      {"prpl-jabber", "not a jid@example.test"},  /* 5: invalid: not moved */
      {"prpl-jabber", NULL},                      /* 6: odd: no username */
      {NULL, "carol@example.test"},               /* 7: odd: no protocol */
      {"prpl-jabber", "carol@example.test/"},     /* 8: moved */
      {"prpl-lyre", "not a jid"},                 /* 9: an invalid Lyre account is no twin */
  };
  char *got = selected(accounts, G_N_ELEMENTS(accounts));
  g_assert_cmpstr(got, ==, "0,8");
  g_free(got);

  /* After the move the Lyre twins exist: nothing more to move (the second run). */
  const XmppPurpleMigrateAccount after[] = {
      {"prpl-jabber", "alice@example.test/home"},
      {"prpl-lyre", "alice@example.test/home"},
      {"prpl-jabber", "carol@example.test/"},
      {"prpl-lyre", "carol@example.test"},
  };
  got = selected(after, G_N_ELEMENTS(after));
  g_assert_cmpstr(got, ==, "");
  g_free(got);

  got = selected(NULL, 0);
  g_assert_cmpstr(got, ==, "");
  g_free(got);
}

/* ---- which settings ----------------------------------------------------------------------- */

static GList *
choices(const char *first, ...)
{
  GList *list = NULL;
  va_list ap;
  va_start(ap, first);
  for (const char *value = first; value != NULL; value = va_arg(ap, const char *)) {
    PurpleKeyValuePair *kvp = g_new0(PurpleKeyValuePair, 1);
    kvp->key = g_strdup(value);
    kvp->value = g_strdup(value);
    list = g_list_append(list, kvp);
  }
  va_end(ap);
  return list;
}

/* Lyre's list as purple-plugin.c makes it (the keys and types that matter here). */
static GList *
lyre_options(void)
{
  GList *l = NULL;
  l = g_list_append(l, purple_account_option_list_new(
                           "Connection security", XMPP_PURPLE_OPT_SECURITY,
                           choices("require_tls", "opportunistic_tls", "old_ssl", NULL)));
  l = g_list_append(l,
                    purple_account_option_bool_new("Plain", XMPP_PURPLE_OPT_PLAIN_IN_CLEAR, FALSE));
  l = g_list_append(l, purple_account_option_int_new("Port", XMPP_PURPLE_OPT_PORT, 5222));
  l = g_list_append(
      l, purple_account_option_string_new("Server", XMPP_PURPLE_OPT_CONNECT_SERVER, NULL));
  l = g_list_append(l,
                    purple_account_option_string_new("Proxies", XMPP_PURPLE_OPT_FT_PROXIES, NULL));
  l = g_list_append(
      l, purple_account_option_bool_new("Smileys", XMPP_PURPLE_OPT_CUSTOM_SMILEYS, TRUE));
  l = g_list_append(l, purple_account_option_string_new("CA", XMPP_PURPLE_OPT_CA_FILE, NULL));
  l = g_list_append(l, purple_account_option_bool_new("CB", XMPP_PURPLE_OPT_REQUIRE_CB, FALSE));
  return l;
}

/* prpl-jabber's list (libpurple 2.14's jabber.c), plus an odd entry: its port as a string. */
static GList *
jabber_options(gboolean odd_port)
{
  GList *l = NULL;
  l = g_list_append(l, purple_account_option_list_new(
                           "Connection security", "connection_security",
                           choices("require_tls", "opportunistic_tls", "old_ssl", NULL)));
  l = g_list_append(l, purple_account_option_bool_new("Plain", "auth_plain_in_clear", FALSE));
  l = g_list_append(l, odd_port ? purple_account_option_string_new("Port", "port", "5222")
                                : purple_account_option_int_new("Port", "port", 5222));
  l = g_list_append(l, purple_account_option_string_new("Server", "connect_server", NULL));
  l = g_list_append(
      l, purple_account_option_string_new("Proxies", "ft_proxies", "proxy.eu.jabber.org"));
  l = g_list_append(l, purple_account_option_string_new("BOSH URL", "bosh_url", NULL));
  l = g_list_append(l, purple_account_option_bool_new("Smileys", "custom_smileys", TRUE));
  return l;
}

static char *
plan_keys(GArray *plan, GList *old)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < plan->len; i++) {
    XmppPurpleMigrateSetting *setting = &g_array_index(plan, XmppPurpleMigrateSetting, i);
    g_assert_cmpstr(purple_account_option_get_setting(setting->to), ==,
                    purple_account_option_get_setting(setting->from));
    g_assert_cmpint(purple_account_option_get_type(setting->to), ==,
                    purple_account_option_get_type(setting->from));
    /* from is the old protocol's option when its list is known (its default counts). */
    g_assert_true(old == NULL ? setting->from == setting->to
                              : g_list_find(old, setting->from) != NULL);
    g_string_append_printf(s, "%s%s", i > 0 ? " " : "",
                           purple_account_option_get_setting(setting->to));
  }
  return g_string_free(s, FALSE);
}

static void
free_options(GList *options)
{
  g_list_free_full(options, (GDestroyNotify)purple_account_option_destroy);
}

static void
test_option_plan(void)
{
  GList *lyre = lyre_options(), *jabber = jabber_options(FALSE);
  GArray *plan = xmpp_purple_migrate_option_plan(lyre, jabber);
  char *keys = plan_keys(plan, jabber);
  /* Every key both know, in Lyre's order; Lyre's own (CA file, channel binding) and
   * prpl-jabber's own (BOSH) stay out. */
  g_assert_cmpstr(keys, ==,
                  "connection_security auth_plain_in_clear port connect_server ft_proxies "
                  "custom_smileys");
  /* The old protocol's default is what an unset value meant there. */
  XmppPurpleMigrateSetting *proxies = &g_array_index(plan, XmppPurpleMigrateSetting, 4);
  g_assert_cmpstr(purple_account_option_get_default_string(proxies->from), ==,
                  "proxy.eu.jabber.org");
  g_free(keys);
  g_array_free(plan, TRUE);
  free_options(jabber);

  /* A key with another type there is not read (its value would be misread). */
  jabber = jabber_options(TRUE);
  plan = xmpp_purple_migrate_option_plan(lyre, jabber);
  keys = plan_keys(plan, jabber);
  g_assert_cmpstr(keys, ==,
                  "connection_security auth_plain_in_clear connect_server ft_proxies "
                  "custom_smileys");
  g_free(keys);
  g_array_free(plan, TRUE);
  free_options(jabber);

  /* prpl-jabber not loaded: its keys as Lyre declares them, nothing of Lyre's own. */
  plan = xmpp_purple_migrate_option_plan(lyre, NULL);
  keys = plan_keys(plan, NULL);
  g_assert_cmpstr(keys, ==,
                  "connection_security auth_plain_in_clear port connect_server ft_proxies "
                  "custom_smileys");
  g_free(keys);
  g_array_free(plan, TRUE);

  /* Nothing to copy into, odd lists. */
  plan = xmpp_purple_migrate_option_plan(NULL, lyre);
  g_assert_cmpuint(plan->len, ==, 0);
  g_array_free(plan, TRUE);
  GList *odd = g_list_append(NULL, NULL);
  plan = xmpp_purple_migrate_option_plan(odd, odd);
  g_assert_cmpuint(plan->len, ==, 0);
  g_array_free(plan, TRUE);
  g_list_free(odd);

  /* A choice is copied only when Lyre offers it. */
  PurpleAccountOption *security = lyre->data;
  g_assert_true(xmpp_purple_migrate_choice_known(security, "opportunistic_tls"));
  g_assert_true(xmpp_purple_migrate_choice_known(security, "old_ssl"));
  g_assert_false(xmpp_purple_migrate_choice_known(security, "require_starttls"));
  g_assert_false(xmpp_purple_migrate_choice_known(security, NULL));
  g_assert_false(xmpp_purple_migrate_choice_known(NULL, "old_ssl"));
  g_assert_false(xmpp_purple_migrate_choice_known(lyre->next->data, "old_ssl")); /* a bool */
  free_options(lyre);
}

/* ---- where the logs go -------------------------------------------------------------------- */

static void
check_target(const char *folder, const char *want)
{
  char *got = xmpp_purple_migrate_log_target(folder);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
}

static void
test_log_target(void)
{
  /* A contact (prpl-jabber already wrote it normalised: unchanged). */
  check_target("bob@example.test", "bob@example.test");
  /* Lyre normalises as prpl-jabber did: case-mapped local part and domain. */
  check_target("Bob@Example.Test", "bob@example.test");
  /* A room and the account's own folder. */
  check_target("room@conference.example.test.chat", "room@conference.example.test.chat");
  check_target("Room@Conference.example.test.chat", "room@conference.example.test.chat");
  check_target(".system", ".system");
  /* Escaped characters (purple_escape_filename): a non-ASCII local part, a resource. */
  check_target("%c3%a9lise@example.test", "%c3%a9lise@example.test");
  check_target("%c3%89lise@example.test", "%c3%a9lise@example.test");
  check_target("room@conf.example.test%2fnick", "room@conf.example.test%2fnick");
  /* Not a JID: kept as it is, never NULL. */
  check_target("not a jid", "not a jid");
  check_target("%ff%fe", "%ff%fe");
  check_target("", "");
  char *none = xmpp_purple_migrate_log_target(NULL);
  g_assert_cmpstr(none, ==, "");
  g_free(none);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
  g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_free(path);
}

static char *
read_file(const char *dir, const char *sub, const char *name)
{
  char *path = g_build_filename(dir, sub, name, NULL), *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    text = NULL;
  g_free(path);
  return text;
}

static void
remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  const char *entry;
  while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
    char *child = g_build_filename(path, entry, NULL);
    if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
      remove_tree(child);
    else
      g_unlink(child);
    g_free(child);
  }
  if (dir != NULL)
    g_dir_close(dir);
  g_rmdir(path);
}

static void
test_copy_logs(void)
{
  char *root = g_dir_make_tmp("lyre-migrate-XXXXXX", NULL);
  g_assert_nonnull(root);
  char *from = g_build_filename(root, "logs", "jabber", "alice@example.test", NULL);
  char *to = g_build_filename(root, "logs", "lyre", "alice@example.test%2fhome", NULL);
  char *bob = g_build_filename(from, "Bob@example.test", NULL);
  char *room = g_build_filename(from, "room@conference.example.test.chat", NULL);
  char *system = g_build_filename(from, ".system", NULL);
  write_file(bob, "2026-12-01.101500+0100CET.html", "<html>hello bob</html>");
  write_file(bob, "2026-12-02.090000+0100CET.txt", "again");
  write_file(room, "2026-12-03.200000+0100CET.html", "in the room");
  write_file(system, "2026-12-01.101400+0100CET.html", "signed on");
  /* Odd things that are not copied: a deeper folder, a link, a file at the account's level. */
  char *deeper = g_build_filename(bob, "deeper", NULL);
  write_file(deeper, "x.html", "deep");
  char *link = g_build_filename(bob, "link.html", NULL);
  g_assert_cmpint(symlink("/etc/passwd", link), ==, 0);
  write_file(from, "stray.html", "stray");

  guint failed = 99;
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(from, to, &failed), ==, 4);
  g_assert_cmpuint(failed, ==, 0);
  char *text = read_file(to, "bob@example.test", "2026-12-01.101500+0100CET.html");
  g_assert_cmpstr(text, ==, "<html>hello bob</html>");
  g_free(text);
  text = read_file(to, "room@conference.example.test.chat", "2026-12-03.200000+0100CET.html");
  g_assert_cmpstr(text, ==, "in the room");
  g_free(text);
  text = read_file(to, ".system", "2026-12-01.101400+0100CET.html");
  g_assert_cmpstr(text, ==, "signed on");
  g_free(text);
  text = read_file(to, "bob@example.test", "link.html");
  g_assert_null(text);
  char *deep = g_build_filename(to, "bob@example.test", "deeper", NULL);
  g_assert_false(g_file_test(deep, G_FILE_TEST_EXISTS));
  g_free(deep);
  /* The originals stay. */
  text = read_file(bob, "", "2026-12-01.101500+0100CET.html");
  g_assert_cmpstr(text, ==, "<html>hello bob</html>");
  g_free(text);

  /* A second run copies nothing, and a file already there (Lyre's own, or a copy the user
   * edited) is left as it is. */
  char *bob_to = g_build_filename(to, "bob@example.test", NULL);
  write_file(bob_to, "2026-12-02.090000+0100CET.txt", "Lyre's own");
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(from, to, &failed), ==, 0);
  g_assert_cmpuint(failed, ==, 0);
  text = read_file(to, "bob@example.test", "2026-12-02.090000+0100CET.txt");
  g_assert_cmpstr(text, ==, "Lyre's own");
  g_free(text);
  /* A new log of the old account since: only that one. */
  write_file(bob, "2026-12-05.080000+0100CET.html", "later");
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(from, to, NULL), ==, 1);

  /* Nothing there, nothing given: nothing copied, nothing created. */
  char *missing = g_build_filename(root, "logs", "jabber", "nobody@example.test", NULL);
  char *nowhere = g_build_filename(root, "logs", "lyre", "nobody@example.test", NULL);
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(missing, nowhere, &failed), ==, 0);
  g_assert_cmpuint(failed, ==, 0);
  g_assert_false(g_file_test(nowhere, G_FILE_TEST_EXISTS));
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(NULL, to, NULL), ==, 0);
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(from, NULL, NULL), ==, 0);
  /* The old folder is a file: not read. A link to a folder (logs kept elsewhere) is. */
  char *file_from = g_build_filename(root, "file", NULL);
  write_file(root, "file", "x");
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(file_from, nowhere, NULL), ==, 0);
  g_assert_false(g_file_test(nowhere, G_FILE_TEST_EXISTS));
  char *link_from = g_build_filename(root, "link", NULL);
  g_assert_cmpint(symlink(from, link_from), ==, 0);
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(link_from, nowhere, NULL), ==, 5);

  /* The new folder cannot be made (a file is in the way): counted as failed, no crash. */
  char *blocked = g_build_filename(root, "blocked", NULL);
  write_file(root, "blocked", "in the way");
  g_assert_cmpuint(xmpp_purple_migrate_copy_logs(from, blocked, &failed), ==, 0);
  g_assert_cmpuint(failed, ==, 5);

  remove_tree(root);
  g_free(blocked);
  g_free(link_from);
  g_free(file_from);
  g_free(nowhere);
  g_free(missing);
  g_free(bob_to);
  g_free(link);
  g_free(deeper);
  g_free(system);
  g_free(room);
  g_free(bob);
  g_free(to);
  g_free(from);
  g_free(root);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/purple/migrate/bare", test_bare);
  g_test_add_func("/purple/migrate/select", test_select);
  g_test_add_func("/purple/migrate/option_plan", test_option_plan);
  g_test_add_func("/purple/migrate/log_target", test_log_target);
  g_test_add_func("/purple/migrate/copy_logs", test_copy_logs);
  return g_test_run();
}
