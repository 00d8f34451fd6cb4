// Video sharing: an organiser plays a library video (or a YouTube video) to everyone, in sync.
//
// The state's `video` (snapshot + reducers) is the play state as the server keeps it: `playing`,
// `position` (seconds) as of `position_at`, and `now`, the server's clock when the frame was made
// (both epoch milliseconds). The position now is `position + (server now - position_at) * rate`
// while playing; the server's "now" is this browser's clock plus the offset measured when `now`
// last changed. Every player, the controller's included, follows that state: the controller's
// buttons only send frames. A player more than 0.5 s off while playing is moved (a paused one is
// put exactly on the position, so everyone sees the same frame).
//
// Autoplay: a browser may refuse to start a video with sound that the user did not start. Then the
// video plays muted and a "Click to unmute" button appears; one click brings the sound back.
//
// YouTube: an iframe of youtube-nocookie.com with the IFrame API's postMessage commands
// (seekTo, playVideo, pauseVideo). Its duration comes from the player's own messages, if it sends
// them.

import { el, format, reconcile, setText, show } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);
const YOUTUBE_ORIGIN = "https://www.youtube-nocookie.com";
const DRIFT_PLAYING_S = 0.5; // a playing player this far from the shared position is moved
const DRIFT_PAUSED_S = 0.05;
const TICK_MS = 500; // how often the players are checked and the time shown is updated

let clockOffset = 0; // the server's clock minus this browser's, in ms
let lastNow = null;
let mutedByPolicy = false;
let tickTimer = null;
let youtube = { id: null, applied: null, duration: null };

export function youtubeEmbedUrl(id, start) {
  return `${YOUTUBE_ORIGIN}/embed/${encodeURIComponent(id)}?enablejsapi=1&start=${Math.max(0, Math.floor(start))}`;
}

// Where the shared video is now, in seconds, by the server's clock.
export function currentPosition(video, clientNow = Date.now()) {
  if (!video.playing) return video.position;
  const position = video.position + (Math.max(0, clientNow + clockOffset - video.position_at) / 1000) * video.rate;
  const duration = video.duration ?? youtube.duration;
  return duration ? Math.min(position, duration) : position;
}

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

function controls(room) {
  const video = room.state?.video;
  return Boolean(video && isOrganiser(room.state.me.role) && video.controller?.id === room.state.me.id);
}

function send(room, type, data, control) {
  return room.send(type, data, { control, status: $("live-video-message") });
}

function closeChooser() {
  show($("live-video-chooser"), false);
  $("live-video-share").setAttribute("aria-expanded", "false");
}

async function listVideos(room) {
  const reply = await send(room, "video.files", {}, $("live-video-share"));
  if (!reply) return;
  const files = reply.files || [];
  reconcile($("live-video-list"), files, {
    create: (file) =>
      el("li", {}, el("button", { type: "button", className: "secondary", onclick: async (click) => {
        if (await send(room, "video.open", { file_id: file.id }, click.currentTarget)) closeChooser();
      } })),
    update: (node, file) => {
      const text = file.duration == null ? file.name : format(room.strings.video_file, { name: file.name, duration: clock(file.duration) });
      setText(node.firstChild, text);
    },
  });
  show($("live-video-empty"), files.length === 0);
  show($("live-video-chooser"), true);
  $("live-video-share").setAttribute("aria-expanded", "true");
}

function tryPlay(room, player) {
  player.play().catch((error) => {
    if (error?.name !== "NotAllowedError") return; // AbortError: a pause came first
    // Autoplay with sound refused: play muted, and offer the sound back with a click.
    mutedByPolicy = true;
    player.muted = true;
    show($("live-video-unmute"), true);
    player.play().catch(() => {});
  });
}

function syncLibraryPlayer(room, video) {
  const player = $("live-video-player");
  if (player.getAttribute("src") !== video.file_url) {
    player.setAttribute("src", video.file_url);
    player.load();
  }
  if (player.readyState < 1) return; // no metadata yet: "loadedmetadata" comes back here
  const target = currentPosition(video);
  const drift = Math.abs(player.currentTime - target);
  if (drift > (video.playing ? DRIFT_PLAYING_S : DRIFT_PAUSED_S)) player.currentTime = target;
  if (video.playing && player.paused && target < (video.duration ?? Infinity)) tryPlay(room, player);
  else if (!video.playing && !player.paused) player.pause();
}

function youtubeCommand(func, args = []) {
  $("live-video-youtube-frame").contentWindow?.postMessage(JSON.stringify({ event: "command", func, args }), YOUTUBE_ORIGIN);
}

function syncYoutube(video) {
  const frame = $("live-video-youtube-frame");
  if (youtube.id !== `${video.id}:${video.youtube_id}`) {
    youtube = { id: `${video.id}:${video.youtube_id}`, applied: null, duration: null };
    frame.setAttribute("src", youtubeEmbedUrl(video.youtube_id, currentPosition(video)));
  }
  const applied = `${video.position_at}:${video.playing}`;
  if (youtube.applied === applied) return;
  youtube.applied = applied;
  youtubeCommand("seekTo", [currentPosition(video), true]);
  youtubeCommand(video.playing ? "playVideo" : "pauseVideo");
}

function sync(room) {
  // Out of the room (left, ended, removed), nothing plays: the page shows no video then.
  const video = room.view === "live-room" ? room.state?.video : null;
  const player = $("live-video-player");
  if (!video) {
    clearInterval(tickTimer);
    tickTimer = null;
    if (!player.paused) player.pause();
    if (player.getAttribute("src")) {
      player.removeAttribute("src");
      player.load();
    }
    if (youtube.id) {
      $("live-video-youtube-frame").removeAttribute("src");
      youtube = { id: null, applied: null, duration: null };
    }
    return;
  }
  if (video.source === "youtube") syncYoutube(video);
  else syncLibraryPlayer(room, video);
  renderTime(room, video);
}

function renderTime(room, video) {
  const position = currentPosition(video);
  const duration = video.duration ?? youtube.duration;
  const values = { current: clock(position), duration: duration ? clock(duration) : "?" };
  setText($("live-video-time"), format(room.strings.video_time, values));
  const slider = $("live-video-seek");
  show($("live-video-seek-field"), controls(room) && Boolean(duration));
  if (duration && document.activeElement !== slider) {
    slider.max = String(duration);
    slider.value = String(position);
  }
  slider.setAttribute("aria-valuetext", format(room.strings.video_time, values));
}

export function setUpVideo(room) {
  $("live-video-share").addEventListener("click", () => {
    if ($("live-video-share").getAttribute("aria-expanded") === "true") closeChooser();
    else listVideos(room);
  });
  $("live-video-youtube-form").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const input = $("live-video-youtube");
    const url = input.value.trim();
    if (!url) {
      room.say($("live-video-message"), room.strings.video_need_link);
      input.focus();
      return;
    }
    if (await send(room, "video.open", { youtube_url: url }, submit.submitter)) {
      input.value = "";
      closeChooser();
    }
  });
  const at = () => Math.round(currentPosition(room.state.video) * 1000) / 1000;
  $("live-video-play").addEventListener("click", (click) => {
    const video = room.state?.video;
    const duration = video?.duration ?? youtube.duration;
    // At the end, Play starts again from the beginning.
    const position = duration && at() >= duration - 0.05 ? 0 : at();
    send(room, "video.play", { position }, click.currentTarget);
  });
  $("live-video-pause").addEventListener("click", (click) => send(room, "video.pause", { position: at() }, click.currentTarget));
  $("live-video-seek").addEventListener("change", (change) =>
    send(room, "video.seek", { position: Number(change.currentTarget.value) }, change.currentTarget),
  );
  $("live-video-close").addEventListener("click", (click) => send(room, "video.close", {}, click.currentTarget));
  $("live-video-controller").addEventListener("change", (change) => {
    const id = Number(change.currentTarget.value);
    if (id) send(room, "video.control", { participant_id: id }, change.currentTarget);
  });
  $("live-video-unmute").addEventListener("click", () => {
    const player = $("live-video-player");
    player.muted = false;
    mutedByPolicy = false;
    show($("live-video-unmute"), false);
    if (room.state?.video?.playing && player.paused) tryPlay(room, player);
  });
  const player = $("live-video-player");
  player.addEventListener("loadedmetadata", () => sync(room));
  // The YouTube player reports its duration once it is asked to talk ("listening").
  $("live-video-youtube-frame").addEventListener("load", () => {
    $("live-video-youtube-frame").contentWindow?.postMessage(JSON.stringify({ event: "listening", id: 1 }), YOUTUBE_ORIGIN);
  });
  window.addEventListener("message", (message) => {
    if (message.origin !== YOUTUBE_ORIGIN || typeof message.data !== "string") return;
    try {
      const duration = JSON.parse(message.data)?.info?.duration;
      if (typeof duration === "number" && duration > 0) youtube.duration = duration;
    } catch {
      // not a message of the player's
    }
  });
}

function renderAdmin(room, video) {
  const { state, strings } = room;
  const select = $("live-video-controller");
  const controller = video.controller;
  const presenters = room.people().filter((person) => isOrganiser(person.role));
  if (controller && !presenters.some((person) => person.id === controller.id)) presenters.unshift(controller);
  reconcile(select, [{ id: 0, name: strings.slide_give_control }, ...presenters], {
    create: () => el("option"),
    update: (node, person) => {
      node.value = String(person.id);
      setText(node, person.id && person.id === state.me.id ? format(strings.you_name, { name: person.name }) : person.name);
    },
  });
  select.value = "0";
}

export function renderVideo(room) {
  const { state, strings } = room;
  const video = state.video;
  const organiser = isOrganiser(state.me.role);
  const ended = state.session.state === "ended";
  show($("live-video-panel"), organiser || Boolean(video));
  show($("live-video-share-bar"), organiser && !ended);
  show($("live-video-stage"), Boolean(video));
  if (video && video.now !== lastNow) {
    lastNow = video.now;
    clockOffset = video.now - Date.now(); // latency makes this a little early: a few ms behind
  }
  clearInterval(tickTimer);
  tickTimer = video ? setInterval(() => sync(room), TICK_MS) : null;
  if (!video) {
    show($("live-video-unmute"), false);
    sync(room);
    return;
  }
  const isYoutube = video.source === "youtube";
  show($("live-video-player"), !isYoutube);
  show($("live-video-youtube-frame"), isYoutube);
  show($("live-video-unmute"), mutedByPolicy && !isYoutube);
  setText($("live-video-title"), video.title);
  $("live-video-player").setAttribute("aria-label", video.title);
  const mine = controls(room);
  show($("live-video-controls"), mine);
  $("live-video-play").disabled = video.playing;
  $("live-video-pause").disabled = !video.playing;
  const controller = video.controller;
  setText(
    $("live-video-controller-note"),
    controller ? format(mine ? strings.slide_you_control : strings.slide_controlled_by, { name: controller.name }) : "",
  );
  setText($("live-video-state"), video.playing ? strings.video_playing : format(strings.video_paused, { time: clock(video.position) }));
  show($("live-video-admin"), organiser);
  if (organiser) renderAdmin(room, video);
  sync(room);
}
