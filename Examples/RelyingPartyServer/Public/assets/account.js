"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  if (!await KB.guard(["signed-in"])) return;
  const $ = (id) => document.getElementById(id);
  const el = KB.el;
  const notice = (text, kind) => { KB.showNotice("account-notice", text, kind); };
  const actions = {
    "account-created": "Account created", "method-activated": "Sign-in method added", "method-removed": "Sign-in method removed",
    "method-renamed": "Sign-in method renamed", "mfa-reset": "Two-step verification reset", "phone-changed": "Phone number changed",
    "recovery-code-used": "Recovery code used", "recovery-codes-generated": "Recovery codes generated",
    "recovery-codes-regenerated": "Recovery codes replaced", "second-factor-failed": "Failed verification attempt",
    "sign-in-completed": "Signed in", "preferred-method-set": "Default method changed", "account-unlocked": "Account unlocked",
    "security-key-registration-failed": "Security key could not be added",
    "security-key-clone-suspected": "Possible copied security key refused",
  };

  const params = new URLSearchParams(location.search);
  if (params.get("added")) notice((KB.kindNames[params.get("added")] || "Method") + " added.", "ok");
  if (sessionStorage.getItem("kb-trusted-skip") === "1") {
    sessionStorage.removeItem("kb-trusted-skip");
    notice("Signed in without a code: this browser is trusted for 5 days.", "info");
  }

  const load = async () => {
    const account = await KB.api("GET", "/api/account");
    $("account-lead").textContent = "Signed in as " + account.username + ".";
    const primary = account.methods.filter((m) => m.kind !== "recovery-codes");
    $("mfa-state").textContent = account.isMFAEnabled
      ? "On · " + primary.length + (primary.length === 1 ? " method" : " methods") + (account.recommendsBackup ? " · add a backup method" : "")
      : "Off";
    const list = $("method-list");
    list.textContent = "";
    for (const method of account.methods) list.append(row(method));
    await loadActivity();
  };

  const row = (method) => {
    const detail = [];
    if (method.maskedPhoneNumber) detail.push(method.maskedPhoneNumber);
    if (method.recoveryCodesRemaining !== undefined) detail.push(method.recoveryCodesRemaining + " codes left");
    detail.push("added " + KB.formatTime(method.createdAt));
    const name = el("strong", { class: "method-name" }, method.kind === "recovery-codes" ? "Recovery codes" : method.name);
    const meta = el("div", { class: "meta" }, name,
      method.isPreferred ? el("span", { class: "badge neutral" }, "Default") : null,
      el("div", { class: "muted" }, (method.kind === "recovery-codes" ? [] : [KB.kindNames[method.kind] || method.kind]).concat(detail).join(" · ")));
    const buttons = el("div", { class: "row-actions" });
    const item = el("li", { "data-method-id": method.id, "data-kind": method.kind },
      el("span", { class: "icon" }, KB.icon(method.kind)), meta, buttons);
    const button = (label, cls, handler) => {
      const b = el("button", { class: cls, type: "button", "data-action": label.toLowerCase().replace(/ /g, "-") }, label);
      b.addEventListener("click", () => handler(b));
      buttons.append(b);
    };
    if (method.kind !== "recovery-codes" && !method.isPreferred) button("Make default", "secondary", (b) => KB.busy(b, async () => {
      try { await KB.api("POST", "/api/account/methods/" + method.id + "/preferred", {}); notice(method.name + " is now your default method.", "ok"); await load(); }
      catch (error) { notice(error.message, "error"); }
    }));
    if (method.kind === "security-key") button("Rename", "secondary", () => inlineForm(meta, "rename", method.name, "Save", async (value) => {
      await KB.api("PATCH", "/api/account/methods/" + method.id, { name: value });
      notice("Security key renamed to " + value.trim() + ".", "ok");
      await load();
    }));
    if (method.kind === "sms") button("Change number", "secondary", () => inlineForm(meta, "phone", "", "Send code", async (value) => {
      const sent = await KB.api("POST", "/api/account/methods/" + method.id + "/phone-number", { phoneNumber: value });
      let challengeID = sent.challengeID;
      meta.querySelector("form").remove();
      inlineForm(meta, "phone-code", "", "Confirm", async (code) => {
        try {
          await KB.api("POST", "/api/account/phone-number/confirm", { challengeID, code });
        } catch (error) {
          if (error.data && error.data.freshSMSChallengeID) challengeID = error.data.freshSMSChallengeID;
          throw error;
        }
        notice("Your phone number was changed. We sent a notice to your email.", "ok");
        await load();
      }, "Code sent to " + sent.maskedPhoneNumber);
    }));
    button("Remove", "danger", (b) => KB.busy(b, async () => {
      try {
        await KB.api("DELETE", "/api/account/methods/" + method.id);
        notice((method.kind === "recovery-codes" ? "Recovery codes" : method.name) + " removed.", "ok");
        await load();
      } catch (error) { notice(error.message, "error"); }
    }));
    return item;
  };

  const inlineForm = (container, kind, value, label, submit, placeholder) => {
    const existing = container.querySelector("form");
    if (existing) existing.remove();
    const input = el("input", { type: "text", value, "data-field": kind, placeholder: placeholder || (kind === "phone" ? "+44 7700 900456" : "") });
    const error = el("div", { class: "alert error hidden" });
    const go = el("button", { type: "submit", "data-action": "save-" + kind }, label);
    const form = el("form", { class: "inline-form", novalidate: true }, input, go);
    const wrap = el("div", {}, form, error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      KB.busy(go, async () => {
        error.classList.add("hidden");
        try { await submit(input.value); wrap.remove(); }
        catch (e) { error.textContent = e.message; error.classList.remove("hidden"); }
      });
    });
    container.append(wrap);
    input.focus();
  };

  const loadActivity = async () => {
    const data = await KB.api("GET", "/api/account/activity");
    const list = $("activity");
    list.textContent = "";
    for (const event of data.events.slice(0, 12)) {
      list.append(el("li", { class: event.action === "security-key-clone-suspected" ? "alarm" : "", "data-action": event.action },
        el("span", {}, actions[event.action] || event.action.replace(/-/g, " ")), el("span", { class: "muted" }, KB.formatTime(event.time))));
    }
    if (data.events.length === 0) list.append(el("li", {}, el("span", { class: "muted" }, "No activity yet.")));
  };

  $("regenerate-codes").addEventListener("click", () => KB.busy($("regenerate-codes"), async () => {
    try {
      const issued = await KB.api("POST", "/api/account/recovery-codes", {});
      const box = $("recovery-codes");
      box.textContent = "";
      for (const code of issued.codes) box.append(el("span", {}, code));
      box.classList.remove("hidden");
      notice("Save these recovery codes somewhere safe. Each works once" + (issued.replacedPreviousSet ? "; your old codes no longer work." : "."), "info");
      await load();
    } catch (error) { notice(error.message, "error"); }
  }));

  $("reset-mfa").addEventListener("click", () => $("reset-confirm").classList.remove("hidden"));
  $("reset-no").addEventListener("click", () => $("reset-confirm").classList.add("hidden"));
  $("reset-yes").addEventListener("click", () => KB.busy($("reset-yes"), async () => {
    try { const result = await KB.api("POST", "/api/account/mfa/reset", {}); location.assign(result.next); }
    catch (error) { notice(error.message, "error"); }
  }));

  await load();
});
