// Recording in the live room: the organisers' Record / Stop recording button and the
// "Recording" indicator everyone sees (text, announced once through the page's live region).
//
// State: `state.recording = {active, started_at}` (snapshot part and the events
// recording.started / recording.stopped, rostrum/recordings/live.py).

import { isOrganiser } from "./reducer.js";
import { setText, show } from "./dom.js";

const $ = (id) => document.getElementById(id);

export function setUpRecording(room) {
  const button = $("live-record");
  if (!button) return;
  room.recordingWas = null;
  button.addEventListener("click", (click) => {
    const active = Boolean(room.state?.recording?.active);
    room.send(active ? "recording.stop" : "recording.start", {}, { control: click.currentTarget, status: $("live-toolbar-message") });
  });
}

export function renderRecording(room) {
  const { state, strings } = room;
  const button = $("live-record");
  const badge = $("live-recording");
  if (!button || !badge) return;
  const active = Boolean(state.recording?.active);
  show(badge, active);
  setText(badge, active ? strings.recording_on : "");
  show(button, isOrganiser(state.me.role) && state.session.state === "live");
  setText(button, active ? strings.recording_stop : strings.recording_start);
  button.setAttribute("aria-pressed", String(active));
  // Say it once when it changes (not on the first render: the badge is there to read).
  if (room.recordingWas !== null && room.recordingWas !== active) {
    setText($("live-announce"), active ? strings.recording_started : strings.recording_stopped);
  }
  room.recordingWas = active;
}
