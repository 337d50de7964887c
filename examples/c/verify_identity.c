/*
 * Verifies an identity given on the command line with the pexelize-identity
 * C library, as a C server would verify the identity that the editor sends.
 *
 *   cc verify_identity.c $(pkg-config --cflags --libs pexelize-identity) \
 *       -o verify_identity
 *   PEXELIZE_SECURITY_KEY=... ./verify_identity USER_ID SIGNATURE
 *
 * Prints one line: "accepted: ..." with the key that matched, or
 * "rejected: CODE". Exits 0 when accepted, 1 when rejected, 2 on a usage or
 * configuration error. The key and the signature are never printed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pexelize_identity.h>

/* Returns the key from the environment, or NULL after printing why it cannot
 * be used. A value with whitespace around it is rejected because a trailing
 * newline from a secrets file would otherwise become part of the key. */
static const char *security_key_from_env(void) {
  const char *key = getenv("PEXELIZE_SECURITY_KEY");
  size_t len = key ? strlen(key) : 0;

  if (len == 0) {
    fprintf(stderr, "error: PEXELIZE_SECURITY_KEY is missing or empty; "
                    "set it to the security key from your dashboard\n");
    return NULL;
  }
  if (isspace((unsigned char)key[0]) || isspace((unsigned char)key[len - 1])) {
    fprintf(stderr, "error: PEXELIZE_SECURITY_KEY has leading or trailing "
                    "whitespace; remove it (a trailing newline is common)\n");
    return NULL;
  }
  return key;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr,
            "usage: %s USER_ID SIGNATURE\n"
            "The key is read from PEXELIZE_SECURITY_KEY.\n",
            argv[0]);
    return 2;
  }
  const char *user_id = argv[1];
  const char *signature = argv[2];
  const char *key = security_key_from_env();
  if (key == NULL)
    return 2;

  pexelize_keyring *ring = NULL;
  pexelize_status status =
      pexelize_keyring_new((const uint8_t *)key, strlen(key), NULL, &ring);
  if (status != PEXELIZE_OK) {
    fprintf(stderr, "error: cannot use PEXELIZE_SECURITY_KEY: %s\n",
            pexelize_status_code(status));
    return 2;
  }

  const char *key_id = NULL;
  const char *detail = "none";
  status = pexelize_keyring_verify_detail(
      ring, (const uint8_t *)user_id, strlen(user_id), signature,
      strlen(signature), 0, &key_id, &detail);
  if (status == PEXELIZE_OK)
    printf("accepted: user ID \"%s\" signed with key \"%s\"\n", user_id,
           key_id);
  else
    printf("rejected: %s (%s) for user ID \"%s\"\n",
           pexelize_status_code(status), detail, user_id);

  pexelize_keyring_free(ring);
  return status == PEXELIZE_OK ? 0 : 1;
}
