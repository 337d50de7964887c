"use strict";

// Rotation windows with an injected clock, stats counts, keyringFromEnv and
// the addon loaded in several worker threads at once.

const assert = require("node:assert/strict");
const path = require("node:path");
const { test } = require("node:test");
const { Worker } = require("node:worker_threads");

const { IdentityError, Keyring, keyringFromEnv } = require("..");

const OLD = "old-security-key";
const NEW = "new-security-key";
const UNTIL = "2026-06-01T00:00:00Z";

test("rotation window with injected clock", () => {
  const before = new Keyring({ current: OLD });
  const token = { userId: "user_1", signature: before.sign("user_1") };
  for (const acceptUntil of [UNTIL, new Date(UNTIL), Date.parse(UNTIL)]) {
    const keyring = new Keyring({
      current: NEW,
      previous: { key: OLD, acceptUntil },
    });
    const inside = keyring.verify(token, {
      now: new Date("2026-05-31T23:59:59.999Z"),
    });
    assert.deepEqual(inside, { valid: true, keyId: "previous" });
    const after = keyring.verify(token, { now: Date.parse(UNTIL) });
    assert.equal(after.valid, false);
    assert.equal(after.code, "IDENTITY_SIGNATURE_EXPIRED");
    assert.match(after.message, /"previous"/);
    assert.deepEqual(
      keyring.verify(
        { userId: "user_1", signature: keyring.sign("user_1") },
        { now: Date.parse(UNTIL) + 1e9 },
      ),
      { valid: true, keyId: "current" },
    );
  }
});

test("retired key reports expired", () => {
  const keyring = new Keyring({
    current: NEW,
    retired: [{ key: OLD, id: "k-2025" }],
  });
  const signature = new Keyring({ current: OLD }).sign("u");
  const result = keyring.verify({ userId: "u", signature });
  assert.equal(result.code, "IDENTITY_SIGNATURE_EXPIRED");
  assert.match(result.message, /k-2025/);
  assert.equal(result.detail, "expired");
  assert.equal(result.keyId, "k-2025");
  assert.throws(
    () => keyring.assertValid({ userId: "u", signature }),
    (error) => {
      assert.ok(error instanceof IdentityError, String(error));
      assert.equal(error.code, "IDENTITY_SIGNATURE_EXPIRED");
      assert.equal(error.detail, "expired");
      assert.equal(error.keyId, "k-2025");
      return true;
    },
  );
});

test("previous key after its window reports expired", () => {
  const until = new Date("2026-06-01T00:00:00Z");
  const keyring = new Keyring({
    current: NEW,
    previous: { key: OLD, id: "k-old", acceptUntil: until },
  });
  const signature = new Keyring({ current: OLD }).sign("u");
  const result = keyring.verify({ userId: "u", signature }, { now: until });
  assert.equal(result.code, "IDENTITY_SIGNATURE_EXPIRED");
  assert.equal(result.detail, "expired");
  assert.equal(result.keyId, "k-old");
});

test("failure details name the cause", () => {
  const keyring = new Keyring({ current: NEW });
  const signature = keyring.sign("u");
  const cases = [
    [{ userId: "u", signature: "0".repeat(64) }, "mismatch"],
    [{ userId: "u", signature: signature.slice(1) }, "length"],
    [{ userId: "u", signature: "0x" + signature.slice(2) }, "prefix"],
    [{ userId: "u", signature: signature.slice(1) + "\n" }, "whitespace"],
    [{ userId: "u", signature: "g" + signature.slice(1) }, "not-hex"],
    [{ userId: "u", signature: "é" + signature.slice(2) }, "non-ascii"],
    [{ userId: "u", signature: "\ud800" + signature.slice(1) }, "non-ascii"],
    [{ userId: 1.5, signature }, "type"],
    [{ userId: "u", signature: 5 }, "type"],
    [{ userId: "\ud800", signature }, "lone-surrogate"],
    ["text", "type"],
    [undefined, "identity"],
    ["", "identity"],
    [[], "identity"],
    [{}, "userId"],
    [{ userId: "u" }, "signature"],
    [{ userId: "", signature }, "userId"],
  ];
  for (const [identity, detail] of cases) {
    const label = JSON.stringify(identity) ?? String(identity);
    const result = keyring.verify(identity);
    assert.equal(result.valid, false, label);
    assert.equal(result.detail, detail, label);
    assert.equal(result.keyId, undefined, label);
    assert.throws(
      () => keyring.assertValid(identity),
      (error) => {
        assert.ok(error instanceof IdentityError, label);
        assert.equal(error.code, result.code, label);
        assert.equal(error.detail, detail, label);
        assert.equal("keyId" in error, false, label);
        return true;
      },
    );
  }
});

test("stats count outcomes and keys", () => {
  const keyring = new Keyring({
    current: NEW,
    previous: { key: OLD, acceptUntil: UNTIL },
    retired: "gone",
  });
  const oldSignature = new Keyring({ current: OLD }).sign("u");
  const inside = { now: new Date("2026-01-01T00:00:00Z") };
  keyring.verify({ userId: "u", signature: keyring.sign("u") }, inside);
  keyring.verify({ userId: "u", signature: keyring.sign("u") }, inside);
  keyring.verify({ userId: "u", signature: oldSignature }, inside);
  keyring.verify(
    { userId: "u", signature: oldSignature },
    { now: new Date("2027-01-01T00:00:00Z") },
  );
  keyring.verify({
    userId: "u",
    signature: new Keyring({ current: "gone" }).sign("u"),
  });
  keyring.verify({ userId: "u", signature: "f".repeat(64) });
  keyring.verify({ userId: true, signature: "f".repeat(64) });
  keyring.verify({ userId: "u" });
  keyring.verify(null);
  assert.deepEqual(keyring.stats(), {
    valid: 3,
    failed: 2,
    expired: 2,
    missing: 2,
    byKey: { current: 2, previous: 2, retired: 1 },
  });
});

test("keyringFromEnv reads the three variables", () => {
  const env = {
    PEXELIZE_SECURITY_KEY: NEW,
    PEXELIZE_SECURITY_KEY_PREVIOUS: OLD,
    PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL: UNTIL,
  };
  const keyring = keyringFromEnv(env);
  const token = {
    userId: "u",
    signature: new Keyring({ current: OLD }).sign("u"),
  };
  assert.equal(
    keyring.verify(token, { now: Date.parse(UNTIL) - 1 }).keyId,
    "previous",
  );
  assert.equal(
    keyring.verify(token, { now: Date.parse(UNTIL) }).code,
    "IDENTITY_SIGNATURE_EXPIRED",
  );
  assert.equal(keyring.sign("u"), new Keyring({ current: NEW }).sign("u"));
});

test("keyringFromEnv errors name the variable only", () => {
  const cases = [
    [{}, /PEXELIZE_SECURITY_KEY is not set/],
    [
      { PEXELIZE_SECURITY_KEY: `${NEW}\n` },
      /PEXELIZE_SECURITY_KEY has leading or trailing whitespace/,
    ],
    [{ PEXELIZE_SECURITY_KEY: "" }, /PEXELIZE_SECURITY_KEY is set but empty/],
    [
      {
        PEXELIZE_SECURITY_KEY: NEW,
        PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL: UNTIL,
      },
      /PEXELIZE_SECURITY_KEY_PREVIOUS is not/,
    ],
    [
      {
        PEXELIZE_SECURITY_KEY: NEW,
        PEXELIZE_SECURITY_KEY_PREVIOUS: OLD,
        PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL: "June",
      },
      /PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL is not an RFC 3339/,
    ],
    [{ PEXELIZE_SECURITY_KEY: 5 }, /PEXELIZE_SECURITY_KEY must be a string/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => keyringFromEnv(env),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.equal(error.code, "INVALID_ARGUMENT");
        assert.match(error.message, message);
        assert.ok(!error.message.includes(NEW));
        assert.ok(!error.message.includes(OLD));
        return true;
      },
    );
  }
  assert.throws(() => keyringFromEnv(null), { name: "TypeError" });
});

test("addon in several worker threads at once", async () => {
  const WORKERS = 4;
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const crypto = require('node:crypto')
    const { Keyring, generateIdentitySignature } = require(workerData.packagePath)
    const keyring = new Keyring({ current: workerData.key })
    let checked = 0
    for (let i = 0; i < 2000; i++) {
      const userId = 'worker-' + workerData.index + '-' + i
      const expected = crypto.createHmac('sha256', workerData.key).update(userId).digest('hex')
      if (keyring.sign(userId) !== expected) throw new Error('sign mismatch for ' + userId)
      if (generateIdentitySignature(userId, workerData.key) !== expected) throw new Error('one-shot mismatch')
      if (!keyring.verify({ userId, signature: expected }).valid) throw new Error('verify failed')
      checked += 1
    }
    parentPort.postMessage({ checked, stats: keyring.stats() })
  `;
  const packagePath = path.join(__dirname, "..");
  const results = await Promise.all(
    Array.from(
      { length: WORKERS },
      (_, index) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(source, {
            eval: true,
            workerData: { packagePath, index, key: `key-${index}` },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  );
  for (const { checked, stats } of results) {
    assert.equal(checked, 2000);
    assert.equal(stats.valid, 2000);
  }
});
