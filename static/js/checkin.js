// The check-in page: check tickets in without reloading, scan QR codes with the camera where the
// browser can (BarcodeDetector), and refresh the attendance counts every 10 seconds.
// Without this script (or without fetch) the page still works: the form posts and the server answers.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  if (!form || !window.fetch || !window.JSON) {
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
    offline: form.getAttribute("data-text-offline"),
    signedOut: form.getAttribute("data-text-signed-out")
  };
  var PANEL_CLASSES = { checked_in: "alert-success", already: "alert-warning" };
  var COUNTS_EVERY_MS = 10000;
  var busy = false;

  function csrfToken() {
    var input = form.elements.csrf_token;
    return input ? input.value : "";
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
  }

  function showResult(status, message) {
    var panel = document.createElement("div");
    panel.className = "alert p-4 fs-4 fw-semibold text-break " + (PANEL_CLASSES[status] || "alert-danger");
    panel.setAttribute("data-status", status);
    panel.textContent = message;  // never innerHTML: names come from users
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

  // --- checking in ------------------------------------------------------------------------------

  function checkIn(code) {
    busy = true;
    clearFieldErrors();
    return fetch(form.getAttribute("data-scan-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ code: code })
    })
      .then(function (response) {
        if (!isJson(response)) {
          // Redirected to the log-in page: the session ended.
          showResult("error", texts.signedOut);
          return;
        }
        return response.json().then(function (data) {
          // Error pages answer {"error", "message"}; the scan endpoint adds "status".
          showResult(data.status || "error", data.message || data.error || texts.offline);
          field.value = "";
          refreshCounts();
        });
      })
      .catch(function () {
        showResult("error", texts.offline);  // the code stays in the field, ready to send again
      })
      .then(function () {
        busy = false;
        field.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    var code = field.value.trim();
    if (!code) {
      return;  // the server explains what is missing
    }
    event.preventDefault();
    if (!busy) {
      checkIn(code);
    }
  });

  // --- the camera -------------------------------------------------------------------------------

  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastCodeAt = 0;
  var SAME_CODE_PAUSE_MS = 4000;  // a ticket held in front of the camera is checked in once

  function cameraPossible() {
    return "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    cameraButton.textContent = texts.startCamera;
    cameraButton.setAttribute("aria-pressed", "false");
  }

  function scanFrame() {
    if (!stream) {
      return;
    }
    if (busy || video.readyState < 2) {
      window.setTimeout(scanFrame, 200);
      return;
    }
    detector.detect(video)
      .then(function (codes) {
        var value = codes.length ? codes[0].rawValue : "";
        var now = Date.now();
        if (value && !(value === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS)) {
          lastCode = value;
          lastCodeAt = now;
          field.value = value;
          return checkIn(value);
        }
      })
      .catch(function () { /* a frame that cannot be read: try the next */ })
      .then(function () { window.setTimeout(scanFrame, 200); });
  }

  function startCamera() {
    detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (mediaStream) {
        stream = mediaStream;
        video.srcObject = mediaStream;
        video.hidden = false;
        cameraButton.textContent = texts.stopCamera;
        cameraButton.setAttribute("aria-pressed", "true");
        return video.play();
      })
      .then(scanFrame)
      .catch(function () {
        stopCamera();
        showResult("error", texts.cameraFailed);
      });
  }

  if (cameraButton && video && cameraPossible()) {
    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          return;
        }
        cameraButton.hidden = false;
        cameraButton.setAttribute("aria-pressed", "false");
        cameraButton.addEventListener("click", function () {
          if (stream) {
            stopCamera();
          } else {
            startCamera();
          }
        });
        window.addEventListener("pagehide", stopCamera);
      })
      .catch(function () { /* no camera scanning: typing and hand-held scanners still work */ });
  }

  // --- live counts ------------------------------------------------------------------------------

  function setAll(attribute, key, value) {
    var nodes = document.querySelectorAll("[" + attribute + '="' + key + '"]');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = String(value);
    }
  }

  function refreshCounts() {
    if (document.hidden) {
      return;
    }
    fetch(form.getAttribute("data-counts-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.ok && isJson(response) ? response.json() : null;
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

  window.setInterval(refreshCounts, COUNTS_EVERY_MS);
  document.addEventListener("visibilitychange", refreshCounts);
})();
