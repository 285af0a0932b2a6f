/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moving accounts over from the built-in XMPP plugin (prpl-jabber) to Lyre: the account action,
 * the first-run offer, and the pure parts they are made of (which accounts, which settings,
 * where the logs go), which the unit tests call directly. */
#pragma once

#include <purple.h>

G_BEGIN_DECLS

#define XMPP_PURPLE_MIGRATE_FROM "prpl-jabber"
/* Set once the first-run offer was shown: it is not shown again. */
#define XMPP_PURPLE_PREF_ROOT              "/plugins/prpl/lyre"
#define XMPP_PURPLE_PREF_MIGRATION_OFFERED XMPP_PURPLE_PREF_ROOT "/migration_offered"

/* ---- the plugin's side -------------------------------------------------------------------- */

/* The plugin's load and unload (purple-plugin.c's plugin_info): at load, once the UI has loaded
 * the accounts, the buddy list and the pounces (the first main loop iteration), prpl-jabber
 * accounts without a Lyre twin are offered a move, once (the pref above). */
gboolean xmpp_purple_migrate_load(PurplePlugin *plugin);
gboolean xmpp_purple_migrate_unload(PurplePlugin *plugin);
/* Appends "Move Accounts from the Built-in XMPP Plugin…". */
GList *xmpp_purple_migrate_actions(GList *actions);

/* ---- pure parts --------------------------------------------------------------------------- */

/* The bare JID of a username ("user@domain/resource", the resource optional), normalised
 * (PRECIS, IDNA) so that two spellings of one address compare equal; NULL when invalid. */
char *xmpp_purple_migrate_bare(const char *username);

typedef struct {
  const char *protocol_id;
  const char *username;
} XmppPurpleMigrateAccount;

/* Which of n accounts to move, as indices (guint) in their order: the prpl-jabber accounts with
 * a valid username whose bare JID no prpl-lyre account has (that one is its twin: already moved,
 * or made by hand); of several with one bare JID, the first. */
GArray *xmpp_purple_migrate_select(const XmppPurpleMigrateAccount *accounts, guint n);

/* One setting a moved account takes over: Lyre's option and the old protocol's option with the
 * same key and type (its default is what an unset value meant there; `from` == `to` when the old
 * protocol's list is not known). */
typedef struct {
  PurpleAccountOption *to;
  PurpleAccountOption *from;
} XmppPurpleMigrateSetting;

/* The settings to copy, in the order of `lyre` (Lyre's protocol_options): every option whose key
 * `old` (the old protocol's protocol_options) has with the same type. With `old` NULL (the old
 * plugin is not loaded), the options whose keys are prpl-jabber's (XMPP_PURPLE_OPT_SECURITY,
 * ..._PLAIN_IN_CLEAR, ..._CONNECT_SERVER, ..._PORT, ..._FT_PROXIES, ..._CUSTOM_SMILEYS). */
GArray *xmpp_purple_migrate_option_plan(GList *lyre, GList *old);
/* Whether value is one of a list option's choices (an unknown one is not copied). */
gboolean xmpp_purple_migrate_choice_known(PurpleAccountOption *option, const char *value);

/* A conversation folder under the old account's log folder (purple_escape_filename of the name
 * as prpl-jabber normalised it; "<room>.chat" for a chat; ".system") to its name under the Lyre
 * account: the name normalised as Lyre's normalize does, escaped the same way. A name that is no
 * JID stays as it is. Never NULL. */
char *xmpp_purple_migrate_log_target(const char *folder);

/* Copies the old account's log folder `from` into the new account's `to` (created as needed):
 * each conversation folder under its xmpp_purple_migrate_log_target name, each regular file not
 * there yet (written whole or not at all); a file already there is left alone, so a second run
 * copies nothing. Links, deeper folders and anything unreadable are skipped. Returns the number
 * of files copied; *failed (optional) receives the number that could not be. */
guint xmpp_purple_migrate_copy_logs(const char *from, const char *to, guint *failed);

G_END_DECLS
