"use strict";

// Real HTTP requests to the example app on 127.0.0.1, ephemeral ports.

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const path = require("node:path");
const { after, before, test } = require("node:test");

const { Keyring, generateSecurityKey } = require("pexelize-identity");
const { createApp } = require("../app");

const KEY = generateSecurityKey();
const OLD_KEY = generateSecurityKey();
const UNTIL = new Date("2026-06-01T00:00:00Z");

let server;
let baseUrl;
const lines = [];
let clock = new Date("2026-05-01T00:00:00Z");

before(async () => {
  const keyring = new Keyring({
    current: KEY,
    previous: { key: OLD_KEY, acceptUntil: UNTIL },
  });
  const app = createApp({
    keyring,
    now: () => clock,
    log: (line) => lines.push(line),
  });
  await new Promise((resolve) => {
    server = app.listen(0, "127.0.0.1", resolve);
  });
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function getToken(userId) {
  const headers = userId === undefined ? {} : { "X-User-Id": userId };
  return fetch(`${baseUrl}/api/pexelize-token`, { headers });
}

async function upload(body, contentType = "application/json") {
  return fetch(`${baseUrl}/api/uploads`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

test("token for the signed-in user", async () => {
  const response = await getToken("user_42");
  assert.equal(response.status, 200);
  const token = await response.json();
  assert.equal(token.userId, "user_42");
  assert.equal(token.signature, new Keyring({ current: KEY }).sign("user_42"));
});

test("token without a user is 401", async () => {
  const response = await getToken();
  assert.equal(response.status, 401);
  assert.deepEqual(await response.json(), { code: "UNAUTHENTICATED" });
});

test("upload with a valid identity", async () => {
  const identity = await (await getToken("user_42")).json();
  const response = await upload({ identity });
  assert.equal(response.status, 201);
  assert.deepEqual(await response.json(), {
    uploaded: true,
    userId: "user_42",
    keyId: "current",
  });
});

test("upload with a tampered signature is 401", async () => {
  const identity = await (await getToken("user_42")).json();
  const last = identity.signature.at(-1) === "0" ? "1" : "0";
  const response = await upload({
    identity: {
      ...identity,
      signature: identity.signature.slice(0, -1) + last,
    },
  });
  assert.equal(response.status, 401);
  assert.deepEqual(await response.json(), {
    code: "IDENTITY_VERIFICATION_FAILED",
  });
});

test("upload for another user is 401", async () => {
  const identity = await (await getToken("user_42")).json();
  const response = await upload({
    identity: { ...identity, userId: "user_43" },
  });
  assert.deepEqual(await response.json(), {
    code: "IDENTITY_VERIFICATION_FAILED",
  });
});

test("upload without an identity is 401", async () => {
  for (const body of [
    {},
    { identity: null },
    { identity: { userId: "user_42" } },
    [],
  ]) {
    const response = await upload(body);
    assert.equal(response.status, 401, JSON.stringify(body));
    assert.deepEqual(await response.json(), { code: "IDENTITY_MISSING" });
  }
  const noBody = await fetch(`${baseUrl}/api/uploads`, { method: "POST" });
  assert.equal(noBody.status, 401);
  assert.deepEqual(await noBody.json(), { code: "IDENTITY_MISSING" });
});

test("upload with odd identity types is 401", async () => {
  for (const identity of [
    { userId: 5.5, signature: "x" },
    { userId: ["a"], signature: {} },
    "text",
    7,
  ]) {
    const response = await upload({ identity });
    assert.equal(response.status, 401, JSON.stringify(identity));
    assert.equal((await response.json()).code, "IDENTITY_VERIFICATION_FAILED");
  }
});

test("malformed JSON is 400", async () => {
  const signature = "ab".repeat(32);
  const response = await upload(`{"identity":{"signature":"${signature}"`);
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), { code: "BAD_REQUEST" });
  const line = lines.at(-1);
  assert.match(
    line,
    /POST \/api\/uploads 400 BAD_REQUEST \(entity.parse.failed\)/,
  );
  assert.ok(!line.includes(signature));
});

test("previous key inside and after its window", async () => {
  const userId = "user_rotated";
  const identity = {
    userId,
    signature: new Keyring({ current: OLD_KEY }).sign(userId),
  };
  clock = new Date(UNTIL.getTime() - 1000);
  const inside = await upload({ identity });
  assert.equal(inside.status, 201);
  assert.equal((await inside.json()).keyId, "previous");
  clock = UNTIL;
  const afterWindow = await upload({ identity });
  assert.equal(afterWindow.status, 401);
  assert.deepEqual(await afterWindow.json(), {
    code: "IDENTITY_SIGNATURE_EXPIRED",
  });
  clock = new Date("2026-05-01T00:00:00Z");
});

test("log lines carry codes, never secrets", async () => {
  const identity = await (await getToken("user_log")).json();
  await upload({
    identity: {
      ...identity,
      signature: identity.signature.toUpperCase().replace(/.$/, "0"),
    },
  });
  const text = lines.join("\n");
  assert.match(text, /GET \/api\/pexelize-token 200 TOKEN_ISSUED/);
  assert.match(text, /POST \/api\/uploads 401 IDENTITY_VERIFICATION_FAILED/);
  assert.match(text, /POST \/api\/uploads 401 IDENTITY_MISSING/);
  assert.match(text, /POST \/api\/uploads 201 IDENTITY_VALID key=current/);
  assert.ok(!text.includes(KEY));
  assert.ok(!text.includes(OLD_KEY));
  assert.ok(!text.includes(identity.signature));
  assert.ok(!text.toLowerCase().includes(identity.signature.slice(0, 20)));
});

test("server.js prints its URL and serves", async () => {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, "..", "server.js")],
    {
      env: { ...process.env, PEXELIZE_SECURITY_KEY: KEY, PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const url = await new Promise((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (match) resolve(match[1]);
      });
      child.once("exit", (code) =>
        reject(new Error(`server exited with ${code}`)),
      );
    });
    const response = await fetch(`${url}/api/pexelize-token`, {
      headers: { "X-User-Id": "u1" },
    });
    assert.equal(
      (await response.json()).signature,
      new Keyring({ current: KEY }).sign("u1"),
    );
  } finally {
    child.kill("SIGTERM");
  }
});

test("server.js refuses to start without a key", async () => {
  const env = { ...process.env };
  delete env.PEXELIZE_SECURITY_KEY;
  const child = spawn(
    process.execPath,
    [path.join(__dirname, "..", "server.js")],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  assert.equal(code, 1);
  assert.match(stderr, /PEXELIZE_SECURITY_KEY is not set/);
});

// Sends a request and returns its status, its JSON body and the log lines
// it produced. The log line is written on the response's "finish" event,
// which may come after the client has read the response, so this waits for
// it, then 20 ms more so that a second line for the request would show.
async function exchange(send) {
  const before = lines.length;
  const response = await send();
  const body = await response.json();
  for (let turn = 0; lines.length === before && turn < 1000; turn += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { status: response.status, body, logged: lines.slice(before) };
}

function assertOneLine(logged, pattern) {
  assert.equal(logged.length, 1, logged.join("\n"));
  assert.match(logged[0], pattern);
}

test("invalid JSON bodies are 400", async () => {
  const signature = "cd".repeat(32);
  for (const text of [
    `{"identity":{"userId":"u","signature":"${signature}"`,
    "{'identity': 1}",
    "nul",
  ]) {
    const { status, body, logged } = await exchange(() => upload(text));
    assert.equal(status, 400, text);
    assert.deepEqual(body, { code: "BAD_REQUEST" });
    assertOneLine(logged, /^POST \/api\/uploads 400 BAD_REQUEST \(/);
    assert.ok(!logged[0].includes(signature));
  }
});

test("body over 100 KiB is 413", async () => {
  const signature = "ef".repeat(32);
  const identity = { userId: "user_42", signature };
  const padding = (size) =>
    JSON.stringify({ identity, padding: "x".repeat(size) });
  const overhead = padding(0).length;

  const atLimit = await exchange(() => upload(padding(102400 - overhead)));
  assert.equal(atLimit.status, 401);
  assert.deepEqual(atLimit.body, { code: "IDENTITY_VERIFICATION_FAILED" });

  const { status, body, logged } = await exchange(() =>
    upload(padding(102401 - overhead)),
  );
  assert.equal(status, 413);
  assert.deepEqual(body, { code: "PAYLOAD_TOO_LARGE" });
  assertOneLine(
    logged,
    /^POST \/api\/uploads 413 PAYLOAD_TOO_LARGE \(entity.too.large\)$/,
  );
});

test("non-JSON content type means no identity", async () => {
  const identity = await (await getToken("user_42")).json();
  for (const contentType of [
    "text/plain",
    "application/x-www-form-urlencoded",
  ]) {
    const { status, body, logged } = await exchange(() =>
      upload({ identity }, contentType),
    );
    assert.equal(status, 401, contentType);
    assert.deepEqual(body, { code: "IDENTITY_MISSING" });
    assertOneLine(logged, /^POST \/api\/uploads 401 IDENTITY_MISSING$/);
  }
});

test("bodies without an identity are missing", async () => {
  for (const text of [
    "",
    "null",
    '"x"',
    "5",
    "true",
    "[]",
    '[{"identity":{"userId":"u","signature":"s"}}]',
    "{}",
    '{"other":1}',
    '{"identity":null}',
    '{"identity":""}',
    '{"identity":{}}',
    '{"identity":[]}',
  ]) {
    const { status, body, logged } = await exchange(() => upload(text));
    assert.equal(status, 401, text);
    assert.deepEqual(body, { code: "IDENTITY_MISSING" }, text);
    assertOneLine(logged, /^POST \/api\/uploads 401 IDENTITY_MISSING$/);
  }
});

test("non-object identities fail", async () => {
  for (const text of [
    '{"identity":"text"}',
    '{"identity":5}',
    '{"identity":0}',
    '{"identity":true}',
    '{"identity":false}',
    '{"identity":["user_42"]}',
  ]) {
    const { status, body, logged } = await exchange(() => upload(text));
    assert.equal(status, 401, text);
    assert.deepEqual(body, { code: "IDENTITY_VERIFICATION_FAILED" }, text);
    assertOneLine(
      logged,
      /^POST \/api\/uploads 401 IDENTITY_VERIFICATION_FAILED$/,
    );
  }
});

test("hostile identity contents are 401", async () => {
  const signature = "ab".repeat(32);
  const nested = "[".repeat(1200) + "]".repeat(1200);
  const nestedObject = '{"a":'.repeat(1200) + "1" + "}".repeat(1200);
  for (const text of [
    `{"identity":{"userId":${nested},"signature":"${signature}"}}`,
    `{"identity":{"userId":${nestedObject},"signature":"${signature}"}}`,
    `{"identity":{"userId":"u","signature":${nested}}}`,
    `{"identity":{"userId":"${"u".repeat(90000)}","signature":"${signature}"}}`,
    `{"identity":{"userId":"u","signature":"${"a".repeat(90000)}"}}`,
    `{"identity":{"userId":1.5,"signature":"${signature}"}}`,
    `{"identity":{"userId":123456789012345678901234567890,"signature":"${signature}"}}`,
    `{"identity":{"userId":"u","signature":{"length":64}}}`,
    `{"identity":{"userId":"\\ud800","signature":"${signature}"}}`,
  ]) {
    const { status, body, logged } = await exchange(() => upload(text));
    assert.equal(status, 401, text.slice(0, 80));
    assert.deepEqual(body, { code: "IDENTITY_VERIFICATION_FAILED" });
    assertOneLine(
      logged,
      /^POST \/api\/uploads 401 IDENTITY_VERIFICATION_FAILED$/,
    );
  }
});

test("one log line per request", async () => {
  const token = await exchange(() => getToken("user_one"));
  assertOneLine(token.logged, /^GET \/api\/pexelize-token 200 TOKEN_ISSUED$/);
  const valid = await exchange(() => upload({ identity: token.body }));
  assertOneLine(valid.logged, /^POST \/api\/uploads 201 IDENTITY_VALID/);
  const unauthenticated = await exchange(() => getToken());
  assertOneLine(
    unauthenticated.logged,
    /^GET \/api\/pexelize-token 401 UNAUTHENTICATED$/,
  );
  const notFound = await exchange(() => fetch(`${baseUrl}/api/nothing`));
  assert.equal(notFound.status, 404);
  assert.deepEqual(notFound.body, { code: "NOT_FOUND" });
  assertOneLine(notFound.logged, /^GET \/api\/nothing 404 NOT_FOUND$/);
});

test("handler error logs its type only", async () => {
  const logged = [];
  const app = createApp({
    keyring: new Keyring({ current: KEY }),
    now: () => {
      throw new RangeError("clock failed for user_secret_detail");
    },
    log: (line) => logged.push(line),
  });
  const failing = await new Promise((resolve) => {
    const listener = app.listen(0, "127.0.0.1", () => resolve(listener));
  });
  try {
    const url = `http://127.0.0.1:${failing.address().port}/api/uploads`;
    const signature = "ab".repeat(32);
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identity: { userId: "u", signature } }),
    });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { code: "INTERNAL_ERROR" });
    for (let turn = 0; logged.length === 0 && turn < 1000; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(logged, [
      "POST /api/uploads 500 INTERNAL_ERROR (RangeError)",
    ]);
  } finally {
    failing.closeAllConnections();
    failing.close();
  }
});
