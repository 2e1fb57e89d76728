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

// A copy button (data-copy-target="<input id>") puts the input's value on the clipboard; without
// the clipboard API it selects the text so the visitor can copy it themselves.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) { return; }
    input.select();
    var done = function () {
      var original = button.textContent;
      button.textContent = button.getAttribute("data-copied-text") || original;
      setTimeout(function () { button.textContent = original; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
