// The live room page: connects, keeps the state, and renders it into the page's panels.
//
// The page (rooms/lobby.html) holds the markup and every user-facing string (#live-strings, in
// the page's language); the data attributes on #live-app give the join token and the room type.

import { setUpChat, renderChat } from "./chat.js";
import { LiveConnection, liveUrl } from "./connection.js";
import { setUpCta, renderCta } from "./cta.js";
import { setUpDevicePanel, renderDevicePanel } from "./devicepanel.js";
import { busy, format, setText, show } from "./dom.js";
import { setUpHands, renderHands } from "./hands.js";
import { setUpMedia, renderMedia } from "./media.js";
import { setUpQuality, renderQuality } from "./quality.js";
import { setUpMine, renderMine } from "./mine.js";
import { Directory, setUpPeople, renderPeople } from "./participants.js";
import { setUpPolls, renderPolls } from "./polls.js";
import { setUpPresentation, renderPresentation, showPointer } from "./presentation.js";
import { setUpVideo, renderVideo } from "./video.js";
import { setUpQa, renderQa } from "./qa.js";
import { setUpRecording, renderRecording } from "./recording.js";
import { isOrganiser } from "./reducer.js";
import { setUpWhiteboard, renderWhiteboard } from "./whiteboard.js";

const $ = (id) => document.getElementById(id);
const VIEWS = ["live-waiting", "live-room", "live-ended", "live-removed", "live-unauthorised", "live-left"];

function createRoom(app, strings) {
  const room = {
    strings,
    lang: document.documentElement.lang || undefined,
    roomType: app.dataset.roomType,
    state: null,
    presence: null,
    status: null,
    view: null,
    directory: new Directory(),
    connection: null,

    people() {
      return room.directory.list();
    },
    nameOf(id) {
      return room.directory.nameOf(id) || strings.someone;
    },
    say(node, text) {
      setText(node, text);
    },
    errorText(error) {
      // The server's message is already in the user's language; the client's own codes are here.
      return error?.serverMessage || strings[error?.code] || strings.error;
    },
    // Send a request; the ack's data (an object) on success, undefined on error, which is shown
    // in `status`. `control` is disabled meanwhile.
    async send(type, data, { control = null, status = null, quiet = false } = {}) {
      const reply = await busy(control, () => room.connection.request(type, data), (error) => {
        if (!quiet && status) room.say(status, room.errorText(error));
      });
      if (reply && status && !quiet) room.say(status, "");
      room.render(); // controls disabled by the state stay disabled
      return reply;
    },
    render() {
      render(room);
    },
  };
  return room;
}

function chooseView(room) {
  const { state, status } = room;
  if (status === "expelled") return "live-removed";
  if (status === "unauthorised") return "live-unauthorised";
  if (status === "stopped") return "live-left";
  if (!state) return "live-waiting";
  if (state.session.state === "ended") return "live-ended";
  if (isOrganiser(state.me.role)) return "live-room";
  if (state.session.state === "live" && state.me.is_admitted) return "live-room";
  return "live-waiting";
}

function switchView(room, view) {
  if (room.view === view) return;
  const previous = room.view;
  room.view = view;
  for (const id of VIEWS) show($(id), id === view);
  if (previous === null) return;
  if (view === "live-room" && previous === "live-waiting") setText($("live-announce"), room.strings.session_started);
  if (["live-ended", "live-removed", "live-unauthorised", "live-left"].includes(view)) {
    // Where the page changed under them: take keyboard and screen reader users there.
    $(view).querySelector("h2")?.focus();
  }
}

function renderRoles(state) {
  const organiser = isOrganiser(state.me.role);
  for (const node of document.querySelectorAll("[data-organisers-only]")) show(node, organiser);
  for (const node of document.querySelectorAll("[data-host-only]")) show(node, state.me.role === "host");
  for (const node of document.querySelectorAll("[data-attendees-only]")) show(node, !organiser);
}

function renderToolbar(room) {
  const { state, strings } = room;
  const badge = $("live-state");
  setText(badge, strings[`state_${state.session.state}`] || state.session.state);
  badge.dataset.state = state.session.state;
  const role = strings[`role_${state.me.role}`] || state.me.role;
  setText($("live-me"), format(strings.you_are, { name: state.me.name, role }));
  show($("live-start"), isOrganiser(state.me.role) && state.session.state === "waiting");
  show($("live-end"), isOrganiser(state.me.role) && state.session.state === "live");
  $("live-admit-auto").checked = Boolean(state.session.admits_automatically);
  $("live-chat-lock").checked = Boolean(state.session.chat_locked);
  $("live-several-screens").checked = Boolean(state.media.several_screens);
}

function renderWaiting(room) {
  const { state } = room;
  const started = state?.session.state === "live";
  show($("live-waiting-note"), started);
  show($("live-schedule"), !started);
}

function render(room) {
  switchView(room, chooseView(room));
  const { state } = room;
  renderWaiting(room);
  renderDevicePanel(room);
  if (!state || room.view !== "live-room") return;
  renderRoles(state);
  renderToolbar(room);
  renderRecording(room);
  renderMedia(room);
  renderQuality(room);
  renderMine(room);
  renderCta(room);
  renderVideo(room);
  renderPresentation(room);
  renderWhiteboard(room);
  renderChat(room);
  renderQa(room);
  renderPolls(room);
  renderHands(room);
  renderPeople(room);
}

function renderStatus(room, status) {
  const { strings } = room;
  const node = $("live-connection");
  const previous = room.status;
  room.status = status;
  clearTimeout(renderStatus.timer);
  if (status === "connecting") setText(node, strings.connecting);
  else if (status === "reconnecting") setText(node, strings.reconnecting);
  else if (status === "struggling") setText(node, strings.reconnecting_long);
  else if (status === "connected" && ["reconnecting", "struggling"].includes(previous)) {
    setText(node, strings.connected_again);
    renderStatus.timer = setTimeout(() => setText(node, ""), 4000);
  } else setText(node, "");
  node.dataset.status = status;
}

function setUpToolbar(room) {
  const status = $("live-toolbar-message");
  $("live-start").addEventListener("click", (click) => room.send("session.start", {}, { control: click.currentTarget, status }));
  $("live-end").addEventListener("click", (click) => {
    if (window.confirm(room.strings.end_confirm)) room.send("session.end", {}, { control: click.currentTarget, status });
  });
  $("live-admit-auto").addEventListener("change", (change) =>
    room.send("session.set_admission", { automatic: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
  $("live-several-screens").addEventListener("change", (change) =>
    room.send("media.allow_screens", { allowed: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
  $("live-chat-lock").addEventListener("change", (change) =>
    room.send("chat.lock", { locked: change.currentTarget.checked }, { control: change.currentTarget, status }),
  );
}

// Leave: hang up (the server ends what this page published when its socket closes) and say so;
// "Return" loads the page again, which is the same participant coming back.
function setUpLeave(room) {
  $("live-leave").addEventListener("click", () => {
    for (const kind of [...room.media.published.keys()]) room.media.stopLocal(kind);
    room.media.closeReceiver();
    room.speaking.stop();
    room.quality.stop();
    room.connection.stop();
  });
  $("live-return").addEventListener("click", () => window.location.reload());
}

function main() {
  const app = $("live-app");
  const stringsNode = $("live-strings");
  if (!app || !stringsNode) return;
  const room = createRoom(app, JSON.parse(stringsNode.textContent));
  setUpToolbar(room);
  setUpRecording(room);
  setUpChat(room);
  setUpQa(room);
  setUpPolls(room);
  setUpHands(room);
  setUpCta(room);
  setUpVideo(room);
  setUpPresentation(room);
  setUpWhiteboard(room);
  setUpPeople(room);
  setUpMedia(room);
  setUpQuality(room);
  setUpMine(room);
  setUpDevicePanel(room);
  setUpLeave(room);

  app.liveRoom = room; // for the browser tests (getStats on the peer connections)
  room.connection = new LiveConnection(liveUrl(window.location, app.dataset.joinToken), {
    onState(state, frame) {
      room.state = state;
      if (frame?.type === "snapshot") room.directory.fromSnapshot(state);
      render(room);
    },
    onEvent(frame) {
      room.directory.fromEvent(frame);
      if (frame.type === "session.ended") setText($("live-announce"), room.strings.session_ended);
    },
    onStatus(status) {
      // The server hangs up this page's media with a lost socket; it is published again once back.
      if (["reconnecting", "struggling"].includes(status)) room.media.detach();
      if (["expelled", "unauthorised", "stopped"].includes(status)) room.media.detach({ keep: false });
      renderStatus(room, status);
      render(room);
    },
    onMediaQuality(frame) {
      room.quality.lowerFromServer(frame);
    },
    onPointer(frame) {
      showPointer(room, frame);
    },
    onPresence(frame) {
      room.presence = frame;
      room.directory.fromPresence(frame);
      render(room);
    },
    onError(frame) {
      setText($("live-toolbar-message"), frame.message || room.strings.error);
    },
  });
  room.connection.start();
}

main();
