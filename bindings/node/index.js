"use strict";

// The public API of pexelize-identity. This layer checks argument types,
// rejects strings that are not well-formed UTF-16 and shapes results. The
// native addon (native.js loads it) does all cryptography through the Rust
// core, and a Keyring here contains only a handle to the Rust keyring.

const fs = require("node:fs");
const { inspect, types } = require("node:util");
const native = loadNative();

// Loads the addon. Without any .node file next to this one, the napi-rs
// loader blames an npm bug with optional dependencies, but the real cause is
// a package packed or linked before the addon was built.
function loadNative() {
  try {
    return require("./native.js");
  } catch (error) {
    const addons = fs
      .readdirSync(__dirname)
      .filter((name) => name.endsWith(".node"));
    if (addons.length > 0) throw error;
    throw new Error(
      `pexelize-identity: the native addon (*.node) is missing from ${__dirname}. ` +
        "Build it with make build-node in the pexelize-identity repository, " +
        "then pack or link the package again.",
      { cause: error },
    );
  }
}

const ENV_SECURITY_KEY = "PEXELIZE_SECURITY_KEY";
const ENV_SECURITY_KEY_PREVIOUS = "PEXELIZE_SECURITY_KEY_PREVIOUS";
const ENV_SECURITY_KEY_PREVIOUS_UNTIL = "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL";

const VERIFICATION_FAILED = "IDENTITY_VERIFICATION_FAILED";
const IDENTITY_MISSING = "IDENTITY_MISSING";
const INVALID_ARGUMENT = "INVALID_ARGUMENT";

const USER_ID_TYPES = "a string, Buffer, Uint8Array, safe integer or bigint";
const KEY_TYPES = "a string, Buffer or Uint8Array";

// Passed as the second constructor argument when a Keyring wraps a native
// handle built elsewhere (keyringFromEnv); callers cannot reach it.
const FROM_HANDLE = Symbol("pexelize-identity native handle");

// Drops the native keyring, zeroing its keys, once its Keyring is collected.
const nativeKeyrings = new FinalizationRegistry((handle) =>
  native.keyringFree(handle),
);

/**
 * An identity that did not verify, thrown by `keyring.assertValid`. `code` is
 * `IDENTITY_VERIFICATION_FAILED`, `IDENTITY_SIGNATURE_EXPIRED` or
 * `IDENTITY_MISSING`, `detail` the short name of the cause as in a verify
 * result, and `keyId` the key that made an expired signature.
 */
class IdentityError extends Error {
  constructor(code, message, { detail, keyId } = {}) {
    super(message);
    this.name = "IdentityError";
    this.code = code;
    this.detail = detail;
    if (keyId !== undefined) this.keyId = keyId;
  }
}

function invalidArgument(message) {
  const error = new TypeError(message);
  error.code = INVALID_ARGUMENT;
  return error;
}

// Names the type of a value for an error message, never the value itself,
// because the value may be a key.
function describeType(value) {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return "an infinite number";
      if (!Number.isInteger(value)) return "a number with a fraction";
      if (Number.isSafeInteger(value)) return "a number";
      return "an integer outside the safe range (use a bigint or a string)";
    case "boolean":
      return "a boolean";
    case "string":
      return "a string";
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      return describeObject(value);
  }
}

function describeObject(value) {
  // A proxy's traps are user code that may throw, and a revoked proxy throws
  // from Array.isArray, so a proxy is never inspected.
  if (types.isProxy(value)) return "a proxy";
  if (Array.isArray(value)) return "an array";
  try {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    if (typeof name === "string" && name !== "" && name !== "Object") {
      return `an instance of ${name}`;
    }
  } catch {
    // A getter on the prototype may throw; the generic name is enough.
  }
  return "an object";
}

// util.types reads the internal type of the value, so unlike instanceof it
// runs no getPrototypeOf trap of a proxy and cannot throw.
function isUint8Array(value) {
  return types.isUint8Array(value);
}

// Returns the length of an array, or undefined for any other value. A proxy
// is not an array here, because its traps may throw.
function arrayLength(value) {
  if (types.isProxy(value) || !Array.isArray(value)) return undefined;
  return value.length;
}

// Date.prototype.getTime, called so that an own getTime of the value is not.
const dateToMillis = Function.prototype.call.bind(Date.prototype.getTime);

function loneSurrogateMessage(what) {
  return (
    `${what} contains a lone UTF-16 surrogate, which has no UTF-8 form; ` +
    "pass a well-formed string, or the exact bytes as a Buffer"
  );
}

// Returns the bytes-like form of a user ID to sign: a well-formed string, a
// Uint8Array, or the base-10 text of an integer.
function signableUserId(userId) {
  if (typeof userId === "string") {
    if (userId.isWellFormed()) return userId;
    throw invalidArgument(loneSurrogateMessage("userId"));
  }
  if (isUint8Array(userId)) return userId;
  if (typeof userId === "bigint") return userId.toString();
  if (typeof userId === "number" && Number.isSafeInteger(userId))
    return String(userId);
  throw invalidArgument(
    `userId must be ${USER_ID_TYPES}; received ${describeType(userId)}`,
  );
}

function checkSecret(secret, what) {
  if (typeof secret === "string") {
    if (secret.isWellFormed()) return secret;
    throw invalidArgument(loneSurrogateMessage(what));
  }
  if (isUint8Array(secret)) return secret;
  throw invalidArgument(
    `${what} must be ${KEY_TYPES}; received ${describeType(secret)}`,
  );
}

// The characters that the Rust core rejects at either end of an environment
// key for keyringFromEnv: Unicode White_Space, the byte-order mark U+FEFF,
// U+200B to U+200D (zero-width space, non-joiner, joiner) and U+2060.
const EDGE_SPACE_OR_INVISIBLE =
  /^[\p{White_Space}\ufeff\u200b-\u200d\u2060]|[\p{White_Space}\ufeff\u200b-\u200d\u2060]$/u;

// Reads PEXELIZE_SECURITY_KEY with the checks that keyringFromEnv applies.
function securityKeyFromEnvironment() {
  const value = process.env[ENV_SECURITY_KEY];
  if (value === undefined) {
    throw invalidArgument(
      `securityKey was not passed and ${ENV_SECURITY_KEY} is not set; ` +
        "pass the key or set the variable to the security key from your dashboard",
    );
  }
  if (value === "") {
    throw invalidArgument(
      `${ENV_SECURITY_KEY} is set but empty; set it to a value or unset it`,
    );
  }
  if (EDGE_SPACE_OR_INVISIBLE.test(value)) {
    throw invalidArgument(
      `${ENV_SECURITY_KEY} has leading or trailing whitespace or an invisible ` +
        "character; remove it (a secrets file often ends in a newline or " +
        "starts with a byte-order mark)",
    );
  }
  checkDecodedVariable(ENV_SECURITY_KEY, value);
  return checkSecret(value, ENV_SECURITY_KEY);
}

// Node decodes the environment as UTF-8 and turns each invalid byte into
// U+FFFD, so such a value would silently sign under a different key. A
// byte-order mark at either end is an editor artifact, not part of a key.
function checkDecodedVariable(name, value) {
  if (value.includes("\ufffd")) {
    throw invalidArgument(
      `${name} contains U+FFFD, which Node substitutes for bytes that are ` +
        "not valid UTF-8; set the variable to UTF-8 text, such as the hex " +
        "key that generateSecurityKey() returns",
    );
  }
  if (value.startsWith("\ufeff") || value.endsWith("\ufeff")) {
    throw invalidArgument(
      `${name} starts or ends with a byte-order mark (U+FEFF); remove it ` +
        "(an editor may add one when it saves the secrets file)",
    );
  }
}

/**
 * Signs a user ID and returns the lowercase hex HMAC-SHA256, exactly what
 * `crypto.createHmac('sha256', securityKey).update(userId).digest('hex')`
 * returns for a well-formed string.
 */
function generateIdentitySignature(userId, securityKey) {
  const key =
    securityKey === undefined
      ? securityKeyFromEnvironment()
      : checkSecret(securityKey, "securityKey");
  return native.signOnce(signableUserId(userId), key);
}

// Returns the form of a user ID to verify, '' when it is absent, or
// undefined when no user ID of that type or content can ever verify.
function verifiableUserId(userId) {
  if (typeof userId === "string")
    return userId.isWellFormed() ? userId : undefined;
  if (userId === undefined || userId === null) return "";
  if (isUint8Array(userId)) return userId;
  if (typeof userId === "bigint") return userId.toString();
  if (typeof userId === "number" && Number.isSafeInteger(userId))
    return String(userId);
  return undefined;
}

// Returns the form of a signature to verify, '' when it is absent, or
// undefined for a type that can never verify.
function verifiableSignature(signature) {
  if (typeof signature === "string" || isUint8Array(signature))
    return signature;
  if (signature === undefined || signature === null) return "";
  return undefined;
}

/**
 * Verifies a signature under one key and returns true or false. Only a bad
 * key throws; a user ID or signature of any type or content returns false.
 */
function verify(userId, signature, securityKey) {
  const key =
    securityKey === undefined
      ? securityKeyFromEnvironment()
      : checkSecret(securityKey, "securityKey");
  const user = verifiableUserId(userId);
  const provided = verifiableSignature(signature);
  if (user === undefined || provided === undefined) return false;
  return native.verifyOnce(user, provided, key);
}

/** Generates a new security key: 64 lowercase hex characters of CSPRNG output. */
function generateSecurityKey() {
  return native.generateSecurityKey();
}

const KEYRING_OPTION_NAMES = ["current", "previous", "retired"];
const KEY_OPTION_NAMES = ["key", "id", "acceptUntil"];
const VERIFY_OPTION_NAMES = ["now"];

// Rejects a property that `accepted` does not list, because a misspelt
// option (accept_until, previos) would otherwise be ignored and change which
// signatures the keyring accepts.
function checkOptionNames(options, accepted, what) {
  for (const name of Object.keys(options)) {
    if (accepted.includes(name)) continue;
    const suggestion = suggestOptionName(name, accepted);
    const hint = suggestion === undefined ? "" : `; use ${suggestion} instead`;
    throw invalidArgument(
      `${what} has an unknown property ${JSON.stringify(name)}${hint}. ` +
        `Accepted properties: ${accepted.join(", ")}`,
    );
  }
}

// Returns the accepted name that `name` most likely misspells: the same name
// in camelCase or another letter case, or one within two edits.
function suggestOptionName(name, accepted) {
  const camelCase = name
    .replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())
    .toLowerCase();
  return (
    accepted.find((known) => known.toLowerCase() === camelCase) ??
    accepted.find((known) => editDistance(known, name) <= 2)
  );
}

// Levenshtein distance, for the short option names only.
function editDistance(left, right) {
  if (Math.abs(left.length - right.length) > 2 || right.length > 64) {
    return Infinity;
  }
  let previousRow = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = left[i - 1] === right[j - 1] ? 0 : 1;
      row.push(
        Math.min(
          previousRow[j] + 1,
          row[j - 1] + 1,
          previousRow[j - 1] + substitution,
        ),
      );
    }
    previousRow = row;
  }
  return previousRow[right.length];
}

// Splits a key option (a secret, or { key, id, acceptUntil }) into the
// arguments of the native keyring functions.
function keyArguments(value, what) {
  if (typeof value === "string" || isUint8Array(value)) {
    return [checkSecret(value, what), undefined, undefined];
  }
  if (value === null || typeof value !== "object") {
    throw invalidArgument(
      `${what} must be ${KEY_TYPES}, or an object { key, id, acceptUntil }; ` +
        `received ${describeType(value)}`,
    );
  }
  checkOptionNames(value, KEY_OPTION_NAMES, what);
  const { key, id, acceptUntil } = value;
  if (key === undefined) {
    throw invalidArgument(
      `${what}.key is missing; pass the secret as a string or Buffer`,
    );
  }
  if (id !== undefined && typeof id !== "string") {
    throw invalidArgument(
      `${what}.id must be a string; received ${describeType(id)}`,
    );
  }
  return [
    checkSecret(key, `${what}.key`),
    id,
    acceptUntilArgument(acceptUntil, `${what}.acceptUntil`),
  ];
}

function acceptUntilArgument(value, what) {
  if (value === undefined || value === null) return undefined;
  if (types.isDate(value)) return dateToMillis(value);
  if (typeof value === "number" || typeof value === "string") return value;
  throw invalidArgument(
    `${what} must be a Date, epoch milliseconds or an RFC 3339 string; received ${describeType(value)}`,
  );
}

function keyList(value, what) {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value))
    return value.map((key, index) => [key, `${what}[${index}]`]);
  return [[value, what]];
}

function nowArgument(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object") {
    throw invalidArgument(
      `options must be an object such as { now }; received ${describeType(options)}`,
    );
  }
  checkOptionNames(options, VERIFY_OPTION_NAMES, "options");
  const { now } = options;
  if (now === undefined) return undefined;
  // Checked here because the core's message for a non-finite time also
  // offers RFC 3339 text, which options.now does not accept.
  if (types.isDate(now)) {
    const millis = dateToMillis(now);
    if (Number.isNaN(millis)) throw invalidNow("an invalid Date");
    return millis;
  }
  if (typeof now === "number") {
    if (!Number.isFinite(now)) throw invalidNow(describeType(now));
    return now;
  }
  throw invalidArgument(
    `options.now must be a Date or epoch milliseconds; received ${describeType(now)}`,
  );
}

function invalidNow(received) {
  return invalidArgument(
    `options.now is not a valid time; pass a valid Date or epoch milliseconds (received ${received})`,
  );
}

/**
 * The keys an application signs and verifies identities with: the current
 * key, previous keys accepted until their window ends, and retired keys whose
 * signatures are reported as expired.
 */
class Keyring {
  #handle;
  #keys;

  constructor(options, handle) {
    if (handle !== undefined && options === FROM_HANDLE) {
      this.#handle = handle;
    } else {
      this.#handle = Keyring.#build(options);
    }
    nativeKeyrings.register(this, this.#handle);
    this.#keys = native.keyringKeys(this.#handle);
  }

  static #build(options) {
    if (options === null || typeof options !== "object") {
      throw invalidArgument(
        `Keyring options must be an object such as { current: key }; received ${describeType(options)}`,
      );
    }
    checkOptionNames(options, KEYRING_OPTION_NAMES, "Keyring options");
    const { current, previous, retired } = options;
    if (current === undefined) {
      throw invalidArgument(
        "options.current is missing; pass the current security key",
      );
    }
    const handle = native.keyringNew(...keyArguments(current, "current"));
    try {
      for (const [key, what] of keyList(previous, "previous")) {
        native.keyringAddPrevious(handle, what, ...keyArguments(key, what));
      }
      for (const [key, what] of keyList(retired, "retired")) {
        native.keyringAddRetired(handle, what, ...keyArguments(key, what));
      }
    } catch (error) {
      native.keyringFree(handle);
      throw error;
    }
    return handle;
  }

  /** Signs a user ID with the current key and returns the hex signature. */
  sign(userId) {
    if (typeof userId === "string" && userId.isWellFormed()) {
      return native.keyringSign(this.#handle, userId);
    }
    return native.keyringSign(this.#handle, signableUserId(userId));
  }

  /**
   * Verifies `{ userId, signature }` and returns `{ valid: true, keyId }` or
   * `{ valid: false, code, message, detail }`, with `keyId` as well for an
   * expired signature. Only bad options throw.
   */
  verify(identity, options) {
    const nowMs = options === undefined ? undefined : nowArgument(options);
    // An absent or empty identity is missing, as {} is: a client that sends
    // "" or [] has sent nothing. Any other value that is not an object
    // cannot be an identity.
    if (identity === undefined || identity === null || identity === "") {
      return this.#missing(
        "identity is missing; pass { userId, signature }",
        "identity",
      );
    }
    if (typeof identity !== "object") {
      return this.#notAnObject(identity);
    }

    let userId;
    let signature;
    try {
      userId = identity.userId;
      signature = identity.signature;
    } catch {
      return this.#failed(
        "identity could not be read: a property getter threw",
        "type",
      );
    }

    // An array has neither part, so the array check runs only then, off the
    // path of real identities.
    if (userId === undefined && signature === undefined) {
      const length = arrayLength(identity);
      if (length === 0) {
        return this.#missing(
          "identity is missing; pass { userId, signature }",
          "identity",
        );
      }
      if (length !== undefined) return this.#notAnObject(identity);
    }

    const user = verifiableUserId(userId);
    if (user === undefined) {
      if (typeof userId === "string")
        return this.#failed(
          loneSurrogateMessage("identity user ID"),
          "lone-surrogate",
        );
      return this.#failed(
        `identity user ID must be ${USER_ID_TYPES}; received ${describeType(userId)}`,
        "type",
      );
    }
    let provided = verifiableSignature(signature);
    if (provided === undefined) {
      // An absent user ID is reported first, as the native check orders them.
      if (user.length !== 0) {
        return this.#failed(
          `identity signature must be a hex string; received ${describeType(signature)}`,
          "type",
        );
      }
      provided = "";
    }

    const result = native.keyringVerify(this.#handle, user, provided, nowMs);
    if (typeof result === "number")
      return { valid: true, keyId: this.#keys[result].id };
    const failure = {
      valid: false,
      code: result.code,
      message: result.message,
      detail: result.detail,
    };
    if (result.keyId !== undefined) failure.keyId = result.keyId;
    return failure;
  }

  /**
   * Verifies like `verify` and returns the matching key id, or throws an
   * IdentityError with the failure's code.
   */
  assertValid(identity, options) {
    const result = this.verify(identity, options);
    if (result.valid) return result.keyId;
    throw new IdentityError(result.code, result.message, result);
  }

  /**
   * Returns verification counts by outcome, and by key id how many presented
   * signatures each key produced, accepted or expired.
   */
  stats() {
    const counts = native.keyringStats(this.#handle);
    return {
      valid: counts.valid,
      failed: counts.failed,
      expired: counts.expired,
      missing: counts.missing,
      byKey: Object.fromEntries(
        counts.byKey.map(({ id, count }) => [id, count]),
      ),
    };
  }

  #notAnObject(identity) {
    return this.#failed(
      `identity must be an object { userId, signature }; received ${describeType(identity)}`,
      "type",
    );
  }

  // Outcomes decided here, before the native call, are counted by the addon
  // too, so stats() covers every identity presented.
  #failed(message, detail) {
    native.keyringRecordRejection(this.#handle, false);
    return { valid: false, code: VERIFICATION_FAILED, message, detail };
  }

  #missing(message, detail) {
    native.keyringRecordRejection(this.#handle, true);
    return { valid: false, code: IDENTITY_MISSING, message, detail };
  }

  // Shows key ids, roles and windows; the secrets never leave the addon.
  [inspect.custom](depth, options, inspectValue) {
    const keys = this.#keys.map(({ id, role, acceptUntilMs }) =>
      acceptUntilMs === undefined
        ? { id, role }
        : { id, role, acceptUntil: new Date(acceptUntilMs) },
    );
    return `Keyring ${inspectValue({ keys }, options)}`;
  }
}

function readVariable(env, name) {
  const value = env[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw invalidArgument(
      `${name} must be a string; received ${describeType(value)}`,
    );
  }
  if (!value.isWellFormed()) throw invalidArgument(loneSurrogateMessage(name));
  checkDecodedVariable(name, value);
  return value;
}

/**
 * Builds a keyring from PEXELIZE_SECURITY_KEY (required),
 * PEXELIZE_SECURITY_KEY_PREVIOUS and PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL
 * (RFC 3339) in `env`.
 */
function keyringFromEnv(env = process.env) {
  if (env === null || typeof env !== "object") {
    throw invalidArgument(
      `env must be an object such as process.env; received ${describeType(env)}`,
    );
  }
  const handle = native.keyringFromValues(
    readVariable(env, ENV_SECURITY_KEY),
    readVariable(env, ENV_SECURITY_KEY_PREVIOUS),
    readVariable(env, ENV_SECURITY_KEY_PREVIOUS_UNTIL),
  );
  return new Keyring(FROM_HANDLE, handle);
}

module.exports = {
  IdentityError,
  Keyring,
  generateIdentitySignature,
  generateSecurityKey,
  keyringFromEnv,
  verify,
};
