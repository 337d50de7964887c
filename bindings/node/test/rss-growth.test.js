"use strict";

// Signing and verifying a million times must leave the resident set flat:
// growth above 5 MB would mean the addon leaks per call.

const assert = require("node:assert/strict");
const { test } = require("node:test");
const v8 = require("node:v8");
const vm = require("node:vm");

const { Keyring, generateIdentitySignature, verify } = require("..");

const CALLS = 1_000_000;
const MAX_GROWTH = 5 * 1024 * 1024;

v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc");

function residentAfterCollection() {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().rss;
}

test(
  "rss flat over a million calls",
  { skip: process.platform !== "linux" },
  () => {
    const keyring = new Keyring({
      current: "rss-test-key",
      previous: ["older-key"],
    });
    const userIds = [
      "user_123",
      Buffer.from("user-bytes"),
      123456789,
      "ünïcødé-用户",
    ];
    const identities = userIds.map((userId) => ({
      userId,
      signature: keyring.sign(userId),
    }));
    const bad = { userId: "user_123", signature: "0".repeat(64) };

    const run = (count) => {
      let valid = 0;
      for (let i = 0; i < count; i++) {
        const identity = identities[i % identities.length];
        if (keyring.sign(identity.userId) !== identity.signature)
          throw new Error("signature changed");
        valid += keyring.verify(identity).valid ? 1 : 0;
        if (i % 100 === 0) {
          keyring.verify(bad);
          verify("user_123", identities[0].signature, "rss-test-key");
          generateIdentitySignature("user_123", "rss-test-key");
        }
      }
      return valid;
    };

    // Warm up allocator pools and the JIT before the baseline.
    run(50_000);
    const before = residentAfterCollection();
    assert.equal(run(CALLS), CALLS);
    const growth = residentAfterCollection() - before;
    assert.ok(
      growth < MAX_GROWTH,
      `resident set grew by ${growth} bytes over ${CALLS} calls`,
    );
  },
);
