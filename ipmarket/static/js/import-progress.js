// Live progress of a patent CSV import (templates/assets/import_progress.html).
// Polls the JSON endpoint in data-url every second, updates the <progress> bar and the
// [data-field] elements, and reloads the page when the import has finished so that the
// server renders the counts and the error table. No dependencies.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-url");
  var bar = box.querySelector("progress");
  var failures = 0;

  function show(data) {
    if (data.total_rows) {
      bar.max = data.total_rows;
      bar.value = data.processed_rows;
    }
    bar.textContent = data.text;
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var value = String(data[el.getAttribute("data-field")]);
      if (el.textContent !== value) {
        el.textContent = value; // only on change, so that the status live region speaks once
      }
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1; // a network blip: back off, give up after about a minute
        if (failures < 20) {
          window.setTimeout(poll, 3000);
        }
      });
  }

  window.setTimeout(poll, 1000);
})();
