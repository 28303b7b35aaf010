"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  if (!await KB.guard(["second-factor"])) return;
  const $ = (id) => document.getElementById(id);
  const challenge = await KB.api("GET", "/api/mfa/challenge");
  const methods = challenge.methods;
  $("remember-days").textContent = String(challenge.trustedDeviceDays);
  if (challenge.riskReasons.length > 0) {
    $("risk").textContent = challenge.riskReasons.join(" ");
    $("risk").classList.remove("hidden");
  }
  const kinds = ["security-key", "totp", "sms", "recovery-codes"];
  const leads = {
    "security-key": "Use your security key to finish signing in.",
    "totp": "Open your authenticator app to finish signing in.",
    "sms": "We'll text a code to your phone.",
    "recovery-codes": "Use a recovery code to finish signing in.",
  };
  let current = null;
  let smsChallengeID = null;
  let smsMethodID = null;
  const remember = () => $("remember-device").checked;
  const done = (result) => location.assign(result.next);

  const sendSMS = async (methodID) => {
    KB.showError("sms-error", null);
    try {
      const sent = await KB.api("POST", "/api/mfa/sms/send", { methodID });
      smsChallengeID = sent.challengeID;
      $("sms-sent").textContent = "We sent a code to " + sent.maskedPhoneNumber + ".";
      $("sms-sent").classList.remove("hidden");
      $("sms-code").focus();
    } catch (error) { KB.showError("sms-error", error); }
  };

  const select = (method) => {
    current = method;
    for (const kind of kinds) $("panel-" + kind).classList.toggle("hidden", kind !== method.kind);
    $("verify-lead").textContent = leads[method.kind] +
      (method.kind === "sms" && method.maskedPhoneNumber ? " (" + method.maskedPhoneNumber + ")" : "");
    $("other-methods").classList.add("hidden");
    renderOthers();
    if (method.kind === "sms" && smsMethodID !== method.id) { smsMethodID = method.id; sendSMS(method.id); }
    if (method.kind === "totp") $("totp-code").focus();
  };

  const renderOthers = () => {
    const list = $("other-methods");
    list.textContent = "";
    for (const method of methods) {
      if (current && method.id === current.id) continue;
      const button = KB.el("button", { class: "option", type: "button", "data-kind": method.kind, "data-method-id": method.id },
        KB.el("span", { class: "icon" }, KB.icon(method.kind)),
        KB.el("span", {}, KB.el("strong", {}, KB.kindNames[method.kind] || method.kind),
          KB.el("span", { class: "muted" }, method.kind === "sms" && method.maskedPhoneNumber ? method.maskedPhoneNumber : method.name)));
      button.addEventListener("click", () => select(method));
      list.append(button);
    }
    $("use-another").classList.toggle("hidden", list.childElementCount === 0);
  };
  $("use-another").addEventListener("click", () => $("other-methods").classList.toggle("hidden"));

  $("key-use").addEventListener("click", () => KB.busy($("key-use"), async () => {
    KB.showError("key-error", null);
    try {
      const options = await KB.api("POST", "/api/mfa/security-key/options", {});
      const credential = await KB.getAssertion(options.publicKey);
      done(await KB.api("POST", "/api/mfa/security-key/verify", { ceremonyID: options.ceremonyID, credential, rememberDevice: remember() }));
    } catch (error) { KB.showError("key-error", error); }
  }));

  const codeForm = (formID, buttonID, inputID, errorID, body) => {
    $(formID).addEventListener("submit", (event) => {
      event.preventDefault();
      KB.busy($(buttonID), async () => {
        KB.showError(errorID, null);
        try { done(await KB.api("POST", "/api/mfa/verify", Object.assign(body(), { code: $(inputID).value, rememberDevice: remember() }))); }
        catch (error) {
          if (error.data && error.data.freshSMSChallengeID) smsChallengeID = error.data.freshSMSChallengeID;
          KB.showError(errorID, error);
          $(inputID).select();
        }
      });
    });
  };
  codeForm("totp-form", "totp-verify", "totp-code", "totp-error", () => ({ method: "totp" }));
  codeForm("sms-form", "sms-verify", "sms-code", "sms-error", () => ({ method: "sms", challengeID: smsChallengeID }));
  codeForm("recovery-form", "recovery-verify", "recovery-code", "recovery-error", () => ({ method: "recovery-code" }));

  $("sms-resend").addEventListener("click", () => KB.busy($("sms-resend"), async () => {
    KB.showError("sms-error", null);
    if (smsChallengeID === null) { await sendSMS(smsMethodID); return; }  // the first send was refused
    try {
      const sent = await KB.api("POST", "/api/sms/resend", { challengeID: smsChallengeID });
      smsChallengeID = sent.challengeID;
      $("sms-sent").textContent = "We sent a new code to " + sent.maskedPhoneNumber + ". The previous code no longer works.";
      $("sms-code").value = "";
      $("sms-code").focus();
    } catch (error) { KB.showError("sms-error", error); }
  }));

  if (methods.length > 0) select(methods[0]);
});
