// Calls to action: organisers show a button with a link for a while and see how many clicked it;
// everyone else sees the button until its time is up (by this browser's clock: no event says so).

import { format, isHttpUrl, setText, show } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);
let hideTimer = null;

export function setUpCta(room) {
  const form = $("live-cta-form");
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const status = $("live-cta-message");
    const text = $("live-cta-text").value.trim();
    const url = $("live-cta-url").value.trim();
    const seconds = Number($("live-cta-seconds").value);
    if (!text) return room.say(status, room.strings.cta_need_text);
    if (!isHttpUrl(url)) return room.say(status, room.strings.cta_need_url);
    if (!Number.isInteger(seconds) || seconds < 10 || seconds > 3600) return room.say(status, room.strings.cta_need_seconds);
    const control = form.querySelector("button[type=submit]");
    if (await room.send("cta.show", { text, url, seconds }, { control, status })) {
      $("live-cta-text").value = "";
      $("live-cta-url").value = "";
      room.say(status, "");
    }
    return undefined;
  });
  $("live-cta-hide").addEventListener("click", (click) =>
    room.send("cta.hide", {}, { control: click.currentTarget, status: $("live-cta-message") }),
  );
  // A plain link, so the browser opens it in a new tab itself (no popup blocker); the click is
  // reported on the way. rel="noopener noreferrer" is set in the page.
  $("live-cta-link").addEventListener("click", (click) => {
    const id = Number(click.currentTarget.dataset.ctaId);
    if (id) room.send("cta.click", { cta_id: id }, { quiet: true });
  });
}

// The call to action to show now, or null when there is none or its time is up.
function current(state) {
  const cta = state.cta;
  if (!cta || !isHttpUrl(cta.url)) return null;
  const hidesAt = Date.parse(cta.hides_at);
  return Number.isNaN(hidesAt) || hidesAt > Date.now() ? cta : null;
}

export function renderCta(room) {
  const { state, strings } = room;
  const cta = current(state);
  clearTimeout(hideTimer);
  if (cta) {
    // Render again when it is due to hide. setTimeout's limit is ~24 days; a CTA lasts an hour at most.
    hideTimer = setTimeout(() => room.render(), Math.max(0, Date.parse(cta.hides_at) - Date.now()) + 50);
  }

  const organiser = isOrganiser(state.me.role);
  const link = $("live-cta-link");
  show($("live-cta-banner"), Boolean(cta) && !organiser);
  if (cta) {
    setText(link, cta.text);
    if (link.getAttribute("href") !== cta.url) link.setAttribute("href", cta.url);
    link.dataset.ctaId = String(cta.id);
  } else {
    link.removeAttribute("href");
    delete link.dataset.ctaId;
  }

  if (!organiser) return;
  show($("live-cta-current"), Boolean(cta));
  if (cta) {
    const shown = $("live-cta-current-link");
    setText(shown, cta.text);
    if (shown.getAttribute("href") !== cta.url) shown.setAttribute("href", cta.url);
    setText($("live-cta-current-clicks"), format(strings.cta_clicks, { count: cta.clicks ?? 0 }));
    const until = new Intl.DateTimeFormat(room.lang || undefined, { timeStyle: "medium" }).format(new Date(cta.hides_at));
    setText($("live-cta-current-until"), format(strings.cta_until, { time: until }));
  }
  const ended = state.session.state === "ended";
  for (const control of $("live-cta-form").elements) control.disabled = ended;
}
