/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-admin"

#include "ts-admin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ts-data-lock.h"
#include "ts-migrate.h"
#include "ts-password-pool.h"

/*
 * The commands an operator runs from the shell, against the store of
 * --data-dir or --database, while a server may be serving it: `user add`,
 * `user list`, `user remove`, `user password`, `member add`, `member
 * remove`, each one transaction of the store (SQLite's locking and WAL,
 * or PostgreSQL's row locks, keep it safe beside the server), and
 * `migrate`. What they print on standard output is for scripts (a user as
 * JSON, or the users' lines); what went wrong goes to standard error.
 */

static int
fail (const char *message)
{
  g_printerr ("truestory-server: %s\n", message);
  return TS_ADMIN_EXIT_FAILED;
}

TsAdminCommand
ts_admin_parse_command (int    argc,
                        char **argv)
{
  static const struct { const char *noun, *verb; TsAdminCommand command; } commands[] = {
    { "user", "add", TS_ADMIN_USER_ADD },
    { "user", "list", TS_ADMIN_USER_LIST },
    { "user", "remove", TS_ADMIN_USER_REMOVE },
    { "user", "password", TS_ADMIN_USER_PASSWORD },
    { "member", "add", TS_ADMIN_MEMBER_ADD },
    { "member", "remove", TS_ADMIN_MEMBER_REMOVE },
  };

  if (argc == 1)
    return TS_ADMIN_SERVE;
  if (argc == 2 && g_str_equal (argv[1], "migrate"))
    return TS_ADMIN_MIGRATE;
  if (argc == 3 && g_str_equal (argv[1], "import-tracker"))
    return TS_ADMIN_IMPORT_TRACKER;
  for (guint i = 0; argc == 3 && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].noun) && g_str_equal (argv[2], commands[i].verb))
      return commands[i].command;
  return TS_ADMIN_UNKNOWN;
}

/**
 * ts_admin_check_options:
 *
 * Returns: 0 when @command has the options it needs, else
 *   %TS_ADMIN_EXIT_USAGE, having said which are missing
 */
int
ts_admin_check_options (TsAdminCommand        command,
                        const TsAdminOptions *options)
{
  const char *needs = NULL;

  switch (command)
    {
    case TS_ADMIN_USER_ADD:
      if (options->email == NULL || options->name == NULL)
        needs = "user add needs --email and --name";
      break;
    case TS_ADMIN_USER_REMOVE:
    case TS_ADMIN_USER_PASSWORD:
      if (options->email == NULL)
        needs = command == TS_ADMIN_USER_REMOVE ? "user remove needs --email"
                                                : "user password needs --email";
      break;
    case TS_ADMIN_MEMBER_ADD:
    case TS_ADMIN_MEMBER_REMOVE:
      if (options->email == NULL || options->project_id <= 0)
        needs = command == TS_ADMIN_MEMBER_ADD ? "member add needs --project ID and --email"
                                               : "member remove needs --project ID and --email";
      break;
    case TS_ADMIN_MIGRATE:
      if (options->from == NULL || options->to == NULL)
        needs = "migrate needs --from DATA_DIR and --to postgresql://…";
      break;
    case TS_ADMIN_IMPORT_TRACKER:
      if (options->project_id <= 0 || options->file == NULL)
        needs = "import-tracker needs --project ID and the FILE";
      break;
    case TS_ADMIN_SERVE:
    case TS_ADMIN_USER_LIST:
    case TS_ADMIN_UNKNOWN:
      break;
    }
  if (needs == NULL)
    return 0;
  g_printerr ("truestory-server: %s\n", needs);
  return TS_ADMIN_EXIT_USAGE;
}

/* The first line of standard input, without its line end; NULL at the
 * end of input. Read whole, however long, so that a password over the
 * limit is refused rather than cut. Freed with free_password(). */
static char *
read_password_line (void)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t length = getline (&line, &size, stdin);

  if (length < 0)
    {
      free (line);
      return NULL;
    }
  if (length > 0 && line[length - 1] == '\n')
    line[--length] = '\0';
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';
  return line;
}

static void
free_password (char *password)
{
  if (password == NULL)
    return;
  sodium_memzero (password, strlen (password));
  free (password);
}

/* A password read from standard input, wiped when freed. */
typedef char Password;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Password, free_password)

static void
print_user (TsUser *user)
{
  g_autoptr(JsonNode) node = ts_user_to_json (user);
  g_autofree char *text = ts_json_to_string (node);

  g_print ("%s\n", text);
}

/* `user list`: one user a line, id, email and name separated by tabs
 * (neither an email nor a name holds a control character). */
static int
list_users (TsStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = ts_store_list_users (store, &error);

  if (users == NULL)
    return fail (error->message);
  for (guint i = 0; i < users->len; i++)
    {
      TsUser *user = users->pdata[i];

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\n", ts_user_get_id (user),
               ts_user_get_email (user), ts_user_get_name (user));
    }
  return TS_ADMIN_EXIT_OK;
}

/* A password from standard input, checked; NULL having said why not. */
static char *
read_new_password (const char *command)
{
  g_autoptr(GError) error = NULL;
  char *password = read_password_line ();

  if (password == NULL)
    {
      g_printerr ("truestory-server: %s reads the password from the first line of standard "
                  "input\n", command);
      return NULL;
    }
  if (!ts_store_check_password (password, &error))
    {
      fail (error->message);
      free_password (password);
      return NULL;
    }
  return password;
}

/* `user add --email E --name N`, the password on the first line of stdin. */
static int
add_user (TsStore              *store,
          const TsAdminOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(Password) password = read_new_password ("user add");

  if (password == NULL)
    return TS_ADMIN_EXIT_FAILED;
  user = ts_store_add_user (store, options->email, options->name, password, &error);
  if (user == NULL)
    return fail (error->message);
  print_user (user);
  return TS_ADMIN_EXIT_OK;
}

/* What a command changes, inside its transaction. */
typedef TsUser *(*AdminChange) (TsStore              *store,
                                const TsAdminOptions *options,
                                gpointer              data,
                                GError              **error);

/* Runs @change in one transaction and prints whom it concerned. */
static int
change_and_print (TsStore              *store,
                  const TsAdminOptions *options,
                  AdminChange           change,
                  gpointer              data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) user = NULL;

  if (!ts_store_begin (store, &error))
    return fail (error->message);
  if ((user = change (store, options, data, &error)) == NULL)
    {
      ts_store_rollback (store);
      ts_store_commit (store, NULL);
      return fail (error->message);
    }
  if (!ts_store_end (store, &error) || !ts_store_commit (store, &error))
    return fail (error->message);
  print_user (user);
  return TS_ADMIN_EXIT_OK;
}

static TsUser *
remove_user (TsStore              *store,
             const TsAdminOptions *options,
             gpointer              data,
             GError              **error)
{
  return ts_store_remove_user (store, options->email, error);
}

static TsUser *
reset_password (TsStore              *store,
                const TsAdminOptions *options,
                gpointer              hash,
                GError              **error)
{
  gint64 n_sessions = 0;
  TsUser *user = ts_store_reset_password (store, options->email, hash, &n_sessions, error);

  if (user != NULL)
    g_printerr ("truestory-server: ended %" G_GINT64_FORMAT " session%s of %s\n", n_sessions,
                n_sessions == 1 ? "" : "s", ts_user_get_email (user));
  return user;
}

/* `user password --email E`: a reset. The password is hashed before the
 * transaction, which then holds SQLite's write lock for no longer than
 * its few statements. */
static int
change_password (TsStore              *store,
                 const TsAdminOptions *options)
{
  g_autoptr(Password) password = read_new_password ("user password");
  g_autofree char *hash = NULL;

  if (password == NULL)
    return TS_ADMIN_EXIT_FAILED;
  if ((hash = ts_password_hash (password)) == NULL)
    return fail ("out of memory while hashing the password");
  return change_and_print (store, options, reset_password, hash);
}

static TsUser *
add_member (TsStore              *store,
            const TsAdminOptions *options,
            gpointer              data,
            GError              **error)
{
  gboolean added = FALSE;
  TsUser *member = ts_store_admin_add_member (store, options->project_id, options->email,
                                              &added, error);

  if (member != NULL && !added)
    g_printerr ("truestory-server: %s was a member of project %" G_GINT64_FORMAT " already\n",
                ts_user_get_email (member), options->project_id);
  return member;
}

static TsUser *
remove_member (TsStore              *store,
               const TsAdminOptions *options,
               gpointer              data,
               GError              **error)
{
  return ts_store_admin_remove_member (store, options->project_id, options->email, error);
}

/**
 * ts_admin_run:
 * @command: a command on one store (not serving, nor migrate)
 *
 * Returns: the exit status
 */
int
ts_admin_run (TsAdminCommand        command,
              TsStore              *store,
              const TsAdminOptions *options)
{
  switch (command)
    {
    case TS_ADMIN_USER_LIST:
      return list_users (store);
    case TS_ADMIN_USER_ADD:
      return add_user (store, options);
    case TS_ADMIN_USER_REMOVE:
      return change_and_print (store, options, remove_user, NULL);
    case TS_ADMIN_USER_PASSWORD:
      return change_password (store, options);
    case TS_ADMIN_MEMBER_ADD:
      return change_and_print (store, options, add_member, NULL);
    case TS_ADMIN_MEMBER_REMOVE:
      return change_and_print (store, options, remove_member, NULL);
    case TS_ADMIN_IMPORT_TRACKER:
      return ts_admin_import_tracker (store, options);
    case TS_ADMIN_SERVE:
    case TS_ADMIN_MIGRATE:
    case TS_ADMIN_UNKNOWN:
      break;
    }
  g_return_val_if_reached (TS_ADMIN_EXIT_USAGE);
}

/**
 * ts_admin_migrate:
 *
 * `migrate --from DATA_DIR --to URL`: the data directory's database,
 * locked against a server for the while (one serving it could change it
 * after the copy), copied into the empty PostgreSQL database at URL.
 *
 * Returns: the exit status
 */
int
ts_admin_migrate (const TsAdminOptions *options,
                  guint                 history_limit)
{
  g_autofree char *path = g_build_filename (options->from, TS_ADMIN_DATABASE_FILE, NULL);
  g_autofree char *config = g_build_filename (options->from, "truestory-server.conf", NULL);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(TsDataLock) lock = NULL;
  g_autoptr(TsStore) source = NULL;
  g_autoptr(TsStore) target = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("truestory-server: %s holds no TrueStory database (%s)\n", options->from,
                  TS_ADMIN_DATABASE_FILE);
      return TS_ADMIN_EXIT_FAILED;
    }
  if ((lock = ts_data_lock_acquire (options->from, &error)) == NULL)
    {
      g_printerr ("truestory-server: %s; stop it before migrating\n", error->message);
      return TS_ADMIN_EXIT_FAILED;
    }
  if ((source = ts_store_open (path, history_limit, &error)) == NULL ||
      (target = ts_store_open_url (options->to, history_limit, &error)) == NULL ||
      !ts_migrate_copy (source, target, report, &error))
    return fail (error->message);

  g_print ("%s\n", report->str);
  g_print ("Every table was copied and counted; serve it with --database.\n");
  if (g_file_test (config, G_FILE_TEST_EXISTS))
    g_printerr ("truestory-server: note: %s is not in the database: give its options to the "
                "servers on PostgreSQL (--config)\n", config);
  return TS_ADMIN_EXIT_OK;
}
