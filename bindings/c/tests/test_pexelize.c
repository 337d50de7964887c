/*
 * Tests of the C API against the shared vectors and every kind of bad input.
 *
 * Build: the vectors header comes from gen_vectors.py at test time, so
 * compile with -I pointing at the directory that contains vectors.h. The
 * program prints one line per failed check, then "N passed, N failed", and
 * exits non-zero when any check failed.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pexelize_identity.h>

/* One MAC vector: key, message and expected tag as hex. A tag shorter than
 * 64 hex characters is truncated and compared with the signature's start. */
struct mac_case {
  const char *source;
  const uint8_t *key;
  size_t key_len;
  const uint8_t *message;
  size_t message_len;
  const char *tag_hex;
  int valid;
};

/* One verification of the shared keyring, with the clock fixed. */
struct verify_case {
  const char *name;
  const uint8_t *user_id;
  size_t user_id_len;
  const char *signature;
  size_t signature_len;
  int64_t now_unix;
  pexelize_status expected;
  const char *expected_key_id;
  const char *expected_detail;
};

#include "vectors.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static unsigned passed;
static unsigned failed;

static void check(int condition, const char *what, const char *detail) {
  if (condition) {
    passed++;
    return;
  }
  failed++;
  printf("FAIL: %s (%s)\n", what, detail);
}

static void check_status(pexelize_status actual, pexelize_status expected,
                         const char *what) {
  char detail[128];

  snprintf(detail, sizeof(detail), "expected %s, got %s",
           pexelize_status_code(expected), pexelize_status_code(actual));
  check(actual == expected, what, detail);
}

static const uint8_t *text(const char *value) { return (const uint8_t *)value; }

/* A buffer filled with a sentinel, to prove that failed calls leave their
 * output untouched. */
static void fill_sentinel(char *buffer) {
  memset(buffer, '#', PEXELIZE_SIGNATURE_BUFFER_LEN);
}

static int is_sentinel(const char *buffer) {
  for (size_t i = 0; i < PEXELIZE_SIGNATURE_BUFFER_LEN; i++) {
    if (buffer[i] != '#')
      return 0;
  }
  return 1;
}

static int is_lowercase_hex64(const char *value) {
  if (strlen(value) != 64)
    return 0;
  for (size_t i = 0; i < 64; i++) {
    if (!isdigit((unsigned char)value[i]) && (value[i] < 'a' || value[i] > 'f'))
      return 0;
  }
  return 1;
}

static void uppercase(char *value) {
  for (; *value; value++)
    *value = (char)toupper((unsigned char)*value);
}

static void test_mac_vectors(void) {
  for (size_t i = 0; i < COUNT(MAC_CASES); i++) {
    const struct mac_case *vector = &MAC_CASES[i];
    char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
    size_t tag_len = strlen(vector->tag_hex);
    pexelize_status status = pexelize_generate_identity_signature(
        vector->key, vector->key_len, vector->message, vector->message_len,
        signature);

    if (vector->key_len == 0) {
      check_status(status, PEXELIZE_INVALID_ARGUMENT, vector->source);
      continue;
    }
    check_status(status, PEXELIZE_OK, vector->source);
    if (status != PEXELIZE_OK)
      continue;
    check(is_lowercase_hex64(signature), vector->source,
          "signature is 64 lowercase hex characters");
    int equal = strncmp(signature, vector->tag_hex, tag_len) == 0;
    check(equal == vector->valid, vector->source,
          vector->valid ? "signature equals the tag"
                        : "signature differs from the modified tag");

    /* The keyring signs with the same HMAC as the one-shot function. */
    pexelize_keyring *ring = NULL;
    char ring_signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
    check_status(
        pexelize_keyring_new(vector->key, vector->key_len, NULL, &ring),
        PEXELIZE_OK, vector->source);
    check_status(pexelize_keyring_sign(ring, vector->message,
                                       vector->message_len, ring_signature),
                 PEXELIZE_OK, vector->source);
    check(strcmp(ring_signature, signature) == 0, vector->source,
          "keyring signature equals the one-shot signature");

    /* Only full-length tags can be presented to verify. */
    if (tag_len != 64) {
      pexelize_keyring_free(ring);
      continue;
    }
    pexelize_status expected =
        vector->valid ? PEXELIZE_OK : PEXELIZE_IDENTITY_VERIFICATION_FAILED;
    if (vector->message_len == 0)
      expected = PEXELIZE_IDENTITY_MISSING;
    check_status(pexelize_verify(vector->key, vector->key_len, vector->message,
                                 vector->message_len, vector->tag_hex, tag_len),
                 expected, vector->source);
    const char *key_id = NULL;
    check_status(pexelize_keyring_verify(ring, vector->message,
                                         vector->message_len, vector->tag_hex,
                                         tag_len, 0, &key_id),
                 expected, vector->source);
    if (expected == PEXELIZE_OK) {
      check(key_id != NULL && strcmp(key_id, "current") == 0, vector->source,
            "matched key id is \"current\"");
    } else {
      check(key_id == NULL, vector->source,
            "matched key id untouched on failure");
    }

    char upper[PEXELIZE_SIGNATURE_BUFFER_LEN];
    memcpy(upper, vector->tag_hex, 65);
    uppercase(upper);
    check_status(pexelize_verify(vector->key, vector->key_len, vector->message,
                                 vector->message_len, upper, tag_len),
                 expected, vector->source);
    pexelize_keyring_free(ring);
  }
}

static pexelize_keyring *shared_keyring(void) {
  pexelize_keyring *ring = NULL;

  check_status(pexelize_keyring_new(KEYRING_CURRENT_KEY,
                                    KEYRING_CURRENT_KEY_LEN, NULL, &ring),
               PEXELIZE_OK, "shared keyring: new");
  check_status(pexelize_keyring_add_previous(ring, KEYRING_PREVIOUS_KEY,
                                             KEYRING_PREVIOUS_KEY_LEN, NULL,
                                             KEYRING_PREVIOUS_UNTIL),
               PEXELIZE_OK, "shared keyring: add previous");
  check_status(pexelize_keyring_add_retired(ring, KEYRING_RETIRED_KEY,
                                            KEYRING_RETIRED_KEY_LEN, NULL),
               PEXELIZE_OK, "shared keyring: add retired");
  return ring;
}

/* Checks the counts of the shared keyring after every verify case ran three
 * times (plain, with detail, with a NULL matched key id):
 * the outcome counters, and the match count of each key. */
static void check_verify_stats(const pexelize_keyring *ring) {
  uint64_t expected[6] = {0};
  uint64_t current_matches = 0;
  uint64_t previous_matches = 0;

  for (size_t i = 0; i < COUNT(VERIFY_CASES); i++) {
    expected[VERIFY_CASES[i].expected] += 3;
    if (VERIFY_CASES[i].expected_key_id != NULL &&
        strcmp(VERIFY_CASES[i].expected_key_id, "current") == 0)
      current_matches += 3;
    if (VERIFY_CASES[i].expected_key_id != NULL &&
        strcmp(VERIFY_CASES[i].expected_key_id, "previous") == 0)
      previous_matches += 3;
  }

  pexelize_keyring_stats stats;
  check_status(pexelize_keyring_get_stats(ring, &stats), PEXELIZE_OK,
               "stats: get");
  check(stats.valid == expected[PEXELIZE_OK], "stats: valid count", "");
  check(stats.failed == expected[PEXELIZE_IDENTITY_VERIFICATION_FAILED],
        "stats: failed count", "");
  check(stats.expired == expected[PEXELIZE_IDENTITY_SIGNATURE_EXPIRED],
        "stats: expired count", "");
  check(stats.missing == expected[PEXELIZE_IDENTITY_MISSING],
        "stats: missing count", "");
  check(stats.key_count == 3, "stats: key count", "current, previous, retired");

  static const char *const ids[] = {"current", "previous", "retired"};
  uint64_t total_matches = 0;
  for (size_t index = 0; index < 3; index++) {
    const char *key_id = NULL;
    uint64_t matches = UINT64_MAX;
    check_status(pexelize_keyring_get_key_stats(ring, index, &key_id, &matches),
                 PEXELIZE_OK, "key stats: get");
    check(key_id != NULL && strcmp(key_id, ids[index]) == 0, "key stats: id",
          ids[index]);
    total_matches += matches;
    if (index == 0)
      check(matches == current_matches, "key stats: current matches", "");
    if (index == 1)
      check(matches >= previous_matches, "key stats: previous matches",
            "accepted ones, plus expired ones");
  }
  /* Every valid or expired signature was produced by exactly one key. */
  check(total_matches == stats.valid + stats.expired,
        "key stats: matches add up", "valid + expired");

  const char *key_id = "untouched";
  uint64_t matches = 7;
  check_status(pexelize_keyring_get_key_stats(ring, 3, &key_id, &matches),
               PEXELIZE_INVALID_ARGUMENT, "key stats: index past the end");
  check(strcmp(key_id, "untouched") == 0 && matches == 7,
        "key stats: outputs untouched on failure", "");
  check_status(pexelize_keyring_get_key_stats(ring, 0, NULL, NULL), PEXELIZE_OK,
               "key stats: NULL outputs skipped");
  check_status(pexelize_keyring_get_key_stats(NULL, 0, &key_id, &matches),
               PEXELIZE_INVALID_ARGUMENT, "key stats: NULL ring");
  check_status(pexelize_keyring_get_stats(NULL, &stats),
               PEXELIZE_INVALID_ARGUMENT, "stats: NULL ring");
  check_status(pexelize_keyring_get_stats(ring, NULL),
               PEXELIZE_INVALID_ARGUMENT, "stats: NULL out");
}

static void test_verify_vectors(void) {
  pexelize_keyring *ring = shared_keyring();

  for (size_t i = 0; i < COUNT(VERIFY_CASES); i++) {
    const struct verify_case *vector = &VERIFY_CASES[i];
    const char *sentinel = "untouched";
    const char *key_id = sentinel;
    pexelize_status status = pexelize_keyring_verify(
        ring, vector->user_id, vector->user_id_len, vector->signature,
        vector->signature_len, vector->now_unix, &key_id);

    check_status(status, vector->expected, vector->name);
    if (vector->expected_key_id != NULL) {
      check(key_id != sentinel && strcmp(key_id, vector->expected_key_id) == 0,
            vector->name, "matched key id");
    } else {
      check(key_id == sentinel, vector->name,
            "matched key id untouched on failure");
    }

    /* The detail variant names the reason of every rejection. */
    const char *detail = sentinel;
    key_id = sentinel;
    status = pexelize_keyring_verify_detail(
        ring, vector->user_id, vector->user_id_len, vector->signature,
        vector->signature_len, vector->now_unix, &key_id, &detail);
    check_status(status, vector->expected, vector->name);
    if (vector->expected_detail != NULL) {
      check(detail != sentinel && strcmp(detail, vector->expected_detail) == 0,
            vector->name, vector->expected_detail);
      check(key_id == sentinel, vector->name,
            "detail variant: matched key id untouched on failure");
    } else {
      check(detail == sentinel, vector->name, "detail untouched on success");
      check(key_id != sentinel && strcmp(key_id, vector->expected_key_id) == 0,
            vector->name, "detail variant: matched key id");
    }

    /* NULL matched_key_id is allowed and changes no status. */
    check_status(pexelize_keyring_verify(ring, vector->user_id,
                                         vector->user_id_len, vector->signature,
                                         vector->signature_len,
                                         vector->now_unix, NULL),
                 vector->expected, vector->name);
  }
  check_verify_stats(ring);
  pexelize_keyring_free(ring);
}

static void test_windows(void) {
  const uint8_t *user = text("user_123");
  const size_t user_len = 8;
  char previous_signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_keyring *ring = shared_keyring();

  check_status(pexelize_generate_identity_signature(
                   KEYRING_PREVIOUS_KEY, KEYRING_PREVIOUS_KEY_LEN, user,
                   user_len, previous_signature),
               PEXELIZE_OK, "window: sign with previous key");
  check_status(pexelize_keyring_verify(ring, user, user_len, previous_signature,
                                       64, KEYRING_PREVIOUS_UNTIL - 1, NULL),
               PEXELIZE_OK, "window: one second before its end");
  check_status(pexelize_keyring_verify(ring, user, user_len, previous_signature,
                                       64, KEYRING_PREVIOUS_UNTIL, NULL),
               PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
               "window: at its end, which is exclusive");
  check_status(pexelize_keyring_verify(ring, user, user_len, previous_signature,
                                       64, -86400, NULL),
               PEXELIZE_OK, "window: a clock before 1970");
  /* Every int64_t second fits the clock on Linux, so the extremes are
   * ordinary times: far after the window and far before it. */
  check_status(pexelize_keyring_verify(ring, user, user_len, previous_signature,
                                       64, INT64_MAX, NULL),
               PEXELIZE_IDENTITY_SIGNATURE_EXPIRED, "window: INT64_MAX clock");
  check_status(pexelize_keyring_verify(ring, user, user_len, previous_signature,
                                       64, INT64_MIN, NULL),
               PEXELIZE_OK, "window: INT64_MIN clock");
  pexelize_keyring_free(ring);

  /* now_unix 0 is the system clock: a window that ended at 1970-01-01
   * 00:00:01 is over, one that ends in 2200 is open. */
  const uint8_t *current = text("current-key");
  const uint8_t *old = text("old-key");
  const uint8_t *older = text("older-key");
  char old_signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char older_signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  const char *key_id = NULL;

  check_status(pexelize_keyring_new(current, 11, "main", &ring), PEXELIZE_OK,
               "system clock: new");
  check_status(pexelize_keyring_add_previous(ring, old, 7, NULL, 1),
               PEXELIZE_OK, "system clock: add ended previous key");
  check_status(pexelize_keyring_add_previous(ring, older, 9, NULL, 7258118400),
               PEXELIZE_OK, "system clock: add open previous key");
  pexelize_generate_identity_signature(old, 7, user, user_len, old_signature);
  pexelize_generate_identity_signature(older, 9, user, user_len,
                                       older_signature);
  check_status(pexelize_keyring_verify(ring, user, user_len, old_signature, 64,
                                       0, &key_id),
               PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
               "system clock: ended window");
  check_status(pexelize_keyring_verify(ring, user, user_len, older_signature,
                                       64, 0, &key_id),
               PEXELIZE_OK, "system clock: open window");
  check(key_id != NULL && strcmp(key_id, "previous-2") == 0,
        "system clock: default ids count up", key_id ? key_id : "NULL");
  check_status(pexelize_keyring_add_previous(ring, old, 7, "far", INT64_MAX),
               PEXELIZE_OK, "add_previous: INT64_MAX window end");
  pexelize_keyring_free(ring);
}

static void test_key_ids(void) {
  const uint8_t *key = text("key-one");
  const uint8_t *user = text("user");
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char long_id[130];
  const char *key_id = NULL;
  pexelize_keyring *ring = NULL;

  memset(long_id, 'k', 129);
  long_id[129] = '\0';
  check_status(pexelize_keyring_new(key, 7, "", &ring),
               PEXELIZE_INVALID_ARGUMENT, "key id: empty");
  check_status(pexelize_keyring_new(key, 7, long_id, &ring),
               PEXELIZE_INVALID_ARGUMENT, "key id: 129 bytes");
  check_status(pexelize_keyring_new(key, 7, "tab\there", &ring),
               PEXELIZE_INVALID_ARGUMENT, "key id: control character");
  check_status(pexelize_keyring_new(key, 7, "\xff\xfe", &ring),
               PEXELIZE_INVALID_ARGUMENT, "key id: not UTF-8");
  check(ring == NULL, "key id: out untouched on failure", "ring is NULL");

  long_id[128] = '\0';
  check_status(pexelize_keyring_new(key, 7, long_id, &ring), PEXELIZE_OK,
               "key id: 128 bytes");
  pexelize_keyring_free(ring);
  ring = NULL;

  check_status(pexelize_keyring_new(key, 7, "2026-q1 \xc3\xa9t\xc3\xa9", &ring),
               PEXELIZE_OK, "key id: UTF-8 text");
  check_status(pexelize_keyring_add_previous(ring, text("key-two"), 7,
                                             "2026-q1 \xc3\xa9t\xc3\xa9", 0),
               PEXELIZE_INVALID_ARGUMENT, "key id: used twice");
  check_status(pexelize_keyring_add_retired(ring, text("key-two"), 7,
                                            "2026-q1 \xc3\xa9t\xc3\xa9"),
               PEXELIZE_INVALID_ARGUMENT, "key id: used twice by retired");
  check_status(pexelize_keyring_add_retired(ring, text("key-two"), 7, NULL),
               PEXELIZE_OK, "retired: default id");
  check_status(pexelize_keyring_add_retired(ring, text("key-three"), 9, NULL),
               PEXELIZE_OK, "retired: second default id");
  check_status(pexelize_keyring_add_previous(ring, text("key-four"), 8, "p", 0),
               PEXELIZE_OK, "previous: without a window");

  pexelize_keyring_sign(ring, user, 4, signature);
  check_status(
      pexelize_keyring_verify(ring, user, 4, signature, 64, 0, &key_id),
      PEXELIZE_OK, "key id: current key matches");
  check(key_id != NULL && strcmp(key_id, "2026-q1 \xc3\xa9t\xc3\xa9") == 0,
        "key id: reported as given", key_id ? key_id : "NULL");

  /* A matched key id stays valid while the keyring grows. */
  const char *first_id = key_id;
  check_status(
      pexelize_keyring_add_previous(ring, text("key-five"), 8, NULL, 0),
      PEXELIZE_OK, "previous: default id after a named one");
  check(strcmp(first_id, "2026-q1 \xc3\xa9t\xc3\xa9") == 0,
        "key id: pointer survives add_previous", first_id);

  pexelize_generate_identity_signature(text("key-three"), 9, user, 4,
                                       signature);
  key_id = NULL;
  check_status(
      pexelize_keyring_verify(ring, user, 4, signature, 64, 0, &key_id),
      PEXELIZE_IDENTITY_SIGNATURE_EXPIRED, "retired: second key");
  check(key_id == NULL, "retired: key id untouched", "expired is a failure");

  pexelize_generate_identity_signature(text("key-four"), 8, user, 4, signature);
  check_status(
      pexelize_keyring_verify(ring, user, 4, signature, 64, 0, &key_id),
      PEXELIZE_OK, "previous: named key matches");
  check(key_id != NULL && strcmp(key_id, "p") == 0, "previous: named key id",
        key_id ? key_id : "NULL");

  pexelize_generate_identity_signature(text("key-five"), 8, user, 4, signature);
  check_status(
      pexelize_keyring_verify(ring, user, 4, signature, 64, 0, &key_id),
      PEXELIZE_OK, "previous: default key matches");
  /* Default ids count every previous key, named ones included. */
  check(key_id != NULL && strcmp(key_id, "previous-2") == 0,
        "previous: default id after a named key", key_id ? key_id : "NULL");
  pexelize_keyring_free(ring);
}

static void test_null_and_empty(void) {
  const uint8_t *key = text("k3y");
  const uint8_t *user = text("user_123");
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char good[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_keyring *ring = NULL;

  pexelize_generate_identity_signature(key, 3, user, 8, good);

  /* One-shot signing. */
  fill_sentinel(out);
  check_status(pexelize_generate_identity_signature(NULL, 3, user, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "sign: NULL key, length 3");
  check_status(pexelize_generate_identity_signature(NULL, 0, user, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "sign: NULL key, length 0");
  check_status(pexelize_generate_identity_signature(key, 0, user, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "sign: empty key");
  check_status(pexelize_generate_identity_signature(key, 3, NULL, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "sign: NULL user ID, length 8");
  check_status(pexelize_generate_identity_signature(key, 3, user, 8, NULL),
               PEXELIZE_INVALID_ARGUMENT, "sign: NULL out");
  check(is_sentinel(out), "sign: out untouched on failure", "sentinel");
  check_status(pexelize_generate_identity_signature(key, 3, NULL, 0, out),
               PEXELIZE_OK, "sign: NULL user ID, length 0");
  char empty[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_generate_identity_signature(key, 3, user, 0, empty);
  check(strcmp(out, empty) == 0, "sign: NULL and empty user ID agree", out);

  /* One-shot verifying. */
  check_status(pexelize_verify(key, 3, user, 8, good, 64), PEXELIZE_OK,
               "verify: valid");
  check_status(pexelize_verify(key, 3, user, 8, good, 65),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED,
               "verify: terminating NUL counted in the length");
  check_status(pexelize_verify(NULL, 3, user, 8, good, 64),
               PEXELIZE_INVALID_ARGUMENT, "verify: NULL key, length 3");
  check_status(pexelize_verify(NULL, 0, user, 8, good, 64),
               PEXELIZE_INVALID_ARGUMENT, "verify: NULL key, length 0");
  check_status(pexelize_verify(key, 3, NULL, 8, good, 64),
               PEXELIZE_INVALID_ARGUMENT, "verify: NULL user ID, length 8");
  check_status(pexelize_verify(key, 3, NULL, 0, good, 64),
               PEXELIZE_IDENTITY_MISSING, "verify: NULL user ID, length 0");
  check_status(pexelize_verify(key, 3, user, 0, good, 64),
               PEXELIZE_IDENTITY_MISSING, "verify: empty user ID");
  check_status(pexelize_verify(key, 3, user, 8, NULL, 64),
               PEXELIZE_INVALID_ARGUMENT, "verify: NULL signature, length 64");
  check_status(pexelize_verify(key, 3, user, 8, NULL, 0),
               PEXELIZE_IDENTITY_MISSING, "verify: NULL signature, length 0");
  check_status(pexelize_verify(key, 3, user, 8, good, 0),
               PEXELIZE_IDENTITY_MISSING, "verify: empty signature");

  /* Keyring creation. */
  check_status(pexelize_keyring_new(NULL, 3, NULL, &ring),
               PEXELIZE_INVALID_ARGUMENT, "keyring_new: NULL key, length 3");
  check_status(pexelize_keyring_new(NULL, 0, NULL, &ring),
               PEXELIZE_INVALID_ARGUMENT, "keyring_new: NULL key, length 0");
  check_status(pexelize_keyring_new(key, 0, NULL, &ring),
               PEXELIZE_INVALID_ARGUMENT, "keyring_new: empty key");
  check_status(pexelize_keyring_new(key, 3, NULL, NULL),
               PEXELIZE_INVALID_ARGUMENT, "keyring_new: NULL out");
  check(ring == NULL, "keyring_new: out untouched on failure", "NULL");
  check_status(pexelize_keyring_new(key, 3, NULL, &ring), PEXELIZE_OK,
               "keyring_new: valid");

  /* Keyring changes. */
  check_status(pexelize_keyring_add_previous(NULL, key, 3, NULL, 0),
               PEXELIZE_INVALID_ARGUMENT, "add_previous: NULL ring");
  check_status(pexelize_keyring_add_previous(ring, NULL, 3, NULL, 0),
               PEXELIZE_INVALID_ARGUMENT, "add_previous: NULL key");
  check_status(pexelize_keyring_add_previous(ring, key, 0, NULL, 0),
               PEXELIZE_INVALID_ARGUMENT, "add_previous: empty key");
  check_status(pexelize_keyring_add_retired(NULL, key, 3, NULL),
               PEXELIZE_INVALID_ARGUMENT, "add_retired: NULL ring");
  check_status(pexelize_keyring_add_retired(ring, NULL, 3, NULL),
               PEXELIZE_INVALID_ARGUMENT, "add_retired: NULL key");
  check_status(pexelize_keyring_add_retired(ring, key, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "add_retired: empty key");

  /* Keyring signing and verifying. */
  fill_sentinel(out);
  check_status(pexelize_keyring_sign(NULL, user, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "keyring_sign: NULL ring");
  check_status(pexelize_keyring_sign(ring, NULL, 8, out),
               PEXELIZE_INVALID_ARGUMENT, "keyring_sign: NULL user ID");
  check_status(pexelize_keyring_sign(ring, user, 8, NULL),
               PEXELIZE_INVALID_ARGUMENT, "keyring_sign: NULL out");
  check(is_sentinel(out), "keyring_sign: out untouched on failure", "sentinel");
  check_status(pexelize_keyring_sign(ring, user, 8, out), PEXELIZE_OK,
               "keyring_sign: valid");
  check(strcmp(out, good) == 0, "keyring_sign: equals one-shot", out);
  check_status(pexelize_keyring_sign(ring, NULL, 0, out), PEXELIZE_OK,
               "keyring_sign: NULL user ID, length 0");
  check(strcmp(out, empty) == 0, "keyring_sign: empty user ID", out);

  check_status(pexelize_keyring_verify(NULL, user, 8, good, 64, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "keyring_verify: NULL ring");
  check_status(pexelize_keyring_verify(ring, NULL, 8, good, 64, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "keyring_verify: NULL user ID");
  check_status(pexelize_keyring_verify(ring, NULL, 0, good, 64, 0, NULL),
               PEXELIZE_IDENTITY_MISSING,
               "keyring_verify: NULL user ID, length 0");
  check_status(pexelize_keyring_verify(ring, user, 8, NULL, 64, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "keyring_verify: NULL signature");
  check_status(pexelize_keyring_verify(ring, user, 8, NULL, 0, 0, NULL),
               PEXELIZE_IDENTITY_MISSING,
               "keyring_verify: NULL signature, length 0");
  check_status(pexelize_keyring_verify(ring, user, 8, good, 64, 0, NULL),
               PEXELIZE_OK, "keyring_verify: valid");
  const char *detail = "untouched";
  check_status(
      pexelize_keyring_verify_detail(NULL, user, 8, good, 64, 0, NULL, &detail),
      PEXELIZE_INVALID_ARGUMENT, "verify_detail: NULL ring");
  check_status(
      pexelize_keyring_verify_detail(ring, NULL, 8, good, 64, 0, NULL, &detail),
      PEXELIZE_INVALID_ARGUMENT, "verify_detail: NULL user ID");
  check(strcmp(detail, "untouched") == 0,
        "verify_detail: detail untouched on a bad argument", detail);
  check_status(
      pexelize_keyring_verify_detail(ring, user, 8, good, 63, 0, NULL, NULL),
      PEXELIZE_IDENTITY_VERIFICATION_FAILED, "verify_detail: NULL detail");
  pexelize_keyring_free(ring);
  pexelize_keyring_free(NULL);
  check(1, "keyring_free: NULL is a no-op", "returned");

  /* Key generation. */
  char first[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char second[PEXELIZE_SIGNATURE_BUFFER_LEN];
  check_status(pexelize_generate_security_key(NULL), PEXELIZE_INVALID_ARGUMENT,
               "generate key: NULL out");
  check_status(pexelize_generate_security_key(first), PEXELIZE_OK,
               "generate key: first");
  check_status(pexelize_generate_security_key(second), PEXELIZE_OK,
               "generate key: second");
  check(is_lowercase_hex64(first), "generate key: 64 lowercase hex", first);
  check(strcmp(first, second) != 0, "generate key: two keys differ", first);
  check_status(
      pexelize_generate_identity_signature(text(first), 64, user, 8, out),
      PEXELIZE_OK, "generate key: usable as a key");
}

static void test_signature_shapes(void) {
  const uint8_t *key = text("shape-key");
  const uint8_t *user = text("user");
  char good[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char bad[PEXELIZE_SIGNATURE_BUFFER_LEN + 2];

  pexelize_generate_identity_signature(key, 9, user, 4, good);

  memcpy(bad, good, 65);
  bad[63] = '\0';
  check_status(pexelize_verify(key, 9, user, 4, bad, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED,
               "shape: NUL inside the 64 bytes");
  memcpy(bad, good, 65);
  bad[10] = 'G';
  check_status(pexelize_verify(key, 9, user, 4, bad, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "shape: non-hex letter");
  memcpy(bad, good, 65);
  bad[10] = (char)0xc3;
  check_status(pexelize_verify(key, 9, user, 4, bad, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "shape: non-ASCII byte");
  check_status(pexelize_verify(key, 9, user, 4, good, 63),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "shape: 63 characters");
  memcpy(bad, good, 64);
  bad[64] = '0';
  bad[65] = '\0';
  check_status(pexelize_verify(key, 9, user, 4, bad, 65),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "shape: 65 characters");
  memcpy(bad, good, 65);
  bad[0] = bad[0] == '0' ? '1' : '0';
  check_status(pexelize_verify(key, 9, user, 4, bad, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED,
               "shape: first digit changed");

  /* A user ID with a NUL inside is a different user. */
  const uint8_t with_nul[] = {'u', 's', 'e', 'r', 0, 'x'};
  check_status(pexelize_verify(key, 9, with_nul, sizeof(with_nul), good, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED,
               "shape: bytes after a NUL are signed");
  check_status(pexelize_verify(key, 9, with_nul, 4, good, 64), PEXELIZE_OK,
               "shape: length decides, not the NUL");
}

static void test_status_codes(void) {
  static const struct {
    unsigned status;
    const char *code;
  } cases[] = {
      {PEXELIZE_OK, "OK"},
      {PEXELIZE_IDENTITY_VERIFICATION_FAILED, "IDENTITY_VERIFICATION_FAILED"},
      {PEXELIZE_IDENTITY_SIGNATURE_EXPIRED, "IDENTITY_SIGNATURE_EXPIRED"},
      {PEXELIZE_IDENTITY_MISSING, "IDENTITY_MISSING"},
      {PEXELIZE_INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {PEXELIZE_INTERNAL_ERROR, "INTERNAL_ERROR"},
      {6, "UNKNOWN_STATUS"},
      {99, "UNKNOWN_STATUS"},
      {0xFFFFFFFFu, "UNKNOWN_STATUS"},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    const char *code = pexelize_status_code((pexelize_status)cases[i].status);
    check(code != NULL && strcmp(code, cases[i].code) == 0,
          "pexelize_status_code", cases[i].code);
  }
  check(PEXELIZE_OK == 0 && PEXELIZE_IDENTITY_VERIFICATION_FAILED == 1 &&
            PEXELIZE_IDENTITY_SIGNATURE_EXPIRED == 2 &&
            PEXELIZE_IDENTITY_MISSING == 3 && PEXELIZE_INVALID_ARGUMENT == 4 &&
            PEXELIZE_INTERNAL_ERROR == 5,
        "status numbers", "fixed values 0 to 5");
  check(PEXELIZE_SIGNATURE_BUFFER_LEN == 65, "signature buffer length",
        "64 characters and a NUL");
}

int main(void) {
  test_status_codes();
  test_mac_vectors();
  test_verify_vectors();
  test_windows();
  test_key_ids();
  test_null_and_empty();
  test_signature_shapes();

  printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
