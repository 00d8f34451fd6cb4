// Cameras and microphones: which ones this browser has, the person's choice (remembered in
// localStorage), the getUserMedia constraints that use it, and switching a live track.
//
// Nothing here asks for the devices by itself: listing them (enumerateDevices) never prompts;
// only publishing or the lobby's test does. Before the first permission the browser hides the
// devices' names, so the selects show "Camera 1", "Microphone 1" until then.

import { el, format } from "./dom.js";

const STORAGE = { videoinput: "rostrum.device.camera", audioinput: "rostrum.device.microphone" };

function stored(kind) {
  try {
    return window.localStorage.getItem(STORAGE[kind]) || "";
  } catch {
    return ""; // storage refused (private mode): no remembered choice
  }
}

export function chosenDevice(kind) {
  return stored(kind);
}

export function chooseDevice(kind, deviceId) {
  try {
    window.localStorage.setItem(STORAGE[kind], deviceId);
  } catch {
    // not remembered; the choice still applies on this page
  }
}

// getUserMedia constraints for the chosen devices. `exact`: Chromium does not honour an `ideal`
// microphone (it takes the default one); openDevices falls back when the device is gone.
export function mediaConstraints({ audio = true, video = true } = {}, { chosen = true } = {}) {
  const pick = (kind, wanted) => {
    if (!wanted) return false;
    const deviceId = chosen ? stored(kind) : "";
    return deviceId ? { deviceId: { exact: deviceId } } : true;
  };
  return { audio: pick("audioinput", audio), video: pick("videoinput", video) };
}

// getUserMedia with the chosen devices; if one went away since (a headset unplugged), with
// whatever the browser picks.
export async function openDevices(wanted = {}) {
  try {
    return await navigator.mediaDevices.getUserMedia(mediaConstraints(wanted));
  } catch (error) {
    if (error?.name !== "OverconstrainedError" && error?.name !== "NotFoundError") throw error;
    return navigator.mediaDevices.getUserMedia(mediaConstraints(wanted, { chosen: false }));
  }
}

export async function listDevices() {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  try {
    return await navigator.mediaDevices.enumerateDevices();
  } catch {
    return [];
  }
}

// Fill a <select> with the devices of one kind; the remembered (or the used) one selected.
// Before the first permission the devices have no id either: listed, but not to be chosen yet.
export function fillSelect(select, devices, kind, strings, current = "") {
  const mine = devices.filter((device) => device.kind === kind);
  const fallback = kind === "videoinput" ? strings.device_camera_n : strings.device_microphone_n;
  const options = mine.map((device, index) =>
    el("option", { value: device.deviceId }, device.label || format(fallback, { number: index + 1 })),
  );
  if (!options.length) options.push(el("option", { value: "" }, strings.device_none));
  const signature = JSON.stringify(options.map((option) => [option.value, option.textContent]));
  if (select.dataset.signature !== signature) {
    select.dataset.signature = signature;
    select.replaceChildren(...options);
  }
  const wanted = current || stored(kind);
  if (mine.some((device) => device.deviceId === wanted)) select.value = wanted;
  select.disabled = !mine.some((device) => device.deviceId);
}

// The device a live track comes from, so the select can show it when nothing was chosen yet.
export function trackDevice(track) {
  return track?.getSettings?.().deviceId || "";
}

// Replace the camera's or microphone's track of a live stream with one from another device,
// on its RTCRtpSender (no renegotiation) and in the self-view. Keeps `enabled`.
export async function switchTrack(published, kind) {
  const trackKind = kind === "videoinput" ? "video" : "audio";
  const old = published.stream.getTracks().find((track) => track.kind === trackKind);
  if (!old) return;
  const fresh = (await openDevices({ audio: trackKind === "audio", video: trackKind === "video" })).getTracks()[0];
  fresh.enabled = old.enabled;
  const sender = published.pc.getSenders().find((candidate) => candidate.track === old);
  await sender?.replaceTrack(fresh);
  // A new stream object, so that the self-view tile notices and plays it.
  published.stream = new MediaStream([...published.stream.getTracks().filter((track) => track !== old), fresh]);
  old.stop();
}
