// Counts down to a lobby's start time, once a second; announces nothing (role=timer, aria-live=off)
// so screen readers are not flooded; the exact start time is in the <time> element beside it.
const element = document.querySelector("[data-countdown]");
if (element) {
  const start = new Date(element.dataset.countdown).getTime();
  const out = document.createElement("span");
  out.className = "countdown-value";
  element.append(out);
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    const left = Math.max(0, Math.round((start - Date.now()) / 1000));
    const days = Math.floor(left / 86400);
    const rest = left % 86400;
    out.textContent = (days ? `${days}d ` : "") + `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
    if (left === 0) clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
  tick();
}
