// Import run page: polls progression.json and moves the <progress> bar; reloads the page
// (to show the report) once the run is finished. Without JS the "Actualiser" link does it.
(function () {
  "use strict";
  const box = document.querySelector(".import-progress[data-progress-url]");
  if (!box || box.dataset.working !== "1") return;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".import-progress-text");
  const refresh = box.querySelector(".import-progress-refresh");
  if (refresh) refresh.hidden = true;
  let failures = 0;

  async function poll() {
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      failures = 0;
      bar.max = Math.max(data.total, 1);
      bar.value = data.processed;
      bar.textContent = data.percent + " %";
      text.textContent = data.processed + " / " + data.total + " — " + data.status_label;
      if (data.finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      failures += 1;
      if (failures >= 5) {
        if (refresh) refresh.hidden = false;
        return;
      }
    }
    window.setTimeout(poll, 1500);
  }

  window.setTimeout(poll, 800);
})();
