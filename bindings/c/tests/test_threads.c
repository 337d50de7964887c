/*
 * Eight threads share one keyring and each signs and verifies 100,000 user
 * IDs, checking every signature against OpenSSL's HMAC-SHA256. Every 100th
 * iteration also signs with a fresh random key through the one-shot
 * functions, so the library is compared with OpenSSL on thousands of keys as
 * well. Prints "N passed, N failed"; a check counts once per thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <pexelize_identity.h>

#define THREADS 8
#define ITERATIONS 100000
#define MAX_USER_ID_LEN 200
#define MAX_KEY_LEN 150

static const uint8_t CURRENT_KEY[] = "thread-test-current-key";
static const uint8_t PREVIOUS_KEY[] = "thread-test-previous-key";

struct worker {
  const pexelize_keyring *ring;
  unsigned index;
  unsigned long sign_mismatches;
  unsigned long verify_failures;
  unsigned long one_shot_mismatches;
  unsigned long previous_failures;
  unsigned long tamper_failures;
  unsigned long errors;
};

/* xorshift64: a deterministic generator per thread, so a failure repeats. */
static uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;

  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *state = x;
  return x;
}

static void fill_random(uint64_t *state, uint8_t *buffer, size_t len) {
  for (size_t i = 0; i < len; i++)
    buffer[i] = (uint8_t)next_random(state);
}

/* The oracle: OpenSSL's HMAC-SHA256 as lowercase hex. */
static int openssl_hex(const uint8_t *key, size_t key_len,
                       const uint8_t *message, size_t message_len,
                       char out[PEXELIZE_SIGNATURE_BUFFER_LEN]) {
  static const char digits[] = "0123456789abcdef";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  /* OpenSSL reads no bytes of an empty message, but wants a pointer. */
  static const uint8_t empty;

  if (HMAC(EVP_sha256(), key, (int)key_len, message_len ? message : &empty,
           message_len, mac, &mac_len) == NULL ||
      mac_len != 32)
    return 0;
  for (unsigned i = 0; i < 32; i++) {
    out[2 * i] = digits[mac[i] >> 4];
    out[2 * i + 1] = digits[mac[i] & 15];
  }
  out[64] = '\0';
  return 1;
}

static void *run_worker(void *argument) {
  struct worker *worker = argument;
  uint64_t state = 0x9E3779B97F4A7C15ull * (worker->index + 1);
  uint8_t user_id[MAX_USER_ID_LEN];
  uint8_t key[MAX_KEY_LEN];
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  char expected[PEXELIZE_SIGNATURE_BUFFER_LEN];

  for (unsigned long i = 0; i < ITERATIONS; i++) {
    size_t user_len = 1 + next_random(&state) % MAX_USER_ID_LEN;
    const char *key_id = NULL;

    fill_random(&state, user_id, user_len);
    if (pexelize_keyring_sign(worker->ring, user_id, user_len, signature) !=
            PEXELIZE_OK ||
        !openssl_hex(CURRENT_KEY, sizeof(CURRENT_KEY) - 1, user_id, user_len,
                     expected)) {
      worker->errors++;
      continue;
    }
    if (strcmp(signature, expected) != 0)
      worker->sign_mismatches++;
    if (pexelize_keyring_verify(worker->ring, user_id, user_len, expected, 64,
                                0, &key_id) != PEXELIZE_OK ||
        strcmp(key_id, "current") != 0)
      worker->verify_failures++;

    /* A changed digit must fail, whichever digit it is. */
    size_t position = next_random(&state) % 64;
    expected[position] = expected[position] == '0' ? '1' : '0';
    if (pexelize_keyring_verify(worker->ring, user_id, user_len, expected, 64,
                                0,
                                NULL) != PEXELIZE_IDENTITY_VERIFICATION_FAILED)
      worker->tamper_failures++;

    if (i % 100 != 0)
      continue;
    if (openssl_hex(PREVIOUS_KEY, sizeof(PREVIOUS_KEY) - 1, user_id, user_len,
                    expected) &&
        (pexelize_keyring_verify(worker->ring, user_id, user_len, expected, 64,
                                 0, &key_id) != PEXELIZE_OK ||
         strcmp(key_id, "previous") != 0))
      worker->previous_failures++;

    size_t key_len = 1 + next_random(&state) % MAX_KEY_LEN;
    fill_random(&state, key, key_len);
    if (pexelize_generate_identity_signature(key, key_len, user_id, user_len,
                                             signature) != PEXELIZE_OK ||
        !openssl_hex(key, key_len, user_id, user_len, expected) ||
        strcmp(signature, expected) != 0 ||
        pexelize_verify(key, key_len, user_id, user_len, expected, 64) !=
            PEXELIZE_OK)
      worker->one_shot_mismatches++;
  }
  return NULL;
}

int main(void) {
  pexelize_keyring *ring = NULL;
  struct worker workers[THREADS];
  pthread_t threads[THREADS];
  unsigned passed = 0;
  unsigned failed = 0;

  if (pexelize_keyring_new(CURRENT_KEY, sizeof(CURRENT_KEY) - 1, NULL, &ring) !=
          PEXELIZE_OK ||
      pexelize_keyring_add_previous(ring, PREVIOUS_KEY,
                                    sizeof(PREVIOUS_KEY) - 1, NULL,
                                    0) != PEXELIZE_OK) {
    printf("FAIL: keyring setup\n0 passed, 1 failed\n");
    return 1;
  }

  for (unsigned t = 0; t < THREADS; t++) {
    memset(&workers[t], 0, sizeof(workers[t]));
    workers[t].ring = ring;
    workers[t].index = t;
    if (pthread_create(&threads[t], NULL, run_worker, &workers[t]) != 0) {
      printf("FAIL: pthread_create\n0 passed, 1 failed\n");
      return 1;
    }
  }
  for (unsigned t = 0; t < THREADS; t++)
    pthread_join(threads[t], NULL);

  /* The atomic counters must not lose a verification under contention. */
  const uint64_t previous_checks = (ITERATIONS + 99) / 100;
  const uint64_t expected_current = (uint64_t)THREADS * ITERATIONS;
  const uint64_t expected_previous = (uint64_t)THREADS * previous_checks;
  pexelize_keyring_stats stats = {0};
  uint64_t current_matches = 0;
  uint64_t previous_matches = 0;
  int counts_ok =
      pexelize_keyring_get_stats(ring, &stats) == PEXELIZE_OK &&
      pexelize_keyring_get_key_stats(ring, 0, NULL, &current_matches) ==
          PEXELIZE_OK &&
      pexelize_keyring_get_key_stats(ring, 1, NULL, &previous_matches) ==
          PEXELIZE_OK &&
      stats.valid == expected_current + expected_previous &&
      stats.failed == expected_current && stats.expired == 0 &&
      stats.missing == 0 && current_matches == expected_current &&
      previous_matches == expected_previous;
  if (counts_ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: keyring stats count every verification (valid %llu, "
           "failed %llu, current key %llu, previous key %llu)\n",
           (unsigned long long)stats.valid, (unsigned long long)stats.failed,
           (unsigned long long)current_matches,
           (unsigned long long)previous_matches);
  }
  pexelize_keyring_free(ring);

  for (unsigned t = 0; t < THREADS; t++) {
    const struct worker *w = &workers[t];
    const struct {
      const char *description;
      unsigned long count;
    } checks[] = {
        {"keyring sign equals OpenSSL HMAC", w->sign_mismatches},
        {"keyring verify accepts OpenSSL HMAC", w->verify_failures},
        {"keyring verify rejects a changed digit", w->tamper_failures},
        {"keyring verify accepts the previous key", w->previous_failures},
        {"one-shot sign and verify with random keys", w->one_shot_mismatches},
        {"calls return PEXELIZE_OK", w->errors},
    };
    for (size_t c = 0; c < sizeof(checks) / sizeof(checks[0]); c++) {
      if (checks[c].count == 0) {
        passed++;
        continue;
      }
      failed++;
      printf("FAIL: thread %u: %s (%lu of %d iterations)\n", t,
             checks[c].description, checks[c].count, ITERATIONS);
    }
  }
  printf("%d threads x %d iterations of sign and verify on one keyring\n",
         THREADS, ITERATIONS);
  printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
