"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const data = await KB.guard(["enrollment", "signed-in"]);
  if (!data) return;
  const adding = data.stage === "signed-in";
  const panels = ["setup-choose", "setup-security-key", "setup-totp", "setup-sms", "setup-done"];
  const show = (id) => panels.forEach((panel) => document.getElementById(panel).classList.toggle("hidden", panel !== id));
  const $ = (id) => document.getElementById(id);

  if (adding) {
    $("setup-title").textContent = "Add a sign-in method";
    $("setup-lead").textContent = "A second method lets you sign in if you lose the first.";
  }
  if (data.phoneNumberOnFile) $("sms-phone").value = data.phoneNumberOnFile;

  const finished = (result) => {
    $("done-text").textContent = result.method.name + " is set up. " +
      (adding ? "You can use it the next time you sign in." : "Two-step verification is on for your account.");
    if (adding) { location.assign("/account/?added=" + encodeURIComponent(result.method.kind)); return; }
    show("setup-done");
  };
  const back = () => adding ? location.assign("/account/") : show("setup-choose");
  document.querySelectorAll("button.back").forEach((button) => button.addEventListener("click", back));

  // Security key
  $("choose-security-key").addEventListener("click", () => show("setup-security-key"));
  $("key-register").addEventListener("click", () => KB.busy($("key-register"), async () => {
    KB.showError("key-error", null);
    try {
      const options = await KB.api("POST", "/api/account/methods/security-key/options", {});
      const credential = await KB.createCredential(options.publicKey);
      finished(await KB.api("POST", "/api/account/methods/security-key", {
        ceremonyID: options.ceremonyID, name: $("key-name").value, credential,
      }));
    } catch (error) { KB.showError("key-error", error); }
  }));

  // Authenticator app
  let totpMethodID = null;
  const startTOTP = async () => {
    show("setup-totp");
    KB.showError("totp-error", null);
    try {
      const enrollment = await KB.api("POST", "/api/account/methods/totp", {});
      totpMethodID = enrollment.methodID;
      $("totp-qr").src = enrollment.qrCodeSVG;
      $("totp-secret").textContent = enrollment.manualEntrySecret;
      $("totp-code").focus();
    } catch (error) { KB.showError("totp-error", error); }
  };
  $("choose-totp").addEventListener("click", startTOTP);
  $("totp-form").addEventListener("submit", (event) => {
    event.preventDefault();
    KB.busy($("totp-confirm"), async () => {
      KB.showError("totp-error", null);
      try {
        finished(await KB.api("POST", "/api/account/methods/totp/" + encodeURIComponent(totpMethodID) + "/confirm",
          { code: $("totp-code").value }));
      } catch (error) { KB.showError("totp-error", error); $("totp-code").select(); }
    });
  });

  // Text message
  let smsChallengeID = null;
  const sent = (result) => {
    smsChallengeID = result.challengeID;
    $("sms-sent").textContent = "We sent a code to " + result.maskedPhoneNumber + ".";
    $("sms-number-form").classList.add("hidden");
    $("sms-code-form").classList.remove("hidden");
    $("sms-code").focus();
  };
  $("choose-sms").addEventListener("click", () => show("setup-sms"));
  $("sms-number-form").addEventListener("submit", (event) => {
    event.preventDefault();
    KB.busy($("sms-send"), async () => {
      KB.showError("sms-number-error", null);
      try { sent(await KB.api("POST", "/api/account/methods/sms", { phoneNumber: $("sms-phone").value })); }
      catch (error) { KB.showError("sms-number-error", error); }
    });
  });
  $("sms-resend").addEventListener("click", () => KB.busy($("sms-resend"), async () => {
    KB.showError("sms-code-error", null);
    try { sent(await KB.api("POST", "/api/sms/resend", { challengeID: smsChallengeID })); }
    catch (error) { KB.showError("sms-code-error", error); }
  }));
  $("sms-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    KB.busy($("sms-confirm"), async () => {
      KB.showError("sms-code-error", null);
      try {
        finished(await KB.api("POST", "/api/account/methods/sms/confirm", { challengeID: smsChallengeID, code: $("sms-code").value }));
      } catch (error) {
        if (error.data && error.data.freshSMSChallengeID) smsChallengeID = error.data.freshSMSChallengeID;
        KB.showError("sms-code-error", error);
        $("sms-code").select();
      }
    });
  });

  const add = new URLSearchParams(location.search).get("add");
  if (adding && add === "security-key") show("setup-security-key");
  else if (adding && add === "totp") startTOTP();
  else if (adding && add === "sms") show("setup-sms");
  else show("setup-choose");
});
