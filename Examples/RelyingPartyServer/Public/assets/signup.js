"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  if (!await KB.guard(["anonymous"])) return;
  const form = document.getElementById("signup-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    KB.showError("signup-error", null);
    await KB.busy(document.getElementById("signup-submit"), async () => {
      try {
        const phone = document.getElementById("phone").value.trim();
        const result = await KB.api("POST", "/api/signup", {
          username: document.getElementById("username").value,
          password: document.getElementById("password").value,
          phoneNumber: phone === "" ? null : phone,
        });
        location.assign(result.next);
      } catch (error) { KB.showError("signup-error", error); }
    });
  });
});
