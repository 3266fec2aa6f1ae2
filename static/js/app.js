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

// Parts that only work with this script (the live tax estimate) are hidden
// in the HTML and shown here, on the page and in what htmx swaps in.
function showScripted(root) {
  for (const element of root.querySelectorAll("[data-needs-script][hidden]")) {
    element.hidden = false;
  }
}
showScripted(document);
document.addEventListener("htmx:load", (event) => showScripted(event.detail.elt.parentNode || document));

// Donation amounts: typing an amount selects "Another amount"; choosing a
// preset clears the typed amount, so what is shown is what is given. These
// run in the capture phase, before htmx asks for a new estimate.
document.addEventListener(
  "input",
  (event) => {
    const amount = event.target;
    if (!amount.matches("input[name=amount]") || !amount.form) {
      return;
    }
    const other = amount.form.querySelector("input[name=preset][value=other]");
    if (other && amount.value.trim() !== "") {
      other.checked = true;
    }
  },
  true,
);
document.addEventListener(
  "change",
  (event) => {
    const preset = event.target;
    if (!preset.matches("input[name=preset]") || preset.value === "other" || !preset.form) {
      return;
    }
    const amount = preset.form.querySelector("input[name=amount]");
    if (amount) {
      amount.value = "";
    }
  },
  true,
);

// A company's details apply only when a company gives: shown and required
// then, hidden otherwise (what was typed there stays, should the choice change
// back; the server ignores it for an individual).
function showDonorFields(root) {
  for (const group of root.querySelectorAll("[data-for-donor]")) {
    const form = group.closest("form");
    const chosen = form && form.querySelector("input[name=donor_type]:checked");
    const shown = !chosen || chosen.value === group.dataset.forDonor;
    group.hidden = !shown;
    for (const control of group.querySelectorAll("[data-required-for]")) {
      control.required = shown && control.dataset.requiredFor === group.dataset.forDonor;
    }
  }
}
showDonorFields(document);
document.addEventListener("htmx:load", (event) => showDonorFields(event.detail.elt.parentNode || document));
document.addEventListener("change", (event) => {
  if (event.target.matches("input[name=donor_type]") && event.target.form) {
    showDonorFields(event.target.form);
  }
});

// Characters left in a field with a limit. The count is a polite live
// region, updated once typing pauses so a screen reader is not interrupted
// at every key.
const countTimers = new WeakMap();
document.addEventListener("input", (event) => {
  const field = event.target;
  const counter = field.dataset && document.getElementById(field.dataset.count || "");
  if (!counter || !counter.dataset.template) {
    return;
  }
  clearTimeout(countTimers.get(field));
  countTimers.set(
    field,
    setTimeout(() => {
      const left = Math.max(0, field.maxLength - field.value.length);
      const number = new Intl.NumberFormat(document.documentElement.lang).format(left);
      counter.textContent = counter.dataset.template.replace("{num}", number);
    }, 700),
  );
});

// Live regions marked data-calm (the tax estimate, the count of departments
// found) speak once the visitor pauses: new text waits until a second has
// passed without another answer or another keystroke, and text that has not
// changed is not written again, which would make screen readers repeat it.
// What htmx brings for such a region is held here instead of swapped at once.
const CALM_DELAY = 1000;
const pending = new Map();

function speakWhenCalm(region, nodes) {
  const entry = pending.get(region) || {};
  clearTimeout(entry.timer);
  entry.nodes = nodes;
  entry.timer = setTimeout(() => {
    pending.delete(region);
    const text = (node) => node.textContent.replace(/\s+/g, " ").trim();
    const fresh = document.createElement("div");
    fresh.append(...entry.nodes);
    if (text(fresh) !== text(region)) {
      region.replaceChildren(...fresh.childNodes);
      window.htmx.process(region);  // what htmx would have done with a swap of its own
      showScripted(region);
    }
  }, CALM_DELAY);
  pending.set(region, entry);
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (!detail.shouldSwap || !detail.target || !detail.target.matches("[data-calm]")) {
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = detail.serverResponse;
  detail.shouldSwap = false;
  speakWhenCalm(detail.target, [...template.content.childNodes]);
});
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const detail = event.detail;
  if (detail.shouldSwap && detail.target.matches("[data-calm]")) {
    // An outerHTML swap brings the region itself; keep only what it holds.
    const own = detail.fragment.firstElementChild;
    const holder = own && own.id === detail.target.id ? own : detail.fragment;
    detail.shouldSwap = false;
    speakWhenCalm(detail.target, [...holder.childNodes]);
  }
});
// Still typing: what is waiting to be said waits a little longer.
document.addEventListener("input", () => {
  for (const [region, entry] of pending) {
    speakWhenCalm(region, entry.nodes);
  }
});

// When htmx cannot complete a form (rate limit, expired page, server error),
// send the form the ordinary way: the visitor gets the full page explaining it.
function resubmitForm(event) {
  const detail = event.detail;
  const form = detail.elt && detail.elt.closest && detail.elt.closest("form[data-hx-post]");
  if (form && detail.requestConfig && detail.requestConfig.verb === "post") {
    form.submit();
  }
}
document.addEventListener("htmx:responseError", resubmitForm);
document.addEventListener("htmx:sendError", resubmitForm);

// An error summary link moves focus to its field. Done here rather than left
// to the browser's fragment navigation, which Chromium drops while a smooth
// scroll is still running (as when the summary itself has just been focused),
// leaving the focused field out of sight. scroll-margin keeps its label in view.
document.addEventListener("click", (event) => {
  const plain = event.button === 0 && !event.defaultPrevented &&
    !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey);
  const link = plain && event.target.closest(".error-summary a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) {
    return;  // a new tab or window, say: the browser's own way
  }
  event.preventDefault();
  field.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});
