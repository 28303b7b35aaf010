"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const data = await KB.session();
  if (data.stage !== "anonymous") { location.replace({ "second-factor": "/verify/", "enrollment": "/setup/", "signed-in": "/account/" }[data.stage]); return; }
  const nav = document.querySelector(".topbar nav");
  nav.append(KB.el("a", { href: "/signin/" }, "Sign in"), KB.el("a", { href: "/signup/" }, "Create account"), KB.el("a", { href: "/dev/outbox/", class: "small" }, "Dev outbox"));
});
