// Polls each converting file's status every 2 s and moves its progress bar; reloads when one ends
// (the finished row shows the pages link or the failure reason).
const cells = [...document.querySelectorAll("[data-conversion]")];

async function poll(cell) {
  try {
    const response = await fetch(cell.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const data = await response.json();
      const bar = cell.querySelector("progress");
      bar.value = data.percent;
      bar.textContent = `${data.percent}%`;
      cell.querySelector('[data-field="status_label"]').textContent = data.status_label;
      if (data.is_finished) {
        cell.querySelector('[data-field="announce"]').textContent = data.status_message || data.status_label;
        window.location.reload();
        return;
      }
      if (data.percent % 25 === 0) cell.querySelector('[data-field="announce"]').textContent = `${data.percent}%`;
    }
  } catch {
    // A network blip: try again on the next tick.
  }
  setTimeout(() => poll(cell), 2000);
}

for (const cell of cells) setTimeout(() => poll(cell), 2000);
