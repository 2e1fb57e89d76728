// Tell the server the visitor's time zone once, so times are shown in it before they sign in.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("expo_tz=") === -1) {
      document.cookie = "expo_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* older browsers: times stay in UTC, and say so */ }
})();

// A confirmation note (macros.confirm_button) closes with its "Keep as it is" button or Escape.
(function () {
  function closeAll() {
    document.querySelectorAll("details.confirm-action[open]").forEach(function (details) {
      details.open = false;
      details.querySelector("summary").focus();
    });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-confirm-keep]")) { event.preventDefault(); closeAll(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeAll(); }
  });
})();

// The language picker in the header sends itself when a language is chosen; its button is for
// browsers without JavaScript.
(function () {
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    var form = select.form;
    var button = form.querySelector("[data-submit-button]");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () { form.submit(); });
  });
})();
