"use strict";

// An Express app that hands the signed-in user a Pexelize identity token and
// checks that token on the routes that act for the user.
//
//   GET  /api/pexelize-token  returns { userId, signature } for the user
//   POST /api/uploads         requires a JSON body { identity: { userId, signature } }
//
// A stand-in for real authentication takes the user from the X-User-Id
// header. Each request logs one line with its outcome code, never the key or
// the signature.

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
  app.use(express.json({ limit: "16kb" }));
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

  app.use((error, req, res, next) => {
    if (res.headersSent) return next(error);
    // A body that is not JSON is the client's fault: it carries no identity.
    const status =
      error.status >= 400 && error.status < 500 ? error.status : 500;
    res.locals.outcome = status === 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    // A JSON parse error message quotes the body, which may carry a
    // signature, so a client error logs only the error type.
    res.locals.error =
      status === 500 ? error.message : (error.type ?? error.name);
    res.status(status).json({ code: res.locals.outcome });
  });
  return app;
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
 * Returns a middleware that verifies `req.body.identity` and responds 401
 * with `{ code }` when it is missing, failed or expired. On success it sets
 * `req.identity` to `{ userId, keyId }`.
 */
function requireIdentity(keyring, now) {
  return (req, res, next) => {
    const identity = req.body?.identity;
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

function logOutcome(log) {
  return (req, res, next) => {
    res.on("finish", () => {
      const outcome = res.locals.outcome ?? "OK";
      const detail =
        res.locals.error === undefined ? "" : ` (${res.locals.error})`;
      log(`${req.method} ${req.path} ${res.statusCode} ${outcome}${detail}`);
    });
    next();
  };
}

module.exports = { createApp, requireIdentity };
