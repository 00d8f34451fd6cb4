// Polls the import's status once a second and updates the progress bar and counters.
const section = document.querySelector("[data-import-progress]");

function show(data) {
  const bar = section.querySelector("progress");
  bar.value = data.percent;
  bar.textContent = `${data.percent}%`;
  for (const element of section.querySelectorAll("[data-field]")) {
    const value = data[element.dataset.field];
    if (value !== undefined) element.textContent = value;
  }
  if (data.is_finished) {
    section.querySelector("[data-when-finished]").hidden = false;
    section.querySelector("[data-error-report]").hidden = !data.errors;
  }
}

async function poll() {
  try {
    const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const data = await response.json();
      show(data);
      if (data.is_finished) {
        window.location.reload(); // the finished page offers removal and any failure message
        return;
      }
    }
  } catch {
    // A network blip: try again on the next tick.
  }
  setTimeout(poll, 1000);
}

if (section && section.dataset.finished !== "true") setTimeout(poll, 1000);
