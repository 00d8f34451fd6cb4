// The registration page: the visitor's time zone into the hidden field (the server validates it and
// falls back to the room's), and the start shown in the visitor's own time beside the room's.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
const zoneField = document.querySelector("input[name=timezone]");
if (zoneField && !zoneField.value) zoneField.value = zone;
const start = document.querySelector("[data-local-time]");
const note = document.querySelector("[data-local-time-note]");
if (start && note) {
  const when = new Date(start.getAttribute("datetime"));
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "full", timeStyle: "short",
  });
  note.querySelector("[data-local-time-value]").textContent = `${format.format(when)} (${zone})`;
  note.hidden = false;
}
