// The report page follows the compile: it polls the report's progress and reloads once it is finished
// (to show the download links or the reason it failed). Without JavaScript a <noscript> refresh does the same.
(function () {
  var box = document.querySelector("[data-report-progress]");
  if (!box || !window.fetch || box.getAttribute("data-report-finished") === "true") { return; }
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-report-status]");
  var rows = box.querySelector("[data-report-rows]");
  var error = box.querySelector("[data-report-error]");
  var delay = 1000;

  function show(progress) {
    bar.value = progress.percent;
    bar.textContent = progress.percent + "%";
    status.textContent = progress.status_label.charAt(0).toUpperCase() + progress.status_label.slice(1);
    rows.textContent = progress.rows_label;  // already in the page's language
    error.textContent = progress.error || "";
  }

  function poll() {
    fetch(box.getAttribute("data-report-progress"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        show(progress);
        if (progress.finished) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, delay);
})();
