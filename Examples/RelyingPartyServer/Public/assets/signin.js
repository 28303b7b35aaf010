"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  if (!await KB.guard(["anonymous"])) return;
  document.getElementById("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    KB.showError("signin-error", null);
    await KB.busy(document.getElementById("signin-submit"), async () => {
      try {
        const result = await KB.api("POST", "/api/signin", {
          username: document.getElementById("username").value,
          password: document.getElementById("password").value,
        });
        if (result.skippedPromptOnTrustedDevice) sessionStorage.setItem("kb-trusted-skip", "1");
        location.assign(result.next);
      } catch (error) { KB.showError("signin-error", error); }
    });
  });
});
