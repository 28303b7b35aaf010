// KeyBridge example: shared helpers for every page (no framework, no build step).
"use strict";

const KB = (() => {
  let csrfToken = null;

  /** Calls the JSON API; throws an Error carrying the server's {error, message} on failure. */
  async function api(method, path, body) {
    if (method !== "GET" && csrfToken === null) await session();
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
    const response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    if (data.csrfToken) csrfToken = data.csrfToken;
    if (!response.ok) {
      const error = new Error(data.message || "Something went wrong. Try again.");
      error.code = data.error || "http-" + response.status;
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  /** The session (creates an anonymous one, with its CSRF token, when there is none). */
  async function session() {
    const data = await api("GET", "/api/session");
    csrfToken = data.csrfToken || csrfToken;
    return data;
  }

  const pages = {
    "anonymous": "/signin/", "second-factor": "/verify/", "enrollment": "/setup/", "signed-in": "/account/",
  };

  /** Sends the browser to the page for its session stage unless it is already on one of `allowed`. */
  async function guard(allowed) {
    const data = await session();
    if (!allowed.includes(data.stage)) { location.replace(pages[data.stage]); return null; }
    renderTopbar(data);
    return data;
  }

  function renderTopbar(data) {
    const nav = document.querySelector(".topbar nav");
    if (!nav) return;
    nav.textContent = "";
    if (data.username) {
      const who = el("span", { class: "who", id: "signed-in-as" }, data.username);
      const out = el("button", { class: "link", id: "sign-out", type: "button" }, "Sign out");
      out.addEventListener("click", signOut);
      if (data.stage === "signed-in") nav.append(el("a", { href: "/account/" }, "Security"));
      nav.append(who, out);
    } else {
      nav.append(el("a", { href: "/signin/" }, "Sign in"), el("a", { href: "/signup/" }, "Create account"));
    }
    if (document.body.dataset.dev !== "off") nav.append(el("a", { href: "/dev/outbox/", class: "small" }, "Dev outbox"));
  }

  async function signOut() {
    await api("POST", "/api/signout", {});
    location.assign("/signin/");
  }

  /** Creates an element: el("p", {class: "x"}, "text", child, ...). Text is never parsed as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Shows an error (or clears it with null) in the alert element `id`. */
  function showError(id, error) {
    const box = document.getElementById(id);
    if (!box) return;
    box.textContent = "";
    if (!error) { box.classList.add("hidden"); return; }
    box.className = "alert error";
    const text = error.message || String(error);
    const tips = "troubleshooting tips";
    if (text.endsWith(tips)) {
      box.append(text.slice(0, -tips.length), el("a", { href: "/help/", target: "_blank" }, tips));
    } else {
      box.append(text);
    }
    box.setAttribute("data-code", error.code || "");
  }

  function showNotice(id, text, kind) {
    const box = document.getElementById(id);
    if (!box) return;
    box.className = "alert " + (kind || "ok");
    box.textContent = text;
  }

  /** Disables `button` while `work` runs. */
  async function busy(button, work) {
    button.disabled = true;
    try { return await work(); } finally { button.disabled = false; }
  }

  // MARK: WebAuthn (Level 3 JSON forms straight from the server)

  function requireWebAuthn() {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      const error = new Error("This browser cannot use security keys here. Use an up-to-date browser, or another method.");
      error.code = "webauthn-unsupported";
      throw error;
    }
  }

  async function createCredential(publicKeyJSON) {
    requireWebAuthn();
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(publicKeyJSON);
    return credentialOrError(await navigator.credentials.create({ publicKey }).catch(webAuthnError));
  }

  async function getAssertion(publicKeyJSON) {
    requireWebAuthn();
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(publicKeyJSON);
    return credentialOrError(await navigator.credentials.get({ publicKey }).catch(webAuthnError));
  }

  function credentialOrError(credential) {
    if (!credential) throw Object.assign(new Error("No security key responded. Try again."), { code: "webauthn-cancelled" });
    return credential.toJSON();
  }

  function webAuthnError(error) {
    const message = error && error.name === "NotAllowedError"
      ? "The security key request was cancelled or timed out. Try again."
      : error && error.name === "InvalidStateError"
        ? "This security key is already registered on your account."
        : "Your security key could not be used: " + (error && error.message ? error.message : "unknown error");
    throw Object.assign(new Error(message), { code: "webauthn-" + (error && error.name ? error.name : "error") });
  }

  const iconFiles = { "security-key": "key", "totp": "app", "sms": "sms", "recovery-codes": "codes" };
  const icon = (kind) => el("img", { src: "/assets/icons/" + (iconFiles[kind] || "shield") + ".svg", alt: "" });
  const kindNames = {
    "security-key": "Security key", "totp": "Authenticator app", "sms": "Text message", "recovery-codes": "Recovery codes",
  };

  function formatTime(seconds) {
    return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  return { api, session, guard, el, showError, showNotice, busy, createCredential, getAssertion, icon, kindNames, formatTime, signOut };
})();
