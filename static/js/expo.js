// Tell the server the visitor's time zone, so times are shown in it before they sign in. On a first
// visit the page was made before the server knew the zone: it is reloaded once, only when the cookie
// was not already this zone, the cookie took (cookies enabled), and the page is a visitor's GET in
// another zone. After the reload the cookie holds the zone, so it never reloads again, whatever the
// server made of it (an unknown zone stays UTC).
(function () {
  function cookieZone() {
    var match = document.cookie.match(/(?:^|;\s*)expo_tz=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : null;
  }
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || cookieZone() === zone) { return; }
    document.cookie = "expo_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    var shown = document.querySelector('meta[name="expo-timezone"]');
    if (cookieZone() === zone && shown && shown.hasAttribute("data-reload-in-browser-zone") &&
        shown.getAttribute("content") !== zone) {
      window.location.reload();
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
