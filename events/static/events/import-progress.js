// Polls an import's progress while it is checked or imported, then reloads the page
// to show the result. Without JavaScript the page still shows the last state.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.dataset.working !== "1") { return; }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var label = document.getElementById("import-status-label");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        label.textContent = data.status_label;
        text.textContent = data.processed + " / " + data.total;
        if (["validating", "queued", "running"].indexOf(data.status) === -1) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
