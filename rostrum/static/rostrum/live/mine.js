// One's own microphone and camera while on camera: each turned off and on by itself
// (track.enabled: the connection stays up and nothing is renegotiated; what is sent is silence
// and black frames). An organiser's mute is enforced on the media server whatever this says.

import { show } from "./dom.js";

const $ = (id) => document.getElementById(id);

function track(room, kind) {
  const stream = room.media.published.get("camera")?.stream;
  return kind === "audio" ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
}

function renderToggle(button, current) {
  show(button, Boolean(current));
  button.setAttribute("aria-pressed", String(Boolean(current) && !current.enabled));
}

export function renderMine(room) {
  renderToggle($("live-mic-off"), track(room, "audio"));
  renderToggle($("live-camera-off"), track(room, "video"));
}

export function setUpMine(room) {
  for (const [id, kind] of [
    ["live-mic-off", "audio"],
    ["live-camera-off", "video"],
  ]) {
    $(id).addEventListener("click", () => {
      const current = track(room, kind);
      if (current) current.enabled = !current.enabled;
      room.render();
    });
  }
}
