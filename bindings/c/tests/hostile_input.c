/*
 * The bad-input matrix of docs/security.md for the C library: one function
 * per row, with each signature checked against OpenSSL's HMAC-SHA256. The
 * secrets check pushes a canary key through every error path, and the canary
 * must not show up in anything the library prints or returns.
 *
 * Prints one line per failed check, then "N passed, N failed", and exits
 * non-zero when any check failed.
 */
/* mkstemp, dup and friends are POSIX, outside -std=c11. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <pexelize_identity.h>

#define SIGNATURE_LEN 64
#define MIB (1024 * 1024)

static const uint8_t KEY[] = "hostile-input-test-key";
static const size_t KEY_LEN = sizeof KEY - 1;
static const uint8_t USER[] = "user_123";
static const size_t USER_LEN = sizeof USER - 1;

static unsigned passed;
static unsigned failed;

static void check(int condition, const char *what) {
  if (condition) {
    passed++;
    return;
  }
  failed++;
  printf("FAIL: %s\n", what);
}

static void check_status(pexelize_status actual, pexelize_status expected,
                         const char *what) {
  if (actual == expected) {
    passed++;
    return;
  }
  failed++;
  printf("FAIL: %s (expected %s, got %s)\n", what,
         pexelize_status_code(expected), pexelize_status_code(actual));
}

/* Writes HMAC-SHA256(key, message) as lowercase hex with a NUL. */
static void reference(const uint8_t *key, size_t key_len,
                      const uint8_t *message, size_t message_len,
                      char out[PEXELIZE_SIGNATURE_BUFFER_LEN]) {
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key, (int)key_len, message, message_len, mac, &mac_len);
  for (unsigned int i = 0; i < mac_len; i++) {
    snprintf(out + 2 * i, 3, "%02x", mac[i]);
  }
}

/* Signs with the one-shot function and compares with OpenSSL. */
static void check_signs_like_openssl(const uint8_t *key, size_t key_len,
                                     const uint8_t *user_id, size_t user_len,
                                     const char *what) {
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char expected[PEXELIZE_SIGNATURE_BUFFER_LEN];
  check_status(pexelize_generate_identity_signature(key, key_len, user_id,
                                                    user_len, signature),
               PEXELIZE_OK, what);
  reference(key, key_len, user_id, user_len, expected);
  check(strcmp(signature, expected) == 0, what);
}

static pexelize_keyring *new_keyring(void) {
  pexelize_keyring *ring = NULL;
  if (pexelize_keyring_new(KEY, KEY_LEN, NULL, &ring) != PEXELIZE_OK) {
    printf("FAIL: keyring creation\n");
    exit(1);
  }
  return ring;
}

static pexelize_status verify_text(const pexelize_keyring *ring,
                                   const char *user_id, const char *signature) {
  return pexelize_keyring_verify(ring, (const uint8_t *)user_id,
                                 strlen(user_id), signature, strlen(signature),
                                 0, NULL);
}

static void test_empty_user_id(void) {
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  reference(KEY, KEY_LEN, USER, 0, signature);
  check_signs_like_openssl(KEY, KEY_LEN, USER, 0, "empty user ID: signs");
  check_signs_like_openssl(KEY, KEY_LEN, NULL, 0,
                           "NULL user ID of length 0: signs as empty");
  check_status(pexelize_verify(KEY, KEY_LEN, USER, 0, signature, 64),
               PEXELIZE_IDENTITY_MISSING, "empty user ID: verify");
  check_status(pexelize_verify(KEY, KEY_LEN, NULL, 0, signature, 64),
               PEXELIZE_IDENTITY_MISSING, "NULL user ID of length 0: verify");
}

static void test_one_mebibyte_user_id(void) {
  uint8_t *user_id = malloc(MIB);
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_keyring *ring = new_keyring();
  memset(user_id, 'u', MIB);
  check_signs_like_openssl(KEY, KEY_LEN, user_id, MIB, "1 MiB user ID: signs");
  check_status(pexelize_keyring_sign(ring, user_id, MIB, signature),
               PEXELIZE_OK, "1 MiB user ID: keyring signs");
  check_status(
      pexelize_keyring_verify(ring, user_id, MIB, signature, 64, 0, NULL),
      PEXELIZE_OK, "1 MiB user ID: verifies");
  check_status(
      pexelize_keyring_verify(ring, user_id, MIB - 1, signature, 64, 0, NULL),
      PEXELIZE_IDENTITY_VERIFICATION_FAILED,
      "1 MiB user ID: one byte shorter fails");
  pexelize_keyring_free(ring);
  free(user_id);
}

static void test_nul_bytes(void) {
  static const uint8_t with_nul[] = {'a', 0, 'b'};
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  check_signs_like_openssl(KEY, KEY_LEN, with_nul, 3, "NUL byte: signs all 3");
  pexelize_generate_identity_signature(KEY, KEY_LEN, with_nul, 3, signature);
  check_status(pexelize_verify(KEY, KEY_LEN, with_nul, 3, signature, 64),
               PEXELIZE_OK, "NUL byte: verifies");
  check_status(pexelize_verify(KEY, KEY_LEN, with_nul, 1, signature, 64),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED,
               "NUL byte: not truncated at the NUL");
  static const uint8_t key_with_nul[] = {'k', 0, 'y'};
  check_signs_like_openssl(key_with_nul, 3, USER, USER_LEN,
                           "NUL byte in the key: all 3 bytes used");
}

/* C takes bytes, so the UTF-8-style encoding of a lone surrogate (not valid
 * UTF-8) and other invalid UTF-8 are signed exactly as given. */
static void test_surrogate_bytes(void) {
  static const uint8_t surrogate[] = {'a', 0xed, 0xa0, 0x80};
  static const uint8_t invalid[] = {0xff, 0xfe, 0xc0};
  check_signs_like_openssl(KEY, KEY_LEN, surrogate, sizeof surrogate,
                           "surrogate bytes: signed as given");
  check_signs_like_openssl(KEY, KEY_LEN, invalid, sizeof invalid,
                           "invalid UTF-8: signed as given");
}

static void test_signature_shapes(void) {
  pexelize_keyring *ring = new_keyring();
  char good[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char changed[PEXELIZE_SIGNATURE_BUFFER_LEN + 2];
  pexelize_keyring_sign(ring, USER, USER_LEN, good);

  const char *non_hex =
      "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg";
  check_status(verify_text(ring, "user_123", non_hex),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "non-hex signature");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, good, 63, 0, NULL),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "63-character signature");
  snprintf(changed, sizeof changed, "%s0", good);
  check_status(verify_text(ring, "user_123", changed),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "65-character signature");
  snprintf(changed, sizeof changed, "0x%s", good + 2);
  check_status(verify_text(ring, "user_123", changed),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "0x-prefixed signature");
  snprintf(changed, sizeof changed, " %s", good);
  check_status(verify_text(ring, "user_123", changed),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "leading space");
  snprintf(changed, sizeof changed, "%s\n", good);
  check_status(verify_text(ring, "user_123", changed),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "trailing newline");

  for (size_t i = 0; i < SIGNATURE_LEN; i++) {
    changed[i] = (char)(good[i] >= 'a' ? good[i] - 'a' + 'A' : good[i]);
  }
  changed[SIGNATURE_LEN] = '\0';
  check_status(verify_text(ring, "user_123", changed), PEXELIZE_OK,
               "uppercase hex verifies");

  /* 32 two-byte UTF-8 characters: 64 bytes, none of them hex. */
  char accented[2 * 32 + 1] = {0};
  for (size_t i = 0; i < 32; i++) {
    accented[2 * i] = (char)0xc3;
    accented[2 * i + 1] = (char)0xa9;
  }
  check_status(verify_text(ring, "user_123", accented),
               PEXELIZE_IDENTITY_VERIFICATION_FAILED, "non-ASCII signature");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, good, 0, 0, NULL),
               PEXELIZE_IDENTITY_MISSING, "empty signature");
  pexelize_keyring_free(ring);
}

static void test_huge_key_list(void) {
  pexelize_keyring *ring = new_keyring();
  char key[32];
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_status status = PEXELIZE_OK;
  for (int i = 0; i < 10000 && status == PEXELIZE_OK; i++) {
    int len = snprintf(key, sizeof key, "previous-key-%d", i);
    status = pexelize_keyring_add_previous(ring, (const uint8_t *)key,
                                           (size_t)len, NULL, 0);
  }
  check_status(status, PEXELIZE_OK, "huge key list: 10,000 previous keys");
  reference((const uint8_t *)"previous-key-9999", 17, USER, USER_LEN,
            signature);
  const char *matched = NULL;
  check_status(
      pexelize_keyring_verify(ring, USER, USER_LEN, signature, 64, 0, &matched),
      PEXELIZE_OK, "huge key list: last key verifies");
  check(matched != NULL && strcmp(matched, "previous-10000") == 0,
        "huge key list: last key's default id");
  pexelize_keyring_free(ring);
}

static void test_keys(void) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_keyring *ring = NULL;
  check_status(
      pexelize_generate_identity_signature(KEY, 0, USER, USER_LEN, out),
      PEXELIZE_INVALID_ARGUMENT, "empty key: sign");
  check_status(pexelize_verify(KEY, 0, USER, USER_LEN, out, 64),
               PEXELIZE_INVALID_ARGUMENT, "empty key: verify");
  check_status(pexelize_keyring_new(KEY, 0, NULL, &ring),
               PEXELIZE_INVALID_ARGUMENT, "empty key: keyring");
  check(ring == NULL, "empty key: no keyring");
  uint8_t *big = malloc(MIB);
  memset(big, 'k', MIB);
  check_signs_like_openssl(big, MIB, USER, USER_LEN, "1 MiB key: signs");
  free(big);
}

/* Every int64_t second fits the clock on Linux, so no time is out of range:
 * the extremes are ordinary times far before and after a window. */
static void test_time_extremes(void) {
  pexelize_keyring *ring = new_keyring();
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  reference((const uint8_t *)"old", 3, USER, USER_LEN, signature);
  check_status(pexelize_keyring_add_previous(ring, (const uint8_t *)"old", 3,
                                             NULL, INT64_MAX),
               PEXELIZE_OK, "accept-until INT64_MAX");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, signature, 64,
                                       INT64_MIN, NULL),
               PEXELIZE_OK, "now INT64_MIN: inside the window");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, signature, 64,
                                       INT64_MAX, NULL),
               PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
               "now INT64_MAX: the window is exclusive");
  check_status(pexelize_keyring_add_previous(ring, (const uint8_t *)"older", 5,
                                             NULL, INT64_MIN),
               PEXELIZE_OK, "accept-until INT64_MIN");
  pexelize_keyring_free(ring);
}

static void test_null_pointers_and_zero_lengths(void) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char good[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_keyring *ring = new_keyring();
  pexelize_keyring_sign(ring, USER, USER_LEN, good);

  check_status(
      pexelize_generate_identity_signature(NULL, 5, USER, USER_LEN, out),
      PEXELIZE_INVALID_ARGUMENT, "NULL key with a length");
  check_status(pexelize_generate_identity_signature(KEY, KEY_LEN, NULL, 5, out),
               PEXELIZE_INVALID_ARGUMENT, "NULL user ID with a length");
  check_status(
      pexelize_generate_identity_signature(KEY, KEY_LEN, USER, USER_LEN, NULL),
      PEXELIZE_INVALID_ARGUMENT, "NULL output buffer");
  check_status(pexelize_keyring_sign(NULL, USER, USER_LEN, out),
               PEXELIZE_INVALID_ARGUMENT, "NULL keyring: sign");
  check_status(pexelize_keyring_verify(NULL, USER, USER_LEN, good, 64, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "NULL keyring: verify");
  check_status(pexelize_keyring_add_previous(NULL, KEY, KEY_LEN, NULL, 0),
               PEXELIZE_INVALID_ARGUMENT, "NULL keyring: add previous");
  check_status(pexelize_keyring_add_retired(NULL, KEY, KEY_LEN, NULL),
               PEXELIZE_INVALID_ARGUMENT, "NULL keyring: add retired");
  check_status(pexelize_keyring_new(KEY, KEY_LEN, NULL, NULL),
               PEXELIZE_INVALID_ARGUMENT, "NULL keyring output");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, NULL, 64, 0, NULL),
               PEXELIZE_INVALID_ARGUMENT, "NULL signature with a length");
  check_status(pexelize_keyring_verify(ring, USER, USER_LEN, NULL, 0, 0, NULL),
               PEXELIZE_IDENTITY_MISSING, "NULL signature of length 0");
  check_status(pexelize_keyring_verify(ring, NULL, 0, good, 64, 0, NULL),
               PEXELIZE_IDENTITY_MISSING, "NULL user ID of length 0");
  check_status(pexelize_generate_security_key(NULL), PEXELIZE_INVALID_ARGUMENT,
               "NULL output for a generated key");
  pexelize_keyring_free(NULL);
  pexelize_keyring_free(ring);
}

struct worker {
  const pexelize_keyring *ring;
  unsigned index;
  unsigned long mismatches;
};

static void *work(void *argument) {
  struct worker *worker = argument;
  char user_id[64];
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char expected[PEXELIZE_SIGNATURE_BUFFER_LEN];
  for (unsigned i = 0; i < 20000; i++) {
    int len = snprintf(user_id, sizeof user_id, "user-%u-%u", worker->index, i);
    reference(KEY, KEY_LEN, (const uint8_t *)user_id, (size_t)len, expected);
    if (pexelize_keyring_sign(worker->ring, (const uint8_t *)user_id,
                              (size_t)len, signature) != PEXELIZE_OK ||
        strcmp(signature, expected) != 0 ||
        pexelize_keyring_verify(worker->ring, (const uint8_t *)user_id,
                                (size_t)len, expected, 64, 0,
                                NULL) != PEXELIZE_OK) {
      worker->mismatches++;
    }
  }
  return NULL;
}

static void test_concurrent_use(void) {
  pexelize_keyring *ring = new_keyring();
  pthread_t threads[4];
  struct worker workers[4];
  for (unsigned i = 0; i < 4; i++) {
    workers[i] = (struct worker){ring, i, 0};
    pthread_create(&threads[i], NULL, work, &workers[i]);
  }
  unsigned long mismatches = 0;
  for (unsigned i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    mismatches += workers[i].mismatches;
  }
  check(mismatches == 0, "concurrent use: 4 threads agree with OpenSSL");
  pexelize_keyring_free(ring);
}

/* Runs every failing call with a canary key while stdout and stderr go to a
 * temporary file, then checks that neither that output nor any string the
 * library returned contains the canary. */
static void test_canary_in_no_output(void) {
  static const uint8_t canary[] = "CANARY-c-7d1e5b2a9f0c4e68";
  const size_t canary_len = sizeof canary - 1;
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char path[] = "/tmp/pexelize-canary-XXXXXX";
  int capture = mkstemp(path);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  dup2(capture, 1);
  dup2(capture, 2);

  pexelize_keyring *ring = NULL;
  const char *matched = NULL;
  const char *texts[64];
  size_t count = 0;
  pexelize_status statuses[32];
  size_t calls = 0;
  pexelize_keyring_new(canary, canary_len, NULL, &ring);
  statuses[calls++] = pexelize_keyring_add_previous(ring, canary, canary_len,
                                                    "previous-old", 1);
  statuses[calls++] = pexelize_keyring_add_previous(
      ring, (const uint8_t *)"other", 5, "previous-old", 0);
  statuses[calls++] = pexelize_keyring_add_retired(
      ring, (const uint8_t *)"CANARY-c-7d1e5b2a9f0c4e68-retired", 33, NULL);
  statuses[calls++] =
      pexelize_keyring_add_previous(ring, canary, canary_len, "bad\nid", 0);
  statuses[calls++] =
      pexelize_keyring_add_previous(ring, canary, 0, "empty", 0);
  statuses[calls++] =
      pexelize_keyring_verify(ring, USER, USER_LEN, "zz", 2, 0, &matched);
  texts[count++] = matched;
  statuses[calls++] = pexelize_keyring_verify(
      ring, USER, USER_LEN,
      "0000000000000000000000000000000000000000000000000000000000000000", 64, 0,
      &matched);
  texts[count++] = matched;
  reference((const uint8_t *)"CANARY-c-7d1e5b2a9f0c4e68-retired", 33, USER,
            USER_LEN, out);
  statuses[calls++] =
      pexelize_keyring_verify(ring, USER, USER_LEN, out, 64, 0, &matched);
  texts[count++] = matched;
  reference(canary, canary_len, USER, USER_LEN, out);
  statuses[calls++] =
      pexelize_keyring_verify(ring, USER, 0, out, 64, 0, &matched);
  statuses[calls++] =
      pexelize_keyring_verify(ring, USER, USER_LEN, out, 64, 0, &matched);
  texts[count++] = matched;
  statuses[calls++] =
      pexelize_verify(canary, canary_len, USER, USER_LEN, "xyz", 3);
  statuses[calls++] =
      pexelize_generate_identity_signature(canary, canary_len, NULL, 4, out);

  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);

  for (size_t i = 0; i < calls; i++) {
    texts[count++] = pexelize_status_code(statuses[i]);
  }
  char printed[4096] = {0};
  lseek(capture, 0, SEEK_SET);
  ssize_t printed_len = read(capture, printed, sizeof printed - 1);
  close(capture);
  unlink(path);
  check(printed_len >= 0, "canary: captured output readable");
  check(strstr(printed, "CANARY") == NULL, "canary: not in printed output");
  for (size_t i = 0; i < count; i++) {
    check(texts[i] == NULL || strstr(texts[i], "CANARY") == NULL,
          "canary: not in a returned string");
  }
  check(calls >= 12, "canary: every error path ran");
  /* The matched key ids point into the keyring, so it is freed last. */
  pexelize_keyring_free(ring);
}

int main(void) {
  test_empty_user_id();
  test_one_mebibyte_user_id();
  test_nul_bytes();
  test_surrogate_bytes();
  test_signature_shapes();
  test_huge_key_list();
  test_keys();
  test_time_extremes();
  test_null_pointers_and_zero_lengths();
  test_concurrent_use();
  test_canary_in_no_output();
  printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
