// A broadcast's page: refresh its delivery counts every two seconds until it has finished.
// Without this script the page refreshes itself (a <noscript> meta refresh) and shows the same counts.
(function () {
  "use strict";

  var box = document.getElementById("broadcast-progress");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") {
    return;
  }
  var EVERY_MS = 2000;
  var bar = box.querySelector("[data-bar]");
  var state = box.querySelector("[data-state]");

  function setCount(key, value) {
    var node = box.querySelector('[data-count="' + key + '"]');
    if (node) {
      node.textContent = String(value);
    }
  }

  function show(data) {
    ["recipients", "in_app", "emails", "queued", "sent", "failed"].forEach(function (key) {
      setCount(key, data[key]);
    });
    if (bar) {
      bar.max = Math.max(data.emails, 1);
      bar.value = data.emails ? data.sent + data.failed : (data.finished ? 1 : 0);
    }
    if (data.finished) {
      var finished = box.querySelector("[data-text-finished]");
      if (state && finished) {
        state.textContent = finished.textContent;
      }
      box.querySelector("[data-reload-note]").classList.remove("d-none");
    }
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        return response.ok && json ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data);
          if (data.finished) {
            return;
          }
        }
        window.setTimeout(poll, EVERY_MS);
      })
      .catch(function () { window.setTimeout(poll, EVERY_MS * 2); });  // offline for a moment
  }

  window.setTimeout(poll, EVERY_MS);
})();
