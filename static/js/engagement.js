// Report what only the browser sees (a video starting to play) to the booth's analytics.
//
// Mark an element with data-track="video_play" and data-booth="<booth slug>", plus
// data-product="<product id>" or data-document="<brochure id>" when it belongs to one:
//   <video data-track="video_play" data-booth="nanning-masks" controls ...>  counts its first play;
//   <button data-track="video_play" data-booth="nanning-masks">              counts its first click
//   (a "play" button that opens an embedded player, whose own events the page cannot see).
// Each element is counted once per page view; the server ignores robots and the booth's own team.
(function () {
  "use strict";

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }

  var reported = typeof WeakSet === "function" ? new WeakSet() : null;

  function report(element) {
    var url = meta("expo-track-url");
    if (!url || !window.fetch || !reported || reported.has(element)) {
      return;
    }
    reported.add(element);
    var event = { kind: element.dataset.track, booth: element.dataset.booth };
    if (element.dataset.product) { event.product = element.dataset.product; }
    if (element.dataset.document) { event.document = element.dataset.document; }
    // keepalive: the report survives the visitor leaving the page right after the click.
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": meta("csrf-token") || ""
      },
      body: JSON.stringify(event)
    }).catch(function () { /* analytics never get in the visitor's way */ });
  }

  // Media events do not bubble; listening while they travel down (capture) sees every video,
  // including ones added to the page later.
  document.addEventListener("play", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("video[data-track]")) {
      report(target);
    }
  }, true);

  document.addEventListener("click", function (event) {
    var element = event.target && event.target.closest ? event.target.closest("[data-track]") : null;
    if (element && element.tagName !== "VIDEO") {
      report(element);
    }
  });
})();
