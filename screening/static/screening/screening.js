/* The screening pages' progressive enhancement; every page works without it.
 *
 * [data-screening-progress="<url>"]: a screening still running. Polls the URL (JSON: status, rows_done,
 * rows_total, progress, finished, ...) every second, updates the <progress> bar and the text beside it, and
 * reloads the page when the screening has finished, so the server draws the verdict and findings. The words come
 * translated from the page: data-rows-text ("{done} of {total} rows") and data-reading-text; numbers are
 * grouped as the page's language (<html lang>) writes them.
 * [data-select-all="<name>"]: a checkbox that ticks every checkbox named <name> in its form.
 * [data-print]: a button that prints the page.
 */
(function () {
  "use strict";

  function watch(box) {
    var url = box.getAttribute("data-screening-progress");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-field=status]");
    var rows = box.querySelector("[data-field=rows]");
    var failures = 0;
    var rowsText = box.getAttribute("data-rows-text") || "{done} of {total} rows";
    var readingText = box.getAttribute("data-reading-text") || "reading the files…";
    var language = document.documentElement.lang || undefined;

    function number(value) {
      try { return Number(value).toLocaleString(language); } catch (error) { return String(value); }
    }

    function show(data) {
      var value = Math.max(0, Math.min(1, Number(data.progress) || 0));
      if (bar) { bar.value = value; bar.textContent = Math.round(value * 100) + " %"; }
      if (status) { status.textContent = data.status_display || data.status; }
      if (rows) {
        rows.textContent = data.rows_total
          ? rowsText.replace("{done}", number(data.rows_done)).replace("{total}", number(data.rows_total))
          : readingText;
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
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () {
          failures += 1;
          if (failures < 10) { window.setTimeout(poll, 1000 * failures); }
        });
    }

    window.setTimeout(poll, 1000);
  }

  function selectAll(box) {
    var name = box.getAttribute("data-select-all");
    box.hidden = false;
    box.addEventListener("change", function () {
      var boxes = box.form ? box.form.querySelectorAll("input[type=checkbox][name='" + name + "']") : [];
      for (var i = 0; i < boxes.length; i += 1) { boxes[i].checked = box.checked; }
    });
  }

  function start() {
    var i;
    if (window.fetch) {
      var running = document.querySelectorAll("[data-screening-progress]");
      for (i = 0; i < running.length; i += 1) { watch(running[i]); }
    }
    var all = document.querySelectorAll("[data-select-all]");
    for (i = 0; i < all.length; i += 1) { selectAll(all[i]); }
    var printers = document.querySelectorAll("[data-print]");
    for (i = 0; i < printers.length; i += 1) {
      printers[i].hidden = false;
      printers[i].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
