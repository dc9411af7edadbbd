/* Progressive enhancement only: every page works without this file.
 *
 * [data-progress-url]: a screening still running. Polls the URL (JSON: status, rows_done, rows_total, progress,
 * verdict, counts, finished, detail_url) every second, updates the <progress> bar and the status text inside it,
 * and reloads the page once the screening has finished so the verdict and counts are drawn by the server.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var MAX_FAILURES = 10;

  function watch(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-progress-status]");
    var rows = box.querySelector("[data-progress-rows]");
    var failures = 0;

    function show(data) {
      if (bar) {
        var value = Math.max(0, Math.min(1, Number(data.progress) || 0));
        bar.value = value;
        bar.textContent = Math.round(value * 100) + " %";
      }
      if (status && data.status) {
        status.textContent = data.status_label || data.status;
      }
      if (rows && typeof data.rows_done === "number") {
        rows.textContent = data.rows_total
          ? data.rows_done.toLocaleString() + " of " + data.rows_total.toLocaleString() + " rows"
          : "reading the files…";
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          show(data);
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, INTERVAL_MS);
          }
        })
        .catch(function () {
          failures += 1;
          if (failures < MAX_FAILURES) {
            window.setTimeout(poll, INTERVAL_MS * failures);
          }
        });
    }

    window.setTimeout(poll, INTERVAL_MS);
  }

  function start() {
    if (!window.fetch) { return; }
    var boxes = document.querySelectorAll("[data-progress-url]");
    for (var i = 0; i < boxes.length; i += 1) { watch(boxes[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
