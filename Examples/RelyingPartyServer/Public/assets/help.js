"use strict";
document.addEventListener("DOMContentLoaded", () => { KB.guard(["anonymous", "second-factor", "enrollment", "signed-in"]); });
