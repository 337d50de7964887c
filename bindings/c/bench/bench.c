/*
 * Benchmark of the C library against OpenSSL, in nanoseconds per operation.
 * Run with `make bench-c`, which builds it with -O2 against an install into
 * build/prefix. It is never part of a test's pass or fail.
 *
 * Measured in one run, for a short user ID ("user_123", 8 bytes):
 * - the floor: one SHA-256 compression (OpenSSL's SHA256_Transform) and the
 *   hex encoding of 32 bytes. A precomputed HMAC key schedule leaves two
 *   compressions per user ID of up to 55 bytes, so "2 x compression + hex"
 *   is the least that signing can cost;
 * - OpenSSL's one-shot HMAC(EVP_sha256(), ...) with hex encoding, and with
 *   hex encoding and CRYPTO_memcmp for verifying, as a C program would sign
 *   and verify without this library;
 * - the keyring's sign and verify, and the one-shot functions of this
 *   library.
 * The benchmarks run interleaved, one batch each per round, and each keeps
 * its best and its median round. On a machine shared with other jobs the
 * best round is the closer estimate of the uncontended cost; the ratios at
 * the end compare figures of the same run.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <pexelize_identity.h>

#define ROUNDS 31

static const uint8_t KEY[] = "sk_live_0123456789abcdef";
static const uint8_t USER_ID[] = "user_123";

/* Results go here, so the compiler cannot drop the measured work. */
static volatile uint8_t sink;

/* Tells the compiler that all of `buffer` is read, so no byte of the output
 * is optimized away (the usual empty-asm barrier of GCC and Clang). */
static inline void escape(const void *buffer) {
  __asm__ volatile("" : : "r"(buffer) : "memory");
}

static double now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Two hex characters per byte value, filled by init_hex_pairs, so encoding
 * is one table lookup per byte. */
static char hex_pairs[256][2];

static void init_hex_pairs(void) {
  static const char digits[] = "0123456789abcdef";

  for (int byte = 0; byte < 256; byte++) {
    hex_pairs[byte][0] = digits[byte >> 4];
    hex_pairs[byte][1] = digits[byte & 15];
  }
}

static void hex_encode(const uint8_t bytes[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    memcpy(out + 2 * i, hex_pairs[bytes[i]], 2);
  out[64] = '\0';
}

/* OpenSSL 3 deprecates SHA256_Init and SHA256_Transform, but has no other
 * public way to run a single SHA-256 compression, the floor measured here. */
static void compress_once(SHA256_CTX *context, const uint8_t block[64]) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_Transform(context, block);
#pragma GCC diagnostic pop
}

static void op_compress(long iterations) {
  static uint8_t block[64];
  SHA256_CTX context;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_Init(&context);
#pragma GCC diagnostic pop
  for (long i = 0; i < iterations; i++) {
    block[0] = (uint8_t)i;
    compress_once(&context, block);
  }
  sink = (uint8_t)context.h[0];
}

static void op_hex(long iterations) {
  uint8_t bytes[32] = {0};
  char out[65];

  for (long i = 0; i < iterations; i++) {
    bytes[0] = (uint8_t)i;
    hex_encode(bytes, out);
    escape(out);
  }
}

static void op_openssl_sign(long iterations) {
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  char out[65];

  for (long i = 0; i < iterations; i++) {
    HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, USER_ID, sizeof(USER_ID) - 1, mac,
         &mac_len);
    hex_encode(mac, out);
    escape(out);
  }
}

static char expected_signature[65];

static void op_openssl_verify(long iterations) {
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  char out[65];

  for (long i = 0; i < iterations; i++) {
    HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, USER_ID, sizeof(USER_ID) - 1, mac,
         &mac_len);
    hex_encode(mac, out);
    sink = (uint8_t)(CRYPTO_memcmp(out, expected_signature, 64) == 0);
  }
}

static pexelize_keyring *ring;

static void op_keyring_sign(long iterations) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];

  for (long i = 0; i < iterations; i++) {
    pexelize_keyring_sign(ring, USER_ID, sizeof(USER_ID) - 1, out);
    escape(out);
  }
}

static void op_keyring_verify(long iterations) {
  for (long i = 0; i < iterations; i++) {
    sink = (uint8_t)pexelize_keyring_verify(ring, USER_ID, sizeof(USER_ID) - 1,
                                            expected_signature, 64, 0, NULL);
  }
}

static void op_one_shot_sign(long iterations) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];

  for (long i = 0; i < iterations; i++) {
    pexelize_generate_identity_signature(KEY, sizeof(KEY) - 1, USER_ID,
                                         sizeof(USER_ID) - 1, out);
    escape(out);
  }
}

static void op_one_shot_verify(long iterations) {
  for (long i = 0; i < iterations; i++) {
    sink =
        (uint8_t)pexelize_verify(KEY, sizeof(KEY) - 1, USER_ID,
                                 sizeof(USER_ID) - 1, expected_signature, 64);
  }
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

/* One measured operation: its label, its loop and how many iterations make
 * a batch of roughly 10 ms on the machine described in docs/benchmarks.md. */
struct benchmark {
  const char *name;
  void (*op)(long);
  long iterations;
  double samples[ROUNDS];
  double best;
  double median;
};

enum {
  COMPRESS,
  HEX,
  OPENSSL_SIGN,
  OPENSSL_VERIFY,
  KEYRING_SIGN,
  KEYRING_VERIFY,
  ONE_SHOT_SIGN,
  ONE_SHOT_VERIFY,
  BENCHMARK_COUNT
};

static struct benchmark benchmarks[BENCHMARK_COUNT] = {
    [COMPRESS] = {"SHA-256 compression (SHA256_Transform)", op_compress,
                  250000},
    [HEX] = {"hex encoding of 32 bytes", op_hex, 1000000},
    [OPENSSL_SIGN] = {"OpenSSL HMAC() + hex", op_openssl_sign, 10000},
    [OPENSSL_VERIFY] = {"OpenSSL HMAC() + hex + CRYPTO_memcmp",
                        op_openssl_verify, 10000},
    [KEYRING_SIGN] = {"pexelize_keyring_sign", op_keyring_sign, 75000},
    [KEYRING_VERIFY] = {"pexelize_keyring_verify (1 key)", op_keyring_verify,
                        50000},
    [ONE_SHOT_SIGN] = {"pexelize_generate_identity_signature", op_one_shot_sign,
                       40000},
    [ONE_SHOT_VERIFY] = {"pexelize_verify", op_one_shot_verify, 30000},
};

/* Runs every benchmark once per round, interleaved, so a burst of load from
 * other processes hits all of them alike, then keeps each one's best and
 * median round. */
static void run_benchmarks(void) {
  for (int i = 0; i < BENCHMARK_COUNT; i++)
    benchmarks[i].op(benchmarks[i].iterations / 10);
  for (int round = 0; round < ROUNDS; round++) {
    for (int i = 0; i < BENCHMARK_COUNT; i++) {
      struct benchmark *benchmark = &benchmarks[i];
      double start = now_ns();
      benchmark->op(benchmark->iterations);
      benchmark->samples[round] =
          (now_ns() - start) / (double)benchmark->iterations;
    }
  }
  for (int i = 0; i < BENCHMARK_COUNT; i++) {
    struct benchmark *benchmark = &benchmarks[i];
    qsort(benchmark->samples, ROUNDS, sizeof(benchmark->samples[0]),
          compare_doubles);
    benchmark->best = benchmark->samples[0];
    benchmark->median = benchmark->samples[ROUNDS / 2];
  }
}

/* Prints a ratio of the best rounds and of the median rounds. */
static void print_ratio(const char *label, int numerator, int denominator,
                        double floor_best, double floor_median,
                        const char *target) {
  double best_numerator =
      numerator < 0 ? floor_best : benchmarks[numerator].best;
  double median_numerator =
      numerator < 0 ? floor_median : benchmarks[numerator].median;
  double best_denominator =
      denominator < 0 ? floor_best : benchmarks[denominator].best;
  double median_denominator =
      denominator < 0 ? floor_median : benchmarks[denominator].median;

  printf("%-40s %6.2fx best, %6.2fx median  %s\n", label,
         best_numerator / best_denominator,
         median_numerator / median_denominator, target);
}

int main(void) {
  init_hex_pairs();
  if (pexelize_keyring_new(KEY, sizeof(KEY) - 1, NULL, &ring) != PEXELIZE_OK ||
      pexelize_keyring_sign(ring, USER_ID, sizeof(USER_ID) - 1,
                            expected_signature) != PEXELIZE_OK) {
    fprintf(stderr, "error: keyring setup failed\n");
    return 1;
  }

  run_benchmarks();
  pexelize_keyring_free(ring);

  printf("user ID \"%s\" (%zu bytes), key %zu bytes, %d interleaved rounds\n",
         USER_ID, sizeof(USER_ID) - 1, sizeof(KEY) - 1, ROUNDS);
  printf("%-40s %9s %9s %9s\n", "ns per operation", "best", "median", "worst");
  for (int i = 0; i < BENCHMARK_COUNT; i++) {
    printf("%-40s %9.1f %9.1f %9.1f\n", benchmarks[i].name, benchmarks[i].best,
           benchmarks[i].median, benchmarks[i].samples[ROUNDS - 1]);
  }

  /* The floor: two compressions and the hex encoding. */
  double floor_best = 2 * benchmarks[COMPRESS].best + benchmarks[HEX].best;
  double floor_median =
      2 * benchmarks[COMPRESS].median + benchmarks[HEX].median;
  const int floor_index = -1;
  printf("\nfloor, 2 x compression + hex: %.1f ns best, %.1f ns median\n",
         floor_best, floor_median);
  print_ratio("keyring sign / floor", KEYRING_SIGN, floor_index, floor_best,
              floor_median, "(target <= 1.5x)");
  print_ratio("OpenSSL sign / keyring sign", OPENSSL_SIGN, KEYRING_SIGN,
              floor_best, floor_median, "(target >= 8x)");
  print_ratio("OpenSSL verify / keyring verify", OPENSSL_VERIFY, KEYRING_VERIFY,
              floor_best, floor_median, "");
  print_ratio("OpenSSL sign / one-shot sign", OPENSSL_SIGN, ONE_SHOT_SIGN,
              floor_best, floor_median, "(target >= 4x)");
  print_ratio("OpenSSL verify / one-shot verify", OPENSSL_VERIFY,
              ONE_SHOT_VERIFY, floor_best, floor_median, "");
  return 0;
}
