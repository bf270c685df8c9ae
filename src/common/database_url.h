#ifndef STIGMER_COMMON_DATABASE_URL_H_
#define STIGMER_COMMON_DATABASE_URL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer {

// stigmer-server's store (config server.database): empty for the embedded SQLite file, or a
// PostgreSQL URL, postgres://[user[:password]@][host][:port][,host[:port]…][/database][?k=v&…]
// (postgresql:// too), as libpq takes it.

// Whether `value` names a PostgreSQL database (its scheme is postgres:// or postgresql://).
bool IsPostgresUrl(absl::string_view value);

// OK for an empty value or a well-formed PostgreSQL URL. Otherwise InvalidArgument saying what
// is wrong, e.g. `"postgres://u:***@db:x/s" has a port that is not a number from 1 to 65535;
// expected …`; the message never holds the password (callers put the setting's name first).
absl::Status ValidateDatabaseUrl(absl::string_view value);

// `value` with any password (after user: in the URL, or a password= parameter) replaced by ***.
// Any other scheme://user:password@… is masked the same way; text without "://" comes back as
// it is.
std::string MaskDatabaseUrl(absl::string_view value);

// The password the URL holds ("" when none), percent-decoded: for scrubbing it from messages.
std::string DatabaseUrlPassword(absl::string_view value);

// "host:port" of the first host a PostgreSQL URL names, for messages; libpq's defaults
// ("localhost", 5432) stand in for what it leaves out.
std::string DatabaseHostPort(absl::string_view value);

}  // namespace stigmer

#endif  // STIGMER_COMMON_DATABASE_URL_H_
