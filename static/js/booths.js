// Booth pages: a video player that loads only when the visitor asks for it, and upload fields that
// refuse a file too large for the site before the browser spends minutes sending it.
(function () {
  "use strict";

  function withAutoplay(address) {
    var url = new URL(address);
    url.searchParams.set("autoplay", "1");
    return url.toString();
  }

  document.querySelectorAll("[data-video-embed]").forEach(function (holder) {
    var button = holder.querySelector("[data-video-play]");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = withAutoplay(holder.getAttribute("data-video-embed"));
      frame.title = holder.getAttribute("data-video-title") || "";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.allowFullscreen = true;
      // The site sends no Referer to other origins; some players refuse to play without the origin.
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      holder.replaceChildren(frame);
      frame.focus();
    });
  });

  function describeSize(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  document.querySelectorAll("form[data-too-large-message]").forEach(function (form) {
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    function check(input) {
      var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
      var file = input.files && input.files[0];
      var tooLarge = Boolean(limit && file && file.size > limit);
      var message = tooLarge ? form.getAttribute("data-too-large-message").replace("{size}", describeSize(limit)) : "";
      input.setCustomValidity(message);
      input.classList.toggle("is-invalid", tooLarge);
      var feedback = input.parentElement.querySelector("[data-size-feedback]");
      if (!feedback) {
        feedback = document.createElement("div");
        feedback.className = "invalid-feedback d-block";
        feedback.setAttribute("data-size-feedback", "");
        feedback.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", feedback);
      }
      feedback.textContent = message;
      return !tooLarge;
    }
    inputs.forEach(function (input) {
      input.addEventListener("change", function () { check(input); });
    });
    form.addEventListener("submit", function (event) {
      var ok = true;
      inputs.forEach(function (input) { ok = check(input) && ok; });
      if (!ok) { event.preventDefault(); }
    });
  });
})();
