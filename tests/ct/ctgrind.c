/*
 * A ctgrind-style check of the C library under valgrind's memcheck.
 *
 * The key bytes are marked undefined before they are passed in, so memcheck
 * treats everything computed from them (the HMAC state, the computed MAC and
 * the comparison result) as undefined. Memcheck reports a conditional jump
 * or a memory address that depends on undefined data, which is exactly a
 * branch or a table lookup on the secret. The only report allowed is where
 * the library branches on the verification result; tests/ct/declassify.supp
 * names that place.
 *
 * Usage: ctgrind core   signs and verifies through the library
 *        ctgrind leaky  also compares with a planted early-exit loop, which
 *                       memcheck must report
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <valgrind/memcheck.h>

#include "pexelize_identity.h"

#define KEY_LEN 32
#define SIGNATURE_LEN 64

static int failures;

static void fail(const char *what, pexelize_status status) {
  fprintf(stderr, "ctgrind: %s returned %s\n", what,
          pexelize_status_code(status));
  failures++;
}

/*
 * Returns how many of the first len bytes memcheck marks as undefined, read
 * from the shadow memory without reporting an error. The harness uses it to
 * check that the secret really reaches the outputs, because a harness whose
 * taint is lost would pass whatever the library did.
 */
static size_t count_undefined(const void *buffer, size_t len) {
  unsigned char bits[256];
  size_t undefined = 0;
  if (len > sizeof bits || VALGRIND_GET_VBITS(buffer, bits, len) != 1) {
    return 0;
  }
  for (size_t i = 0; i < len; i++) {
    undefined += bits[i] != 0;
  }
  return undefined;
}

/* The planted leak: returns at the first differing byte. */
static int leaky_equal(const char *left, const char *right, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (left[i] != right[i]) {
      return 0;
    }
  }
  return 1;
}

static void fill_key(uint8_t *key, uint8_t seed) {
  for (size_t i = 0; i < KEY_LEN; i++) {
    key[i] = (uint8_t)(seed + 31 * i);
  }
  VALGRIND_MAKE_MEM_UNDEFINED(key, KEY_LEN);
}

int main(int argc, char **argv) {
  int leaky = argc > 1 && strcmp(argv[1], "leaky") == 0;
  if (argc != 2 || (!leaky && strcmp(argv[1], "core") != 0)) {
    fprintf(stderr, "usage: ctgrind core|leaky\n");
    return 2;
  }
  if (!RUNNING_ON_VALGRIND) {
    fprintf(stderr, "ctgrind: run this under valgrind --tool=memcheck\n");
    return 2;
  }

  static const uint8_t user_id[] = "user_123";
  const size_t user_id_len = sizeof user_id - 1;
  uint8_t current[KEY_LEN], previous[KEY_LEN], retired[KEY_LEN];
  fill_key(current, 1);
  fill_key(previous, 2);
  fill_key(retired, 3);

  /* Signing: the status depends only on lengths, so it must be defined. */
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  pexelize_status status = pexelize_generate_identity_signature(
      current, KEY_LEN, user_id, user_id_len, signature);
  if (status != PEXELIZE_OK) {
    fail("pexelize_generate_identity_signature", status);
  }
  size_t tainted = count_undefined(signature, SIGNATURE_LEN);
  printf("signature: %zu of %d characters carry the key's taint\n", tainted,
         SIGNATURE_LEN);
  if (tainted != SIGNATURE_LEN) {
    fprintf(stderr, "ctgrind: the key's taint did not reach the signature\n");
    failures++;
  }

  pexelize_keyring *ring = NULL;
  status = pexelize_keyring_new(current, KEY_LEN, NULL, &ring);
  if (status != PEXELIZE_OK) {
    fail("pexelize_keyring_new", status);
    return 1;
  }
  status = pexelize_keyring_add_previous(ring, previous, KEY_LEN, NULL,
                                         (int64_t)time(NULL) + 3600);
  if (status != PEXELIZE_OK) {
    fail("pexelize_keyring_add_previous", status);
  }
  status = pexelize_keyring_add_retired(ring, retired, KEY_LEN, NULL);
  if (status != PEXELIZE_OK) {
    fail("pexelize_keyring_add_retired", status);
  }

  char from_ring[PEXELIZE_SIGNATURE_BUFFER_LEN];
  status = pexelize_keyring_sign(ring, user_id, user_id_len, from_ring);
  if (status != PEXELIZE_OK) {
    fail("pexelize_keyring_sign", status);
  }

  if (leaky) {
    /* Compares the secret-derived signature with a public guess. */
    char guess[SIGNATURE_LEN];
    memset(guess, 'a', sizeof guess);
    printf("leaky comparison: %d\n",
           leaky_equal(from_ring, guess, SIGNATURE_LEN));
  }

  /*
   * The signature is the library's output to the client, so it is public:
   * declassify it before it is used as the public input of verification.
   */
  VALGRIND_MAKE_MEM_DEFINED(signature, sizeof signature);
  VALGRIND_MAKE_MEM_DEFINED(from_ring, sizeof from_ring);

  char wrong_last[SIGNATURE_LEN];
  memcpy(wrong_last, from_ring, SIGNATURE_LEN);
  wrong_last[SIGNATURE_LEN - 1] =
      wrong_last[SIGNATURE_LEN - 1] == '0' ? '1' : '0';
  char random_like[SIGNATURE_LEN];
  for (size_t i = 0; i < SIGNATURE_LEN; i++) {
    random_like[i] = "0123456789abcdef"[(i * 7 + 3) % 16];
  }

  const struct {
    const char *name;
    const char *signature;
    pexelize_status expected;
  } cases[] = {
      {"valid", from_ring, PEXELIZE_OK},
      {"wrong in the last character", wrong_last,
       PEXELIZE_IDENTITY_VERIFICATION_FAILED},
      {"unrelated", random_like, PEXELIZE_IDENTITY_VERIFICATION_FAILED},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *matched = NULL;
    status =
        pexelize_keyring_verify(ring, user_id, user_id_len, cases[i].signature,
                                SIGNATURE_LEN, (int64_t)time(NULL), &matched);
    /* Declassify only the result, then branch on it. */
    VALGRIND_MAKE_MEM_DEFINED(&status, sizeof status);
    VALGRIND_MAKE_MEM_DEFINED(&matched, sizeof matched);
    if (status != cases[i].expected) {
      fprintf(stderr, "ctgrind: %s signature: expected %s, got %s\n",
              cases[i].name, pexelize_status_code(cases[i].expected),
              pexelize_status_code(status));
      failures++;
    }
    printf("verify %s: %s\n", cases[i].name, pexelize_status_code(status));
  }

  /* The one-key form builds a keyring from the undefined key on each call. */
  status = pexelize_verify(current, KEY_LEN, user_id, user_id_len, signature,
                           SIGNATURE_LEN);
  VALGRIND_MAKE_MEM_DEFINED(&status, sizeof status);
  if (status != PEXELIZE_OK) {
    fail("pexelize_verify", status);
  }
  status = pexelize_verify(current, KEY_LEN, user_id, user_id_len, wrong_last,
                           SIGNATURE_LEN);
  VALGRIND_MAKE_MEM_DEFINED(&status, sizeof status);
  if (status != PEXELIZE_IDENTITY_VERIFICATION_FAILED) {
    fail("pexelize_verify with a wrong signature", status);
  }

  pexelize_keyring_free(ring);
  return failures == 0 ? 0 : 1;
}
