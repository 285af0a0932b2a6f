/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: what harness.c (main, connection, commands), harness-common.c and harness-ui.c
 * share; lyre-bench uses harness-common.c too. */
#ifndef LYRE_HARNESS_H
#define LYRE_HARNESS_H

#include <glib.h>
#include <purple.h>

/* Value types for emit(): emit("progress", "text", S, "..", "step", I, 2, (char *)NULL). */
enum { S = 1, I = 2 };

/* Prints one JSON object {"event":EVENT, key: value...} as a line on stdout and flushes. */
void emit(const char *event, ...);

/* How action requests are answered: "accept-once", "always" or "reject". */
void harness_set_cert_answer(const char *answer);

extern PurpleEventLoopUiOps harness_loop_ops;

/* harness-common.c: libpurple on the GLib main loop with its home in `home`, plugins also from
 * plugin_dir (may be NULL), a fresh buddy list loaded from home. Set other ui ops before. */
gboolean harness_purple_init(const char *ui_id, const char *home, const char *plugin_dir,
                             gboolean debug);
/* How many times libpurple asked the buddy-list UI to redraw node since start-up. */
guint harness_blist_updates(PurpleBlistNode *node);
/* key=value (type from the protocol's option list) or key:int=, key:bool=, key:string=. */
gboolean harness_apply_setting(PurpleAccount *acct, const char *spec);
extern PurpleRequestUiOps harness_request_ops;
extern PurpleNotifyUiOps harness_notify_ops; /* notify_message -> a "notify" event */

/* Buddy-list commands (add-buddy, remove-buddy, alias, move, rename-group, dump-buddies): TRUE
 * when line was one of them (and was run). */
gboolean harness_roster_command(PurpleAccount *account, const char *line);
/* Presence commands (dump-presence, buddy-menu, status-priority): TRUE when line was one. */
gboolean harness_presence_command(PurpleAccount *account, const char *line);
/* Privacy commands (block, unblock, deny-list, attention, mood, dump-mood) and the "attention"
 * event (harness_privacy_init connects it). */
void harness_privacy_init(void);
gboolean harness_privacy_command(PurpleAccount *account, const char *line);
/* Info commands (get-info, ping) and the "userinfo" events (harness_info_init sets them up). */
void harness_info_init(void);
gboolean harness_info_command(PurpleAccount *account, const char *line);

/* Account services (harness-ui.c): every fields request is answered here (defaults submitted
 * when a command asked, else cancelled); returns the ui handle; --register; change-password,
 * dump-password, adhoc-list, adhoc-run. */
void *harness_accountsvc_fields(const char *title, const char *primary, const char *secondary,
                                PurpleRequestFields *fields, GCallback ok_cb, GCallback cancel_cb,
                                void *user_data);
void harness_register(PurpleAccount *account);
/* Runs the protocol's account action (the Accounts menu) whose label starts with prefix;
 * FALSE when there is none. */
gboolean harness_run_account_action(PurpleAccount *account, const char *prefix);
/* The same for a protocol plugin's action, with gc (may be NULL) as its context. */
gboolean harness_run_plugin_action(PurplePlugin *prpl, PurpleConnection *gc, const char *prefix);
gboolean harness_accountsvc_command(PurpleAccount *account, const char *line);

/* Tools (harness-tools.c): account actions by name, the XML console, search results and
 * formatted notices (harness_tools_init sets their ui ops). */
void harness_tools_init(void);
/* Input requests answered with their default (TRUE) or cancelled (FALSE, the default). */
void harness_set_input_answer(gboolean answer);
/* Group chat commands and events (harness-rooms.c). */
gboolean harness_rooms_command(PurpleAccount *account, const char *line);
void harness_rooms_init(void);
/* A fill-field asked for: the next fields request with a text field so labelled gets the value
 * and is answered OK (TRUE). */
gboolean harness_rooms_fill_fields(PurpleRequestFields *fields);
gboolean harness_tools_command(PurpleAccount *account, const char *line);
/* File transfers (harness-files.c): send-file, can-send-file, cancel-xfers, and xfer events. */
void harness_files_init(void);
/* accept-files: offered files are accepted (TRUE), and saved where this says (a new path to
 * free, inside the folder given; NULL: not accepting). */
gboolean harness_files_accepting(void);
char *harness_files_save_path(const char *filename);
gboolean harness_files_command(PurpleAccount *account, const char *line);

/* Profile commands (harness-profile.c): set-vcard, set-icon, buddy-icon. fill_fields puts a
 * pending set-vcard's values into the vCard form (TRUE: answer it with OK). */
gboolean harness_profile_command(PurpleAccount *account, const char *line);
gboolean harness_profile_fill_fields(PurpleRequestFields *fields);
/* harness-ui.c: answers a fields request with OK on the next idle (returns the ui handle). */
void *harness_answer_fields_ok(PurpleRequestFields *fields, GCallback ok_cb, void *user_data);

#endif
