// The offline app shared by the check-in door (checkin.js) and stand scanning (stand-scans.js):
// the service worker, the codes list and the scan queue in IndexedDB, syncing in batches, the
// status panel, and reading QR codes from the camera (BarcodeDetector, else the vendored jsQR).
// Every text comes from data-text-* attributes of #offline-app, rendered in the page's language.
(function () {
  "use strict";

  var root = document.getElementById("offline-app");
  if (!root || !window.indexedDB || !window.fetch || !window.crypto || !window.crypto.subtle) {
    return;
  }

  var BATCH = 500;  // the server takes at most this many scans a request
  var SYNC_EVERY_MS = 30000;
  var CODES_EVERY_MS = 5 * 60 * 1000;
  var HISTORY_KEPT = 300;  // answered scans kept for the list; waiting ones are never dropped
  var SHOWN = 30;

  function text(name) {
    return root.getAttribute("data-text-" + name) || "";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  // Plurals: the page renders the one and the other form in its language (the same text where the
  // language has one form), so the count picks between them as English does.
  function counted(name, count, values) {
    values = values || {};
    values.count = new Intl.NumberFormat(document.documentElement.lang || undefined).format(count);
    return fill(text(name + (count === 1 ? "-one" : "-other")), values);
  }

  function formatTime(iso) {
    if (!iso) {
      return "";
    }
    var moment = new Date(iso);
    var today = new Date().toDateString() === moment.toDateString();
    var options = today ? { hour: "2-digit", minute: "2-digit", second: "2-digit" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(moment);
  }

  function uuid() {
    if (window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function digest(code) {
    // The server's code_digest: SHA-256 of the stripped text, in hex.
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(code.trim())).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return (b + 256).toString(16).slice(1); }).join("");
    });
  }

  // --- IndexedDB ----------------------------------------------------------------------------------

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function done(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  }

  var dbPromise = new Promise(function (resolve, reject) {
    var opening = window.indexedDB.open("expo-offline-" + root.getAttribute("data-store"), 1);
    opening.onupgradeneeded = function () {
      var db = opening.result;
      db.createObjectStore("meta");
      db.createObjectStore("codes", { keyPath: "digest" });
      var scans = db.createObjectStore("scans", { keyPath: "id" });
      scans.createIndex("state", "state");
      scans.createIndex("digest", "digest");
      scans.createIndex("scanned_at", "scanned_at");
    };
    opening.onsuccess = function () { resolve(opening.result); };
    opening.onerror = function () { reject(opening.error); };
  });

  function store(name, mode) {
    return dbPromise.then(function (db) {
      var tx = db.transaction(name, mode || "readonly");
      return { tx: tx, store: tx.objectStore(name) };
    });
  }

  function getMeta(key) {
    return store("meta").then(function (s) { return request(s.store.get(key)); });
  }

  function setMeta(key, value) {
    return store("meta", "readwrite").then(function (s) {
      s.store.put(value, key);
      return done(s.tx);
    });
  }

  function lookup(codeDigest) {
    return store("codes").then(function (s) { return request(s.store.get(codeDigest)); });
  }

  function scansOfDigest(codeDigest) {
    return store("scans").then(function (s) { return request(s.store.index("digest").getAll(codeDigest)); });
  }

  function pendingScans() {
    return store("scans").then(function (s) { return request(s.store.index("state").getAll("pending")); })
      .then(function (scans) {
        return scans.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      });
  }

  function recentScans() {
    return store("scans").then(function (s) { return request(s.store.index("scanned_at").getAll()); })
      .then(function (scans) { return scans.reverse(); });
  }

  function putScans(scans) {
    return store("scans", "readwrite").then(function (s) {
      scans.forEach(function (scan) { s.store.put(scan); });
      return done(s.tx);
    });
  }

  function deleteScans(ids) {
    return store("scans", "readwrite").then(function (s) {
      ids.forEach(function (id) { s.store.delete(id); });
      return done(s.tx);
    });
  }

  function forgetOldAnswers() {
    return recentScans().then(function (scans) {
      var answered = scans.filter(function (scan) { return scan.state !== "pending"; });
      return answered.length > HISTORY_KEPT
        ? deleteScans(answered.slice(HISTORY_KEPT).map(function (scan) { return scan.id; })) : null;
    });
  }

  // --- the status panel ---------------------------------------------------------------------------

  var connection = document.getElementById("offline-connection");
  var pendingLine = document.getElementById("offline-pending");
  var lastSyncLine = document.getElementById("offline-last-sync");
  var codesLine = document.getElementById("offline-codes");
  var problemLine = document.getElementById("offline-problem");
  var syncButton = document.getElementById("offline-sync-button");
  var scanList = document.getElementById("device-scans");
  var describeScan = function (scan) { return scan.message || scan.code; };

  function online() {
    return navigator.onLine !== false;
  }

  function showProblem(message) {
    problemLine.textContent = message || "";
  }

  function renderConnection() {
    var isOnline = online();
    connection.textContent = isOnline ? text("online") : text("offline");
    connection.setAttribute("data-online", isOnline ? "yes" : "no");
    connection.classList.toggle("text-bg-success", isOnline);
    connection.classList.toggle("text-bg-warning", !isOnline);
    connection.classList.remove("text-bg-secondary");
    document.getElementById("offline-note").hidden = isOnline;
  }

  var STATE_CLASSES = {
    pending: "text-bg-secondary",
    checked_in: "text-bg-success",
    recorded: "text-bg-success",
    already_recorded: "text-bg-success",
    duplicate: "text-bg-warning",
    refused: "text-bg-danger"
  };

  function render() {
    renderConnection();
    return Promise.all([pendingScans(), getMeta("lastSync"), getMeta("codes"), recentScans()]).then(function (found) {
      var pending = found[0].length;
      pendingLine.textContent = pending ? counted("pending", pending) : text("pending-none");
      pendingLine.setAttribute("data-pending", String(pending));
      lastSyncLine.textContent = found[1] ? fill(text("last-sync"), { time: formatTime(found[1]) }) : text("never-synced");
      var codes = found[2];
      codesLine.textContent = codes ? counted("codes", codes.count, { time: formatTime(codes.loadedAt) }) : text("no-codes");
      codesLine.setAttribute("data-codes", codes ? String(codes.count) : "0");
      renderScans(found[3].slice(0, SHOWN));
    });
  }

  function renderScans(scans) {
    while (scanList.firstChild) {
      scanList.removeChild(scanList.firstChild);
    }
    if (!scans.length) {
      var empty = document.createElement("li");
      empty.className = "list-group-item text-muted";
      empty.textContent = scanList.getAttribute("data-empty");
      scanList.appendChild(empty);
      return;
    }
    scans.forEach(function (scan) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between align-items-start gap-2";
      item.setAttribute("data-scan-state", scan.state);
      var body = document.createElement("div");
      body.className = "text-break";
      body.textContent = describeScan(scan);  // never innerHTML: names come from people
      var side = document.createElement("div");
      side.className = "text-end text-nowrap small";
      var badge = document.createElement("span");
      badge.className = "badge " + (STATE_CLASSES[scan.state] || "text-bg-secondary");
      badge.textContent = text("status-" + scan.state.replace(/_/g, "-"));
      var time = document.createElement("div");
      time.className = "text-muted";
      time.textContent = formatTime(scan.scanned_at);
      side.appendChild(badge);
      side.appendChild(time);
      item.appendChild(body);
      item.appendChild(side);
      scanList.appendChild(item);
    });
  }

  // --- the codes list -----------------------------------------------------------------------------

  var loadingCodes = null;

  function refreshCodes() {
    if (loadingCodes) {
      return loadingCodes;
    }
    loadingCodes = fetch(root.getAttribute("data-codes-url"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!isJson(response)) {
          showProblem(text("signed-out"));
          return null;
        }
        if (!response.ok) {
          showProblem(text("codes-failed"));
          return null;
        }
        return response.json();
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        return store("codes", "readwrite").then(function (s) {
          s.store.clear();
          data.codes.forEach(function (code) { s.store.put(code); });
          return done(s.tx);
        }).then(function () {
          return setMeta("codes", { loadedAt: data.loaded_at, count: data.codes.length });
        });
      })
      .catch(function () { showProblem(online() ? text("codes-failed") : ""); })
      .then(function () {
        loadingCodes = null;
        return render();
      });
    return loadingCodes;
  }

  // --- syncing ------------------------------------------------------------------------------------

  var syncing = null;
  var toSyncItem = function (scan) { return { id: scan.id, code: scan.code, scanned_at: scan.scanned_at }; };
  var onAnswered = function () {};

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
  }

  function sendBatch(batch) {
    return fetch(root.getAttribute("data-sync-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ scans: batch.map(toSyncItem) })
    }).then(function (response) {
      if (!isJson(response)) {
        throw { problem: text("signed-out") };
      }
      return response.json().then(function (data) {
        if (!response.ok || !data.results) {
          throw { problem: data.message || data.error || text("sync-failed") };
        }
        return data;
      });
    });
  }

  function applyResults(batch, data) {
    var byId = {};
    batch.forEach(function (scan) { byId[scan.id] = scan; });
    var answered = [];
    data.results.forEach(function (result) {
      var scan = byId[result.id];
      if (!scan) {
        return;
      }
      scan.state = result.status;
      scan.message = result.message;
      if (result.name) {
        scan.name = result.name;  // as the server may show them (a stand sees some visitors unnamed)
      }
      scan.synced_at = data.synced_at;
      delete scan.unverified;
      answered.push(scan);
    });
    // Only now, with the server's answer kept, does a scan leave the queue.
    return putScans(answered).then(function () {
      return setMeta("lastSync", data.synced_at);
    }).then(function () {
      answered.forEach(function (scan) { onAnswered(scan); });
    });
  }

  function syncNow() {
    if (syncing) {
      return syncing;
    }
    syncButton.disabled = true;
    var label = syncButton.textContent;
    syncButton.textContent = text("sending");
    syncing = pendingScans()
      .then(function (pending) {
        var batches = [];
        for (var i = 0; i < pending.length; i += BATCH) {
          batches.push(pending.slice(i, i + BATCH));
        }
        return batches.reduce(function (chain, batch) {
          return chain.then(function () {
            return sendBatch(batch).then(function (data) { return applyResults(batch, data); });
          });
        }, Promise.resolve());
      })
      .then(function () { showProblem(""); })
      .catch(function (error) {
        var problem = error && error.problem;
        showProblem(problem || text("sync-failed"));
        if (!problem) {
          return giveUpUnverified();
        }
      })
      .then(function () {
        syncing = null;
        syncButton.disabled = false;
        syncButton.textContent = label;
        return forgetOldAnswers();
      })
      .then(render);
    return syncing;
  }

  // A code missing from the device's list is sent only while the server can decide at once; if it
  // cannot, the scan is refused here, as it would have been offline.
  function giveUpUnverified() {
    return pendingScans().then(function (pending) {
      var unverified = pending.filter(function (scan) { return scan.unverified; });
      unverified.forEach(function (scan) {
        scan.state = "refused";
        scan.message = scan.unverified;
        delete scan.unverified;
        onAnswered(scan);
      });
      return putScans(unverified);
    });
  }

  function queue(scan) {
    scan.id = uuid();
    scan.state = "pending";
    scan.scanned_at = new Date().toISOString();
    return putScans([scan]).then(render).then(function () {
      if (online()) {
        syncNow();
      }
      return scan;
    });
  }

  function logRefusal(scan, message) {
    // Kept in the list on this device only: a refused scan is not sent.
    scan.id = uuid();
    scan.state = "refused";
    scan.message = message;
    scan.scanned_at = new Date().toISOString();
    return putScans([scan]).then(render);
  }

  // --- the camera ---------------------------------------------------------------------------------

  var decoderLoading = null;

  function loadDecoder() {
    if (window.jsQR) {
      return Promise.resolve(window.jsQR);
    }
    decoderLoading = decoderLoading || new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.getAttribute("data-decoder-url");
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return decoderLoading;
  }

  function camera(video, onCode) {
    var stream = null;
    var canvas = null;
    var detect = null;
    var lastCode = "";
    var lastCodeAt = 0;
    var SAME_CODE_PAUSE_MS = 4000;  // a code held in front of the camera counts once

    function reader() {
      if ("BarcodeDetector" in window) {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return Promise.resolve(function () {
          return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
        });
      }
      return loadDecoder().then(function (jsQR) {
        canvas = canvas || document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        return function () {
          var width = video.videoWidth;
          var height = video.videoHeight;
          if (!width || !height) {
            return Promise.resolve("");
          }
          canvas.width = width;
          canvas.height = height;
          context.drawImage(video, 0, 0, width, height);
          var found = jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(found ? found.data : "");
        };
      });
    }

    function frame() {
      if (!stream) {
        return;
      }
      if (video.readyState < 2) {
        window.setTimeout(frame, 200);
        return;
      }
      detect()
        .then(function (value) {
          var now = Date.now();
          if (value && !(value === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS)) {
            lastCode = value;
            lastCodeAt = now;
            return onCode(value);
          }
        })
        .catch(function () { /* a frame that cannot be read: try the next */ })
        .then(function () { window.setTimeout(frame, 200); });
    }

    return {
      running: function () { return !!stream; },
      start: function () {
        return reader()
          .then(function (read) {
            detect = read;
            return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
          })
          .then(function (mediaStream) {
            stream = mediaStream;
            video.srcObject = mediaStream;
            video.hidden = false;
            return video.play();
          })
          .then(frame);
      },
      stop: function () {
        if (stream) {
          stream.getTracks().forEach(function (track) { track.stop(); });
        }
        stream = null;
        video.srcObject = null;
        video.hidden = true;
      }
    };
  }

  function cameraPossible() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  // The "Scan with camera" button of both apps: shown only where the browser can film, it starts and
  // stops reading codes over `video`. `onCode(code, stop)` gets each code read (and may stop the
  // camera); `onFailure` is told when the camera cannot start; `labels` are the button's two texts.
  function cameraButton(button, video, labels, onCode, onFailure) {
    if (!button || !video || !cameraPossible()) {
      return;
    }
    var reader = null;
    function stop() {
      reader.stop();
      button.textContent = labels.start;
      button.setAttribute("aria-pressed", "false");
    }
    reader = camera(video, function (code) { return onCode(code, stop); });
    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      if (reader.running()) {
        stop();
        return;
      }
      button.textContent = labels.stop;
      button.setAttribute("aria-pressed", "true");
      reader.start().catch(function () {
        stop();
        onFailure();
      });
    });
    window.addEventListener("pagehide", stop);
  }

  // --- starting -----------------------------------------------------------------------------------

  function registerWorker() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.register(root.getAttribute("data-worker-url"), { scope: root.getAttribute("data-scope") })
      .catch(function () { /* no offline start-up; everything else still works */ });
  }

  // Signing out on a shared device takes the kept page and the list of names with it; scans not
  // yet sent stay, to be sent by whoever signs in to this app next.
  function forgetOnLogout() {
    var forms = document.querySelectorAll('form[action$="/logout"]');
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        if (window.caches) {
          window.caches.keys().then(function (names) {
            names.forEach(function (name) {
              if (name.indexOf("expo-offline ") === 0) {
                window.caches.delete(name);
              }
            });
          });
        }
        store("codes", "readwrite").then(function (s) { s.store.clear(); });
        setMeta("codes", null);
      });
    });
  }

  var started = false;

  function start(options) {
    if (started) {
      return;
    }
    started = true;
    toSyncItem = options.toSyncItem || toSyncItem;
    describeScan = options.describeScan || describeScan;
    onAnswered = options.onAnswered || onAnswered;
    registerWorker();
    forgetOnLogout();
    syncButton.addEventListener("click", function () {
      syncNow().then(refreshCodes);
    });
    window.addEventListener("online", function () {
      render();
      syncNow().then(refreshCodes);
    });
    window.addEventListener("offline", render);
    window.setInterval(function () {
      if (online()) {
        syncNow();
      }
    }, SYNC_EVERY_MS);
    window.setInterval(function () {
      if (online()) {
        refreshCodes();
      }
    }, CODES_EVERY_MS);
    render().then(function () {
      if (online()) {
        return syncNow().then(refreshCodes);
      }
    });
  }

  window.ExpoOffline = {
    start: start,
    text: text,
    fill: fill,
    formatTime: formatTime,
    digest: digest,
    lookup: lookup,
    scansOfDigest: scansOfDigest,
    queue: queue,
    logRefusal: logRefusal,
    online: online,
    syncNow: syncNow,
    render: render,
    codesLoaded: function () { return getMeta("codes"); },
    cameraButton: cameraButton
  };
})();
