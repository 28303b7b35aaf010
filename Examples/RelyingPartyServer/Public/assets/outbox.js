"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  await KB.guard(["anonymous", "second-factor", "enrollment", "signed-in"]);
  const render = async () => {
    KB.showError("outbox-error", null);
    try {
      const data = await KB.api("GET", "/api/dev/outbox");
      const fill = (id, items, head, body) => {
        const list = document.getElementById(id);
        list.textContent = "";
        if (items.length === 0) list.append(KB.el("p", { class: "muted" }, "Nothing sent yet."));
        for (const item of items) {
          list.append(KB.el("div", { class: "message" },
            KB.el("div", { class: "head" }, KB.el("span", {}, head(item)), KB.el("span", {}, KB.formatTime(item.time))),
            KB.el("pre", {}, body(item))));
        }
      };
      fill("sms-list", data.sms, (m) => "To " + m.to, (m) => m.body);
      fill("mail-list", data.email, (m) => "To " + m.to + " · " + m.subject, (m) => m.body);
    } catch (error) { KB.showError("outbox-error", error); }
  };
  document.getElementById("refresh").addEventListener("click", render);
  render();
});
