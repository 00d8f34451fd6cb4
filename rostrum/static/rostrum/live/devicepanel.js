// The "Camera and microphone" panel: the device selects, and a test (a preview of the camera and
// a level meter for the microphone) before going on camera. It sits in the lobby; in the room it
// moves into the stage's "Camera and microphone" disclosure, shown to those who may publish.
//
// The test asks for the devices only when the person presses its button (a webinar's attendee
// is never prompted otherwise), and stops them when it is turned off, when the person enters the
// room or goes on camera, and when the page is hidden or left.

import { chooseDevice, fillSelect, listDevices, openDevices, switchTrack, trackDevice } from "./devices.js";
import { setText, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
const METER_MS = 100;

class DeviceTest {
  constructor(room) {
    this.room = room;
    this.stream = null;
    this.audio = null; // {context, timer}
    this.shown = null; // the camera stream the selects were last filled for
  }

  get running() {
    return this.stream !== null;
  }

  async start() {
    this.stop();
    let stream;
    try {
      stream = await openDevices();
    } catch {
      setText($("live-test-message"), this.room.strings.media_denied);
      return;
    }
    setText($("live-test-message"), "");
    this.stream = stream;
    $("live-test-video").srcObject = stream;
    $("live-test-video").play().catch(() => {});
    if (stream.getAudioTracks().length) this.listen(stream);
    await refreshSelects(this.room); // the devices' names are known now
  }

  listen(stream) {
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096; // about the 100 ms between two readings, so that no short sound is missed
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const meter = $("live-test-meter");
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // Root mean square, scaled so that ordinary speech fills about half the meter; falling
      // back slowly, as a meter's needle does, so that a syllable is seen.
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      meter.value = Math.max(level, meter.value * 0.8);
    }, METER_MS);
    this.audio = { context, timer };
  }

  stop() {
    if (this.audio) {
      clearInterval(this.audio.timer);
      this.audio.context.close().catch(() => {});
      this.audio = null;
    }
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
    $("live-test-video").srcObject = null;
    $("live-test-meter").value = 0;
  }
}

export async function refreshSelects(room) {
  const devices = await listDevices();
  // The devices in use, if any, are the ones to show as chosen.
  const source = room.media?.published.get("camera")?.stream || room.deviceTest?.stream;
  fillSelect($("live-camera-select"), devices, "videoinput", room.strings, trackDevice(source?.getVideoTracks()[0]));
  fillSelect($("live-mic-select"), devices, "audioinput", room.strings, trackDevice(source?.getAudioTracks()[0]));
}

async function deviceChosen(room, kind, select) {
  chooseDevice(kind, select.value);
  const published = room.media.published.get("camera");
  try {
    if (published) await switchTrack(published, kind);
    else if (room.deviceTest.running) await room.deviceTest.start();
  } catch {
    setText($("live-test-message"), room.strings.media_denied);
  }
  room.render();
}

function renderToggle(room) {
  const running = room.deviceTest.running;
  const toggle = $("live-test-toggle");
  setText(toggle, running ? room.strings.test_stop : room.strings.test_start);
  toggle.setAttribute("aria-expanded", String(running));
  show($("live-test-panel"), running);
}

// Where the panel is, and whether it is shown, for the current view.
export function renderDevicePanel(room) {
  const panel = $("live-device-test");
  const inRoom = room.view === "live-room";
  const home = inRoom ? $("live-devices") : $("live-device-home");
  if (panel.parentElement !== home) {
    room.deviceTest.stop(); // entering the room (or leaving it) ends a test
    home.append(panel);
  }
  const media = room.state?.media;
  const publishing = room.media.published.has("camera");
  const stream = room.media.published.get("camera")?.stream || null;
  if (stream !== room.deviceTest.shown) {
    room.deviceTest.shown = stream; // on camera, or another device: names known, the one in use
    refreshSelects(room);
  }
  show($("live-devices"), inRoom && Boolean(publishing || media?.may_publish.audio));
  if (publishing) room.deviceTest.stop(); // one's own tile is the preview now
  show($("live-test-toggle"), !publishing);
  renderToggle(room);
}

export function setUpDevicePanel(room) {
  room.deviceTest = new DeviceTest(room);
  $("live-test-toggle").addEventListener("click", async () => {
    if (room.deviceTest.running) room.deviceTest.stop();
    else await room.deviceTest.start();
    renderDevicePanel(room);
  });
  $("live-camera-select").addEventListener("change", (change) => deviceChosen(room, "videoinput", change.currentTarget));
  $("live-mic-select").addEventListener("change", (change) => deviceChosen(room, "audioinput", change.currentTarget));
  navigator.mediaDevices?.addEventListener?.("devicechange", () => refreshSelects(room));
  window.addEventListener("pagehide", () => room.deviceTest.stop());
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && room.deviceTest.running) {
      room.deviceTest.stop();
      renderDevicePanel(room);
    }
  });
  refreshSelects(room);
}
