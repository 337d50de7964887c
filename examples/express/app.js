"use strict";

// An Express app that hands the signed-in user a Pexelize identity token and
// checks that token on the routes that act for the user.
//
//   GET  /api/pexelize-token  returns { userId, signature } for the user
//   POST /api/uploads         requires a JSON body { identity: { userId, signature } }
//
// A stand-in for real authentication takes the user from the X-User-Id
// header. Each request logs one line with its outcome code, never the key,
// the signature or the body.
//
// Request bodies follow the rules that the Flask and FastAPI examples share.
// Invalid JSON is 400 BAD_REQUEST and a body over 100 KiB is 413
// PAYLOAD_TOO_LARGE. A body that is not JSON, not a JSON object, or has no
// identity field carries no identity, so it is 401 IDENTITY_MISSING.

const express = require("express");

/**
 * Creates the app. `keyring` signs and verifies; `now` returns the clock for
 * rotation windows (the system clock by default); `log` receives one line
 * per request.
 */
function createApp({ keyring, now = () => new Date(), log = console.log }) {
  const app = express();
  // First, so that requests that fail in the JSON parser are logged too.
  app.use(logOutcome(log));
  // strict: false accepts any JSON value at the top level, so a body of
  // null, "x" or 5 has no identity (401) rather than being a parse error.
  app.use(express.json({ limit: MAX_BODY_SIZE, strict: false }));
  app.use(authenticate);

  app.get("/api/pexelize-token", requireUser, (req, res) => {
    const userId = req.user;
    res.locals.outcome = "TOKEN_ISSUED";
    res.json({ userId, signature: keyring.sign(userId) });
  });

  app.post("/api/uploads", requireIdentity(keyring, now), (req, res) => {
    res.status(201).json({
      uploaded: true,
      userId: req.identity.userId,
      keyId: req.identity.keyId,
    });
  });

  app.use((req, res) => {
    res.locals.outcome = "NOT_FOUND";
    res.status(404).json({ code: "NOT_FOUND" });
  });

  app.use((error, req, res, next) => {
    if (res.headersSent) return next(error);
    const [status, code] = errorResponse(error);
    res.locals.outcome = code;
    // Error messages may quote the body (a JSON parse error does) or other
    // request data, so the log gets only the error's type.
    res.locals.error = errorType(error);
    res.status(status).json({ code });
  });
  return app;
}

// Express's own default limit for JSON bodies: 100 KiB.
const MAX_BODY_SIZE = "100kb";

// Maps an error to its status and code. body-parser sets `status` on the
// errors of a body it cannot read, which are the client's fault.
function errorResponse(error) {
  if (error?.type === "entity.too.large") return [413, "PAYLOAD_TOO_LARGE"];
  if (error?.status >= 400 && error?.status < 500) return [400, "BAD_REQUEST"];
  return [500, "INTERNAL_ERROR"];
}

function errorType(error) {
  if (typeof error?.type === "string") return error.type;
  if (typeof error?.name === "string") return error.name;
  return typeof error;
}

// The stand-in for a session: a real app would read its own login cookie.
function authenticate(req, res, next) {
  const userId = req.get("X-User-Id");
  req.user = userId === undefined || userId === "" ? undefined : userId;
  next();
}

function requireUser(req, res, next) {
  if (req.user !== undefined) return next();
  res.locals.outcome = "UNAUTHENTICATED";
  res.status(401).json({ code: "UNAUTHENTICATED" });
}

/**
 * Returns a middleware that verifies the identity field of a JSON object
 * body and responds 401 with `{ code }` when it is missing, failed or
 * expired. On success it sets `req.identity` to `{ userId, keyId }`.
 */
function requireIdentity(keyring, now) {
  return (req, res, next) => {
    const identity = identityOf(req.body);
    const result = keyring.verify(identity, { now: now() });
    if (!result.valid) {
      res.locals.outcome = result.code;
      res.status(401).json({ code: result.code });
      return;
    }
    req.identity = { userId: identity.userId, keyId: result.keyId };
    res.locals.outcome = `IDENTITY_VALID key=${result.keyId}`;
    next();
  };
}

// Returns the identity field of a JSON object body. Any other body (none,
// not JSON, null, a string, a number or an array) carries no identity.
function identityOf(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return undefined;
  }
  return Object.hasOwn(body, "identity") ? body.identity : undefined;
}

// Logs one line per request: on "finish" when the response was sent, or on
// "close" when the connection ended first, whichever comes first.
function logOutcome(log) {
  return (req, res, next) => {
    let logged = false;
    const logOnce = () => {
      if (logged) return;
      logged = true;
      const outcome = res.locals.outcome ?? "OK";
      const detail =
        res.locals.error === undefined ? "" : ` (${res.locals.error})`;
      const status = res.writableFinished ? res.statusCode : "aborted";
      log(`${req.method} ${req.path} ${status} ${outcome}${detail}`);
    };
    res.once("finish", logOnce);
    res.once("close", logOnce);
    next();
  };
}

module.exports = { createApp, requireIdentity };
