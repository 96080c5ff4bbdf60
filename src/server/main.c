/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "truestory-server"

/* truestory-server: options, the data directory, and the main loop. The
 * server itself is libtruestory-server. */

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "ts-admin.h"
#include "ts-data-lock.h"
#include "ts-evictions.h"
#include "ts-password-pool.h"
#include "ts-server.h"
#include "ts-pusher.h"

#define CONFIG_FILE "truestory-server.conf"
#define DEFAULT_LISTEN "127.0.0.1:8080"
/* How long a stop waits for queued events to reach an external service. */
#define DRAIN_SECONDS 5

typedef struct {
  char *listen;
  char *data_dir;
  char *database;
  char *config;
  char *public_url;
  char *app_id;
  char *app_key;
  char *app_secret;
  char *realtime_url;
  char *realtime_ws_host;
  int realtime_ws_port;
  gboolean realtime_tls;
  int history;
  TsServerTimeouts timeouts;
  int session_days;
  char **trusted_proxies;
  TsAdminOptions admin;
  gboolean version;
} Options;

static Options options = {
  .history = TS_STORE_DEFAULT_HISTORY,
  .timeouts = { TS_SERVER_HEAD_TIMEOUT_S, TS_SERVER_IDLE_TIMEOUT_S, TS_SERVER_BODY_TIMEOUT_S },
  .session_days = TS_STORE_DEFAULT_SESSION_DAYS,
};

static GOptionEntry entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &options.listen,
    "Listen on ADDR:PORT (default " DEFAULT_LISTEN "; port 0 picks a free port)", "ADDR:PORT" },
  { "database", 0, 0, G_OPTION_ARG_STRING, &options.database,
    "Keep everything in this PostgreSQL database instead of SQLite in the data directory; "
    "several servers may share one", "postgresql://USER@HOST/DB" },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options.data_dir,
    "Keep the database and the app credentials in DIR (default: the user's data directory); "
    "with --database, optional, and only this server's own config and lock", "DIR" },
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options.config,
    "Read options from FILE (default: DIR/" CONFIG_FILE " when it exists)", "FILE" },
  { "public-url", 0, 0, G_OPTION_ARG_STRING, &options.public_url,
    "The URL clients reach this server at, behind a TLS proxy (https://tracker.example.org)", "URL" },
  { "history", 0, 0, G_OPTION_ARG_INT, &options.history,
    "Keep the last N changes of each project for clients catching up (default 10000)", "N" },
  { "head-timeout", 0, 0, G_OPTION_ARG_INT, &options.timeouts.head_s,
    "Close a connection whose first request head is not complete after S seconds (default 10, "
    "at most 30)", "S" },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &options.timeouts.idle_s,
    "Close a kept-alive connection idle S seconds after its last answer (default 60)", "S" },
  { "body-timeout", 0, 0, G_OPTION_ARG_INT, &options.timeouts.body_s,
    "Close a connection whose request body makes no progress for S seconds (default 10)", "S" },
  { "session-days", 0, 0, G_OPTION_ARG_INT, &options.session_days,
    "A sign-in token unused for N days stops working (default 90)", "N" },
  { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.trusted_proxies,
    "Count sign-ins from this reverse proxy under the last X-Forwarded-For address "
    "(repeatable, or a comma list; addresses or networks; default none)", "ADDR" },
  { "app-id", 0, 0, G_OPTION_ARG_STRING, &options.app_id,
    "The Pusher app id of the embedded hub (default: made on first start)", "ID" },
  { "app-key", 0, 0, G_OPTION_ARG_STRING, &options.app_key,
    "The Pusher app key of the embedded hub", "KEY" },
  { "app-secret", 0, 0, G_OPTION_ARG_STRING, &options.app_secret,
    "The Pusher app secret of the embedded hub", "SECRET" },
  { "realtime-url", 0, 0, G_OPTION_ARG_STRING, &options.realtime_url,
    "Publish through an external Pusher-compatible service instead of the embedded hub",
    "http://KEY:SECRET@HOST:PORT/apps/APP_ID" },
  { "realtime-ws-host", 0, 0, G_OPTION_ARG_STRING, &options.realtime_ws_host,
    "The host clients open WebSockets to, with --realtime-url (default: its host)", "HOST" },
  { "realtime-ws-port", 0, 0, G_OPTION_ARG_INT, &options.realtime_ws_port,
    "The port clients open WebSockets to, with --realtime-url (default: its port)", "PORT" },
  { "realtime-tls", 0, 0, G_OPTION_ARG_NONE, &options.realtime_tls,
    "Clients use wss:// to reach the external service", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &options.version,
    "Print the version and exit", NULL },
  { NULL }
};

static GOptionEntry admin_entries[] = {
  { "email", 0, 0, G_OPTION_ARG_STRING, &options.admin.email,
    "The user's email (user add, remove, password; member add, remove)", "EMAIL" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &options.admin.name, "The new user's name (user add)",
    "NAME" },
  { "project", 0, 0, G_OPTION_ARG_INT64, &options.admin.project_id,
    "The project's id (member add, remove; import-tracker)", "ID" },
  { "as", 0, 0, G_OPTION_ARG_STRING, &options.admin.as_email,
    "The member an import acts as (import-tracker; default: the project's first member)", "EMAIL" },
  { "from", 0, 0, G_OPTION_ARG_FILENAME, &options.admin.from,
    "The data directory to copy (migrate)", "DATA_DIR" },
  { "to", 0, 0, G_OPTION_ARG_STRING, &options.admin.to,
    "The empty PostgreSQL database to copy it into (migrate)", "postgresql://USER@HOST/DB" },
  { NULL }
};

/* A config file may hold the hub's secret or the external service's:
 * say so when others may read it. The server never writes it. */
static void
warn_if_open (const char *path,
              GKeyFile   *file)
{
  GStatBuf info;

  if (!g_key_file_has_key (file, "realtime", "app-secret", NULL) &&
      !g_key_file_has_key (file, "realtime", "url", NULL))
    return;
  if (g_stat (path, &info) != 0 || (info.st_mode & (S_IRWXG | S_IRWXO)) == 0)
    return;
  g_printerr ("truestory-server: warning: %s holds a secret and is open to other users "
              "(mode %03o): `chmod 600 %s`\n", path, (guint) (info.st_mode & 0777), path);
}

/* Options not given on the command line come from the config file's
 * [server] and [realtime] groups, under the same names. */
static gboolean
load_config (GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = NULL;
  gboolean explicit = options.config != NULL;

  if (!explicit && options.data_dir == NULL)
    return TRUE;
  path = explicit ? g_strdup (options.config)
                  : g_build_filename (options.data_dir, CONFIG_FILE, NULL);
  if (!explicit && !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }

  warn_if_open (path, file);

#define FROM_FILE(field, group, key) \
  if (options.field == NULL) \
    options.field = g_key_file_get_string (file, group, key, NULL);
  FROM_FILE (listen, "server", "listen");
  FROM_FILE (public_url, "server", "public-url");
  FROM_FILE (app_id, "realtime", "app-id");
  FROM_FILE (app_key, "realtime", "app-key");
  FROM_FILE (app_secret, "realtime", "app-secret");
  FROM_FILE (realtime_url, "realtime", "url");
  FROM_FILE (realtime_ws_host, "realtime", "ws-host");
#undef FROM_FILE
  if (g_key_file_has_key (file, "server", "history", NULL) && options.history == TS_STORE_DEFAULT_HISTORY)
    options.history = g_key_file_get_integer (file, "server", "history", NULL);
#define TIMEOUT_FROM_FILE(field, key, default) \
  if (g_key_file_has_key (file, "server", key, NULL) && options.timeouts.field == default) \
    options.timeouts.field = g_key_file_get_integer (file, "server", key, NULL);
  TIMEOUT_FROM_FILE (head_s, "head-timeout", TS_SERVER_HEAD_TIMEOUT_S);
  TIMEOUT_FROM_FILE (idle_s, "idle-timeout", TS_SERVER_IDLE_TIMEOUT_S);
  TIMEOUT_FROM_FILE (body_s, "body-timeout", TS_SERVER_BODY_TIMEOUT_S);
#undef TIMEOUT_FROM_FILE
  if (g_key_file_has_key (file, "server", "session-days", NULL) &&
      options.session_days == TS_STORE_DEFAULT_SESSION_DAYS)
    options.session_days = g_key_file_get_integer (file, "server", "session-days", NULL);
  if (options.trusted_proxies == NULL)
    options.trusted_proxies = g_key_file_get_string_list (file, "server", "trusted-proxy",
                                                          NULL, NULL);
  if (g_key_file_has_key (file, "realtime", "ws-port", NULL) && options.realtime_ws_port == 0)
    options.realtime_ws_port = g_key_file_get_integer (file, "realtime", "ws-port", NULL);
  if (g_key_file_has_key (file, "realtime", "tls", NULL) && !options.realtime_tls)
    options.realtime_tls = g_key_file_get_boolean (file, "realtime", "tls", NULL);
  return TRUE;
}

static char *
random_hex (guint n_bytes)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (text, "%02x", g_random_int_range (0, 256));
  return g_string_free (text, FALSE);
}

/* The hub's app credentials: options, else those made on the first start,
 * kept in the database. */
static gboolean
ensure_credentials (TsStore  *store,
                    GError  **error)
{
  struct { char **option; const char *setting; } credentials[] = {
    { &options.app_id, "pusher.app_id" },
    { &options.app_key, "pusher.key" },
    { &options.app_secret, "pusher.secret" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
    {
      if (*credentials[i].option != NULL)
        continue;
      *credentials[i].option = ts_store_dup_setting (store, credentials[i].setting);
      if (*credentials[i].option != NULL)
        continue;

      /* GLib's GRand seeds from /dev/urandom; the secret is what matters
       * and it takes 128 bits. */
      if (i == 0)
        *credentials[i].option = g_strdup_printf ("%u", g_random_int_range (1000000, 9999999));
      else
        *credentials[i].option = random_hex (i == 1 ? 10 : 16);
      /* Servers starting together on one PostgreSQL database each make
       * credentials: the first kept wins, and everyone reads it back. */
      if (!ts_store_add_setting (store, credentials[i].setting, *credentials[i].option, error))
        return FALSE;
      g_free (*credentials[i].option);
      *credentials[i].option = ts_store_dup_setting (store, credentials[i].setting);
      if (*credentials[i].option == NULL)
        {
          g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                       "cannot read back the setting %s", credentials[i].setting);
          return FALSE;
        }
      g_message ("Made the Pusher app credentials (%s) in the database", credentials[i].setting);
    }
  return TRUE;
}

static GInetSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  GSocketAddress *address;

  connectable = g_network_address_parse (text, 8080, error);
  if (connectable == NULL)
    return NULL;
  enumerator = g_socket_connectable_enumerate (connectable);
  address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (address == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot listen on %s", text);
      return NULL;
    }
  return G_INET_SOCKET_ADDRESS (address);
}

/* --public-url: clients reach the embedded hub where they reach the API. */
static gboolean
apply_public_url (TsServer  *server,
                  TsHub     *hub,
                  GError   **error)
{
  g_autoptr(GUri) uri = g_uri_parse (options.public_url, G_URI_FLAGS_NONE, error);
  TsRealtimeEndpoint endpoint = { 0 };
  const char *scheme;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--public-url must be an http or https URL");
      return FALSE;
    }
  endpoint.key = (char *) ts_hub_get_key (hub);
  endpoint.ws_host = (char *) g_uri_get_host (uri);
  endpoint.tls = g_str_equal (scheme, "https");
  endpoint.ws_port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : (endpoint.tls ? 443 : 80);
  endpoint.ws_path = (char *) g_uri_get_path (uri);
  if (g_str_equal (endpoint.ws_path, "/"))
    endpoint.ws_path = (char *) "";
  ts_server_set_realtime (server, &endpoint, NULL);
  return TRUE;
}

static TsPublisher *
make_publisher (TsServer       **out_server,
                TsStore         *store,
                TsHub           *hub,
                GError         **error)
{
  g_autoptr(TsPusherClient) client = NULL;
  g_autoptr(TsPublisher) publisher = NULL;
  TsRealtimeEndpoint endpoint = { 0 };

  if (options.realtime_url == NULL)
    {
      publisher = ts_publisher_new_for_hub (hub);
      *out_server = ts_server_new (store, hub, publisher);
      if (options.public_url != NULL && !apply_public_url (*out_server, hub, error))
        return NULL;
      return g_steal_pointer (&publisher);
    }

  client = ts_pusher_client_new (options.realtime_url, error);
  if (client == NULL)
    return NULL;
  publisher = ts_publisher_new_for_service (client);
  *out_server = ts_server_new (store, hub, publisher);
  endpoint.key = (char *) ts_pusher_client_get_key (client);
  endpoint.ws_host = options.realtime_ws_host != NULL ? options.realtime_ws_host
                                                      : (char *) ts_pusher_client_get_host (client);
  endpoint.ws_port = options.realtime_ws_port != 0 ? (guint) options.realtime_ws_port
                                                   : ts_pusher_client_get_port (client);
  endpoint.tls = options.realtime_tls;
  ts_server_set_realtime (*out_server, &endpoint, ts_pusher_client_get_secret (client));
  g_message ("Publishing through the external service at %s:%u",
             ts_pusher_client_get_host (client), ts_pusher_client_get_port (client));
  return g_steal_pointer (&publisher);
}

/* Every connected app holds a socket: take all the descriptors the system
 * allows us, not the default soft limit (often 1,024). */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_warning ("Cannot raise the limit of open files: at most %lu connections",
               (unsigned long) limit.rlim_cur);
}

static gboolean
stop_cb (gpointer data)
{
  g_message ("Stopping");
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
serve (TsStore    *store,
       TsDataLock *lock)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsHub) hub = NULL;
  g_autoptr(TsServer) server = NULL;
  g_autoptr(TsPublisher) publisher = NULL;
  g_autoptr(TsEvictions) evictions = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *host = NULL;
  g_autofree char *base_url = NULL;
  gint64 deadline;

  if (!ensure_credentials (store, &error) ||
      (address = parse_listen (options.listen != NULL ? options.listen : DEFAULT_LISTEN,
                               &error)) == NULL)
    goto failed;

  raise_file_limit ();
  hub = ts_hub_new (options.app_id, options.app_key, options.app_secret);
  if ((publisher = make_publisher (&server, store, hub, &error)) == NULL)
    goto failed;
  ts_server_set_timeouts (server, &options.timeouts);
  if (!ts_server_set_trusted_proxies (server, (const char * const *) options.trusted_proxies,
                                      &error) ||
      !ts_server_listen (server, address, &error))
    goto failed;

  /* Before the "listening on" line: whoever reads it may stop us at once,
   * and that stop must be the clean one. */
  g_unix_signal_add (SIGTERM, stop_cb, loop);
  g_unix_signal_add (SIGINT, stop_cb, loop);

  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  if (g_inet_address_get_family (g_inet_socket_address_get_address (address)) == G_SOCKET_FAMILY_IPV6)
    base_url = g_strdup_printf ("http://[%s]:%u", host, ts_server_get_port (server));
  else
    base_url = g_strdup_printf ("http://%s:%u", host, ts_server_get_port (server));
  if (lock != NULL && !ts_data_lock_publish (lock, base_url, &error))
    goto failed;
  /* Members removed through another server leave this one's hub too (on
   * SQLite, the server's watch evicts those an admin command removed). */
  if (options.database != NULL && options.realtime_url == NULL)
    evictions = ts_evictions_start (options.database, hub);

  g_print ("listening on %s\n", base_url);
  fflush (stdout);

  g_main_loop_run (loop);

  g_clear_pointer (&evictions, ts_evictions_stop);
  ts_server_stop (server);
  /* Give queued events a moment to reach an external service. */
  deadline = g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC;
  while (ts_publisher_get_n_pending (publisher) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_message ("Stopped");
  return 0;

failed:
  g_printerr ("truestory-server: %s\n", error->message);
  return 1;
}

/* The data directory holds the database (password hashes, the Pusher
 * secret, every project): say so when others may look into it. One this
 * server makes is 0700 already. */
static void
check_data_dir_mode (void)
{
  GStatBuf info;

  if (g_stat (options.data_dir, &info) != 0 || (info.st_mode & (S_IRWXG | S_IRWXO)) == 0)
    return;
  g_printerr ("truestory-server: warning: the data directory %s is open to other users "
              "(mode %03o); its files are kept 0600, but `chmod 700 %s` closes it\n",
              options.data_dir, (guint) (info.st_mode & 0777), options.data_dir);
}

/* The admin commands that change someone work on a database that exists:
 * a mistyped data directory is not made into an empty one. */
static gboolean
check_database_exists (TsAdminCommand command)
{
  g_autofree char *path = NULL;

  if (options.database != NULL || command == TS_ADMIN_SERVE || command == TS_ADMIN_USER_ADD ||
      command == TS_ADMIN_USER_LIST)
    return TRUE;
  path = g_build_filename (options.data_dir, TS_ADMIN_DATABASE_FILE, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  g_printerr ("truestory-server: %s holds no TrueStory database (%s)\n", options.data_dir,
              TS_ADMIN_DATABASE_FILE);
  return FALSE;
}

static GOptionContext *
make_option_context (void)
{
  GOptionContext *context = g_option_context_new ("[COMMAND]");
  GOptionGroup *admin_group;

  g_option_context_set_summary (context,
    "The TrueStory server: the REST API, the project history and realtime events.\n\n"
    "  truestory-server --listen ADDR:PORT --data-dir DIR\n"
    "      serves, and prints “listening on http://ADDR:PORT” first\n"
    "  truestory-server --listen ADDR:PORT --database postgresql://USER@HOST/DB\n"
    "      serves from PostgreSQL; several servers may share the database\n"
    "  truestory-server --data-dir DIR user add --email E --name N\n"
    "      adds a user; the password is the first line of standard input\n"
    "  truestory-server --data-dir DIR user list\n"
    "      prints every user, one a line: id, email, name, tab-separated\n"
    "  truestory-server --data-dir DIR user remove --email E\n"
    "      removes a user (not a project's only member) and ends their sessions\n"
    "  truestory-server --data-dir DIR user password --email E\n"
    "      sets a new password, the first line of standard input; ends their sessions\n"
    "  truestory-server --data-dir DIR member add --project ID --email E\n"
    "  truestory-server --data-dir DIR member remove --project ID --email E\n"
    "      adds or removes a project's member; a removed one's sockets leave at once\n"
    "  truestory-server --data-dir DIR import-tracker --project ID [--as EMAIL] FILE\n"
    "      imports Pivotal Tracker's CSV export into a project, as one change\n"
    "  (each of these takes --database instead of --data-dir too, and works beside a\n"
    "  running server; the changed user is printed as JSON)\n"
    "  truestory-server migrate --from DATA_DIR --to postgresql://USER@HOST/DB\n"
    "      copies a data directory's database into an empty PostgreSQL database\n\n"
    "Exit status: 0 done; 1 not done, with a message, and nothing changed;\n"
    "2 a wrong command line.");
  g_option_context_add_main_entries (context, entries, NULL);
  admin_group = g_option_group_new ("commands", "Options of the commands:",
                                    "Show the options of the commands", NULL, NULL);
  g_option_group_add_entries (admin_group, admin_entries);
  g_option_context_add_group (context, admin_group);
  return context;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStore) store = NULL;
  g_autoptr(TsDataLock) lock = NULL;
  g_autofree char *database = NULL;
  TsAdminCommand command;
  int usage;

  setlocale (LC_ALL, "");
  /* Whatever the server writes (the database, its -wal and -shm, SQLite's
   * temporary files) is for its own user only. */
  umask (077);

  context = make_option_context ();
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("truestory-server: %s\n", error->message);
      return TS_ADMIN_EXIT_USAGE;
    }
  if (options.version)
    {
      g_print ("truestory-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  command = ts_admin_parse_command (argc, argv);
  if (command == TS_ADMIN_UNKNOWN)
    {
      g_printerr ("truestory-server: unknown command “%s”; see --help\n", argv[1]);
      return TS_ADMIN_EXIT_USAGE;
    }
  if (command == TS_ADMIN_IMPORT_TRACKER)
    options.admin.file = g_strdup (argv[2]);
  if ((usage = ts_admin_check_options (command, &options.admin)) != 0)
    return usage;
  if (options.history < 1)
    {
      g_printerr ("truestory-server: --history must be at least 1\n");
      return TS_ADMIN_EXIT_USAGE;
    }
  if (command == TS_ADMIN_MIGRATE)
    return ts_admin_migrate (&options.admin, (guint) options.history);

  /* With --database the data directory holds only this server's own
   * config and lock, and none is needed. */
  if (options.data_dir == NULL && options.database == NULL)
    options.data_dir = g_build_filename (g_get_user_data_dir (), "truestory-server", NULL);
  if (!check_database_exists (command))
    return TS_ADMIN_EXIT_FAILED;
  if (options.data_dir != NULL && g_mkdir_with_parents (options.data_dir, 0700) != 0)
    {
      g_printerr ("truestory-server: cannot make the data directory %s\n", options.data_dir);
      return 1;
    }
  if (options.data_dir != NULL)
    check_data_dir_mode ();
  if (!load_config (&error))
    {
      g_printerr ("truestory-server: %s\n", error->message);
      return 1;
    }
  if ((int) options.timeouts.head_s < 1 || options.timeouts.head_s > TS_SERVER_MAX_HEAD_TIMEOUT_S ||
      (int) options.timeouts.idle_s < 1 || (int) options.timeouts.body_s < 1)
    {
      g_printerr ("truestory-server: --head-timeout is 1 to 30 seconds, --idle-timeout and "
                  "--body-timeout at least 1\n");
      return 2;
    }

  /* Only serving locks the data directory (see ts-data-lock.c): two
   * servers never share one, whichever database they use. The commands
   * run beside a server. */
  if (command == TS_ADMIN_SERVE && options.data_dir != NULL &&
      (lock = ts_data_lock_acquire (options.data_dir, &error)) == NULL)
    {
      g_printerr ("truestory-server: %s\n", error->message);
      return 1;
    }
  if (options.session_days < 1)
    {
      g_printerr ("truestory-server: --session-days must be at least 1\n");
      return 2;
    }

  if (options.database != NULL)
    store = ts_store_open_url (options.database, options.history, &error);
  else
    {
      database = g_build_filename (options.data_dir, TS_ADMIN_DATABASE_FILE, NULL);
      store = ts_store_open (database, options.history, &error);
    }
  if (store == NULL)
    {
      g_printerr ("truestory-server: %s\n", error->message);
      return 1;
    }
  ts_store_set_session_days (store, (guint) options.session_days);

  if (command != TS_ADMIN_SERVE)
    return ts_admin_run (command, store, &options.admin);
  return serve (store, lock);
}
