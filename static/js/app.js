// Small enhancements; every page works without this file.
"use strict";

// Remember the language a visitor picks in the switcher, so that "/" opens
// in it next time. Content pages never set cookies themselves, which keeps
// them cacheable; the choice is the visitor's, made here.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-remember-lang]");
  if (!link) {
    return;
  }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie =
    "lang=" + encodeURIComponent(link.dataset.rememberLang) +
    "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
});
