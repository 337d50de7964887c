"use strict";

// Runs every shared vector file against the built addon.

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const { Keyring, generateIdentitySignature, verify } = require("..");

const VECTORS = path.join(__dirname, "..", "..", "..", "tests", "vectors");
const readVectors = (name) =>
  JSON.parse(fs.readFileSync(path.join(VECTORS, name), "utf8"));

const identity = readVectors("identity.json");
const keys = Object.fromEntries(
  Object.entries(identity.keys).map(([name, hex]) => [
    name,
    Buffer.from(hex, "hex"),
  ]),
);

test("identity vectors: string user IDs", () => {
  const cases = identity.signatures.filter((c) => c.userId !== undefined);
  assert.ok(cases.length > 100);
  for (const c of cases) {
    const message = `${c.key} / ${JSON.stringify(c.userId).slice(0, 40)}`;
    assert.equal(
      generateIdentitySignature(c.userId, keys[c.key]),
      c.signature,
      message,
    );
    assert.equal(
      new Keyring({ current: keys[c.key] }).sign(c.userId),
      c.signature,
      message,
    );
    assert.equal(verify(c.userId, c.signature, keys[c.key]), true, message);
  }
});

test("identity vectors: byte user IDs", () => {
  for (const c of identity.signatures) {
    const bytes = Buffer.from(c.userIdHex, "hex");
    const message = `${c.key} / ${c.userIdHex.slice(0, 40)}`;
    assert.equal(
      generateIdentitySignature(bytes, keys[c.key]),
      c.signature,
      message,
    );
    const view = new Uint8Array(
      bytes.buffer.slice(0),
      bytes.byteOffset,
      bytes.length,
    );
    assert.equal(
      new Keyring({ current: keys[c.key] }).sign(view),
      c.signature,
      message,
    );
    if (bytes.length > 0)
      assert.equal(verify(bytes, c.signature, keys[c.key]), true, message);
  }
});

test("identity vectors: integer user IDs", () => {
  for (const c of identity.integerSignatures) {
    const userId =
      c.userIdInteger !== undefined
        ? c.userIdInteger
        : BigInt(c.userIdBigInteger);
    assert.equal(
      generateIdentitySignature(userId, keys[c.key]),
      c.signature,
      String(userId),
    );
    assert.equal(
      generateIdentitySignature(String(userId), keys[c.key]),
      c.signature,
    );
    assert.equal(verify(userId, c.signature, keys[c.key]), true);
  }
});

test("identity vectors: lone surrogates rejected", () => {
  const keyring = new Keyring({ current: keys.ascii });
  for (const units of identity.loneSurrogatesUtf16) {
    const userId = String.fromCharCode(...units);
    assert.throws(() => generateIdentitySignature(userId, keys.ascii), {
      name: "TypeError",
      code: "INVALID_ARGUMENT",
      message: /lone UTF-16 surrogate/,
    });
    assert.throws(() => keyring.sign(userId), {
      name: "TypeError",
      code: "INVALID_ARGUMENT",
    });
    // The U+FFFD form of the string must not stand in for it.
    const replaced = Buffer.from(userId, "utf8").toString("utf8");
    const result = keyring.verify({
      userId,
      signature: keyring.sign(replaced),
    });
    assert.equal(result.valid, false);
    assert.equal(result.code, "IDENTITY_VERIFICATION_FAILED");
    assert.equal(verify(userId, keyring.sign(replaced), keys.ascii), false);
  }
});

function vectorKeyring() {
  const spec = identity.keyring;
  return new Keyring({
    current: keys[spec.current],
    previous: spec.previous.map((p) => ({
      key: keys[p.key],
      acceptUntil: p.acceptUntil,
    })),
    retired: spec.retired.map((name) => keys[name]),
  });
}

test("identity vectors: verify cases", () => {
  const keyring = vectorKeyring();
  for (const c of identity.verify) {
    const result = keyring.verify(
      { userId: c.userId, signature: c.signature },
      { now: new Date(c.now) },
    );
    assert.equal(result.valid, c.expected.valid, c.name);
    if (c.expected.valid) {
      assert.equal(result.keyId, c.expected.keyId, c.name);
    } else {
      assert.equal(result.code, c.expected.code, c.name);
      assert.equal(typeof result.message, "string", c.name);
      if (c.expected.detail !== undefined) {
        assert.equal(result.detail, c.expected.detail, c.name);
      }
    }
  }
});

test("identity vectors: verify detail in messages", () => {
  const keyring = vectorKeyring();
  const wording = {
    mismatch: /does not match/,
    length: /characters; expected 64/,
    prefix: /0x/,
    whitespace: /whitespace/,
    "not-hex": /not a hex digit/,
    "non-ascii": /non-ASCII/,
  };
  for (const c of identity.verify.filter((v) => v.expected.detail)) {
    const result = keyring.verify(
      { userId: c.userId, signature: c.signature },
      { now: Date.parse(c.now) },
    );
    assert.match(result.message, wording[c.expected.detail], c.name);
  }
});

test("RFC 4231 vectors", () => {
  const rfc = readVectors("rfc4231_hmac_sha256.json");
  let checked = 0;
  for (const t of rfc.tests.filter((v) => !v.truncated)) {
    const key = Buffer.from(t.key, "hex");
    const data = Buffer.from(t.data, "hex");
    assert.equal(generateIdentitySignature(data, key), t.mac, `case ${t.case}`);
    assert.equal(verify(data, t.mac, key), true, `case ${t.case}`);
    checked += 1;
  }
  assert.ok(checked >= 6);
});

test("Wycheproof HMAC-SHA256 vectors", () => {
  const wycheproof = readVectors("hmac_sha256_test.json");
  let checked = 0;
  for (const group of wycheproof.testGroups) {
    for (const t of group.tests) {
      const key = Buffer.from(t.key, "hex");
      const message = Buffer.from(t.msg, "hex");
      const label = `tcId ${t.tcId}`;
      if (key.length === 0) {
        assert.throws(() => generateIdentitySignature(message, key), {
          code: "INVALID_ARGUMENT",
        });
        continue;
      }
      const full = group.tagSize === 256;
      if (full && t.result === "valid") {
        assert.equal(generateIdentitySignature(message, key), t.tag, label);
      }
      // Only full-length tags can verify; a truncated tag fails the shape check.
      const expected = full && t.result === "valid" && message.length > 0;
      assert.equal(verify(message, t.tag, key), expected, label);
      checked += 1;
    }
  }
  assert.ok(checked >= 150, `checked ${checked}`);
});
