"use strict";

// Cross-checks signing and verifying against node:crypto on random keys and
// user IDs covering every UTF-8 width, astral characters, NUL and Buffers.

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { test } = require("node:test");

const { Keyring, generateIdentitySignature, verify } = require("..");

const CASES = 10_000;

// Code point ranges by UTF-8 width, surrogates excluded.
const RANGES = [
  [0x00, 0x7f],
  [0x80, 0x7ff],
  [0x800, 0xd7ff],
  [0xe000, 0xffff],
  [0x10000, 0x10ffff],
];

function randomInt(limit) {
  return crypto.randomInt(limit);
}

function randomString(maxLength) {
  const length = randomInt(maxLength) + 1;
  let text = "";
  for (let i = 0; i < length; i++) {
    const [low, high] = RANGES[randomInt(RANGES.length)];
    text += String.fromCodePoint(low + randomInt(high - low + 1));
  }
  if (randomInt(8) === 0) text += "\0";
  return text;
}

function randomKey() {
  switch (randomInt(3)) {
    case 0:
      return crypto.randomBytes(randomInt(200) + 1);
    case 1:
      return randomString(40);
    default:
      return crypto.randomBytes(32).toString("hex");
  }
}

function randomUserId() {
  return randomInt(4) === 0
    ? crypto.randomBytes(randomInt(80) + 1)
    : randomString(randomInt(4) === 0 ? 300 : 40);
}

test("random keys and user IDs match createHmac", () => {
  for (let i = 0; i < CASES; i++) {
    const key = randomKey();
    const userId = randomUserId();
    const expected = crypto
      .createHmac("sha256", key)
      .update(userId)
      .digest("hex");
    assert.equal(generateIdentitySignature(userId, key), expected);
    const keyring = new Keyring({ current: key });
    assert.equal(keyring.sign(userId), expected);
    assert.equal(keyring.verify({ userId, signature: expected }).valid, true);
    assert.equal(
      keyring.verify({ userId, signature: expected.toUpperCase() }).valid,
      true,
    );
    assert.equal(verify(userId, expected, key), true);
  }
});

test("random one-character changes fail", () => {
  const keyring = new Keyring({ current: crypto.randomBytes(32) });
  for (let i = 0; i < 2000; i++) {
    const userId = randomString(30);
    const signature = keyring.sign(userId);
    const position = randomInt(64);
    const digit = signature[position] === "0" ? "1" : "0";
    const changed =
      signature.slice(0, position) + digit + signature.slice(position + 1);
    const result = keyring.verify({ userId, signature: changed });
    assert.equal(result.valid, false);
    assert.equal(result.code, "IDENTITY_VERIFICATION_FAILED");
  }
});

test("random lone surrogates rejected", () => {
  const keyring = new Keyring({ current: "key" });
  for (let i = 0; i < 2000; i++) {
    const surrogate = String.fromCharCode(0xd800 + randomInt(0x800));
    const text = randomString(10);
    const cut = randomInt(text.length + 1);
    const userId = text.slice(0, cut) + surrogate + text.slice(cut);
    if (userId.isWellFormed()) continue; // the surrogate completed a pair
    assert.throws(() => keyring.sign(userId), {
      name: "TypeError",
      code: "INVALID_ARGUMENT",
    });
    assert.equal(
      keyring.verify({ userId, signature: "0".repeat(64) }).code,
      "IDENTITY_VERIFICATION_FAILED",
    );
  }
});
