// The check-in door as an offline app: every scan (typed, from a hand-held scanner, or from the
// camera) is checked against the edition's codes kept on this device, queued with its own id and
// sent by offline.js as soon as there is a network; the server's answer then replaces the local one.
// Without this script (or without IndexedDB) the page still works: the form posts and the server answers.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  var offline = window.ExpoOffline;
  if (!form || !offline) {
    return;
  }
  var field = form.elements.code;
  var resultBox = document.getElementById("checkin-result");
  var cameraButton = document.getElementById("camera-button");
  var video = document.getElementById("camera-preview");
  var texts = {
    startCamera: form.getAttribute("data-text-start-camera"),
    stopCamera: form.getAttribute("data-text-stop-camera"),
    cameraFailed: form.getAttribute("data-text-camera-failed"),
    pendingCheckIn: form.getAttribute("data-text-pending-check-in"),
    alreadyOnDevice: form.getAttribute("data-text-already-on-device"),
    alreadyListed: form.getAttribute("data-text-already-listed"),
    unknown: form.getAttribute("data-text-unknown"),
    notExpo: form.getAttribute("data-text-not-expo")
  };
  var PANEL_CLASSES = { checked_in: "alert-success", pending: "alert-success", already: "alert-warning", duplicate: "alert-warning" };
  var COUNTS_EVERY_MS = 10000;
  var shownScanId = null;  // the scan whose outcome the big panel shows
  var EXPO_CODE = /^EXPOB?1\./;

  function showResult(status, message, scanId) {
    shownScanId = scanId || null;
    var panel = document.createElement("div");
    panel.className = "alert p-4 fs-4 fw-semibold text-break " + (PANEL_CLASSES[status] || "alert-danger");
    panel.setAttribute("data-status", status);
    panel.textContent = message;  // never innerHTML: names come from people
    while (resultBox.firstChild) {
      resultBox.removeChild(resultBox.firstChild);
    }
    resultBox.appendChild(panel);
  }

  function clearFieldErrors() {
    field.classList.remove("is-invalid");
    var errors = form.querySelectorAll(".invalid-feedback");
    for (var i = 0; i < errors.length; i++) {
      errors[i].parentNode.removeChild(errors[i]);
    }
  }

  function who(entry) {
    return entry.organisation ? entry.name + ", " + entry.organisation : entry.name;
  }

  // --- checking a scan ----------------------------------------------------------------------------

  function handle(code) {
    code = code.trim();
    if (!code) {
      return Promise.resolve();
    }
    clearFieldErrors();
    field.value = "";
    return offline.digest(code).then(function (digest) {
      return Promise.all([offline.lookup(digest), offline.scansOfDigest(digest), offline.codesLoaded()])
        .then(function (found) {
          var entry = found[0];
          var earlier = found[1].filter(function (scan) { return scan.state !== "refused"; })
            .sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; })[0];
          if (earlier) {
            showResult("already", offline.fill(texts.alreadyOnDevice, {
              time: offline.formatTime(earlier.scanned_at), name: earlier.name || ""
            }));
            return;
          }
          if (entry && entry.checked_in_at) {
            showResult("already", offline.fill(texts.alreadyListed, {
              time: offline.formatTime(entry.checked_in_at), name: entry.name
            }));
            return;
          }
          if (entry) {
            return offline.queue({
              code: code, digest: digest, kind: entry.kind, name: entry.name, title: entry.title,
              organisation: entry.organisation
            }).then(function (scan) {
              if (scan.state === "pending") {
                showResult("pending", offline.fill(texts.pendingCheckIn, { name: who(entry), title: entry.title }), scan.id);
              }
            });
          }
          var reason = !EXPO_CODE.test(code) ? texts.notExpo
            : found[2] ? texts.unknown : offline.text("no-codes");
          if (EXPO_CODE.test(code) && offline.online()) {
            // Perhaps registered since the list was loaded: the server decides, now.
            return offline.queue({ code: code, digest: digest, unverified: reason }).then(function (scan) {
              shownScanId = scan.id;
            });
          }
          showResult("error", reason);
          return offline.logRefusal({ code: code, digest: digest }, reason);
        });
    }).then(function () { field.focus(); });
  }

  form.addEventListener("submit", function (event) {
    var code = field.value.trim();
    if (!code) {
      return;  // the server explains what is missing
    }
    event.preventDefault();
    handle(code);
  });

  // --- the camera ---------------------------------------------------------------------------------

  // One ticket after another: the camera keeps reading until the staff member stops it.
  offline.cameraButton(cameraButton, video, { start: texts.startCamera, stop: texts.stopCamera }, handle, function () {
    showResult("error", texts.cameraFailed);
  });

  // --- live counts ------------------------------------------------------------------------------

  function setAll(attribute, key, value) {
    var nodes = document.querySelectorAll("[" + attribute + '="' + key + '"]');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = String(value);
    }
  }

  function refreshCounts() {
    if (document.hidden || !offline.online()) {
      return;
    }
    fetch(form.getAttribute("data-counts-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.ok && (response.headers.get("Content-Type") || "").indexOf("json") !== -1 ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        data.sessions.forEach(function (row) {
          setAll("data-checked-in", row.key, row.checked_in);
          setAll("data-confirmed", row.key, row.confirmed);
        });
        setAll("data-checked-in", "total", data.totals.checked_in);
        setAll("data-confirmed", "total", data.totals.confirmed);
      })
      .catch(function () { /* offline for a moment: the next refresh tries again */ });
  }

  offline.start({
    describeScan: function (scan) {
      if (scan.message) {
        return scan.message;
      }
      return scan.name ? who(scan) + " · " + scan.title : scan.code;
    },
    onAnswered: function (scan) {
      if (scan.id === shownScanId) {
        showResult(scan.state, scan.message, scan.id);
      }
      refreshCounts();
    }
  });
  window.setInterval(refreshCounts, COUNTS_EVERY_MS);
  document.addEventListener("visibilitychange", refreshCounts);
})();
