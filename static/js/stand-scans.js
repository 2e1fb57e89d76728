// Badge scans at a stand, as an offline app (offline.js): a scanned badge is checked against the
// badges kept on this device and shown as the team may see its holder; "Record the scan" queues it
// with the rating, notes, tags and products, to be sent as soon as there is a network.
// Without this script the form posts and the server records the scan at once.
(function () {
  "use strict";

  var form = document.getElementById("stand-form");
  var offline = window.ExpoOffline;
  if (!form || !offline) {
    return;
  }
  var field = form.elements.code;
  var resultBox = document.getElementById("stand-result");
  var visitorLine = document.getElementById("stand-visitor");
  var cameraButton = document.getElementById("camera-button");
  var video = document.getElementById("camera-preview");
  var BADGE = /^EXPOB1\./;
  var PANEL_CLASSES = { recorded: "alert-success", already_recorded: "alert-success", pending: "alert-success" };
  var shownScanId = null;

  function texts(name) {
    return form.getAttribute("data-text-" + name) || "";
  }

  function showResult(status, message, scanId) {
    shownScanId = scanId || null;
    var panel = document.createElement("div");
    panel.className = "alert p-3 fs-5 fw-semibold text-break " + (PANEL_CLASSES[status] || "alert-danger");
    panel.setAttribute("data-status", status);
    panel.textContent = message;  // never innerHTML: names come from people
    while (resultBox.firstChild) {
      resultBox.removeChild(resultBox.firstChild);
    }
    resultBox.appendChild(panel);
  }

  // What the badge in the field is, from the device's list: {digest, entry} or a refusal.
  function identify(code) {
    return offline.digest(code).then(function (digest) {
      return Promise.all([offline.lookup(digest), offline.codesLoaded()]).then(function (found) {
        var refusal = null;
        if (!found[0]) {
          refusal = !BADGE.test(code) ? texts("not-badge") : found[1] ? texts("unknown") : offline.text("no-codes");
        }
        return { digest: digest, entry: found[0], refusal: refusal };
      });
    });
  }

  function showVisitor() {
    var code = field.value.trim();
    visitorLine.textContent = "";
    if (!code) {
      return Promise.resolve();
    }
    return identify(code).then(function (found) {
      visitorLine.textContent = found.entry ? offline.fill(texts("visitor"), { name: found.entry.name }) : found.refusal;
    });
  }

  function details() {
    var rating = form.querySelector('input[name="rating"]:checked');
    var products = [];
    var productNames = [];
    Array.prototype.forEach.call(form.querySelectorAll('input[name="products"]:checked'), function (box) {
      products.push(parseInt(box.value, 10));
      var label = form.querySelector('label[for="' + box.id + '"]');
      productNames.push(label ? label.textContent : box.value);
    });
    return {
      rating: rating ? parseInt(rating.value, 10) : null,
      notes: form.elements.notes.value.trim(),
      tags: form.elements.tags.value.split(/[,，、;；]/).map(function (tag) { return tag.trim(); })
        .filter(function (tag) { return tag; }),
      products: products,
      productNames: productNames
    };
  }

  function clearForm() {
    field.value = "";
    form.elements.notes.value = "";
    form.elements.tags.value = "";
    Array.prototype.forEach.call(form.querySelectorAll('input[name="rating"], input[name="products"]'), function (box) {
      box.checked = false;
    });
    visitorLine.textContent = "";
    field.focus();
  }

  function record() {
    var code = field.value.trim();
    if (!code) {
      return Promise.resolve();
    }
    return identify(code).then(function (found) {
      var scan = details();
      scan.code = code;
      scan.digest = found.digest;
      if (found.entry) {
        scan.name = found.entry.name;
        return offline.queue(scan).then(function (queued) {
          if (queued.state === "pending") {
            showResult("pending", offline.fill(texts("pending"), { name: found.entry.name }), queued.id);
          }
          clearForm();
        });
      }
      if (BADGE.test(code) && offline.online()) {
        // Perhaps issued since the list was loaded: the server decides, now.
        scan.unverified = found.refusal;
        return offline.queue(scan).then(function (queued) {
          shownScanId = queued.id;
          clearForm();
        });
      }
      showResult("refused", found.refusal);
      return offline.logRefusal({ code: code, digest: found.digest }, found.refusal).then(clearForm);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!field.value.trim()) {
      return;  // the server explains what is missing
    }
    event.preventDefault();
    record();
  });

  // A hand-held scanner ends with Enter: show who it is and go on to the rating, not record yet.
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      showVisitor().then(function () {
        var first = form.querySelector('input[name="rating"]');
        if (first) {
          first.focus();
        }
      });
    }
  });
  field.addEventListener("change", showVisitor);

  // One badge at a time: a code read stops the camera while the team adds its rating and notes.
  offline.cameraButton(
    cameraButton,
    video,
    { start: texts("start-camera"), stop: texts("stop-camera") },
    function (code, stop) {
      field.value = code;
      stop();
      return showVisitor();
    },
    function () { showResult("refused", texts("camera-failed")); }
  );

  offline.start({
    toSyncItem: function (scan) {
      return {
        id: scan.id,
        code: scan.code,
        scanned_at: scan.scanned_at,
        rating: scan.rating,
        notes: scan.notes,
        tags: scan.tags,
        products: scan.products
      };
    },
    describeScan: function (scan) {
      var parts = [scan.message ? (scan.name ? scan.name + ": " + scan.message : scan.message) : (scan.name || scan.code)];
      if (scan.rating) {
        parts.push("★ " + scan.rating);
      }
      if (scan.productNames && scan.productNames.length) {
        parts.push(scan.productNames.join(", "));
      }
      return parts.join(" · ");
    },
    onAnswered: function (scan) {
      if (scan.id === shownScanId) {
        showResult(scan.state, scan.name ? scan.name + ": " + scan.message : scan.message, scan.id);
      }
    }
  });
})();
