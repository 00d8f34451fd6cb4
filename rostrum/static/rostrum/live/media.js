// Audio and video: this page's own camera, microphone and screen, and everyone else's feeds.
//
// The browser never talks to the media server. Offers, answers and ICE candidates go over the
// room's WebSocket (media.publish, media.subscribe, media.start, media.trickle), where the server
// decides first whether this participant may publish. One RTCPeerConnection per published feed
// (camera, screen) and one for everything received; the server's `streams` say which feed each
// received transceiver (mid) carries.

import { openDevices } from "./devices.js";
import { el, format, reconcile, setText, show } from "./dom.js";
import { Layout, arrangeFeeds, decorateTile, renderLayout, setUpLayout, updateLayoutTile } from "./layout.js";
import { sendEncodings } from "./quality.js";
import { isOrganiser } from "./reducer.js";
import { Speaking } from "./speaking.js";

const $ = (id) => document.getElementById(id);
const RETRY_MS = 3000;

function candidateFrame(candidate) {
  if (!candidate) return null;
  const { candidate: line, sdpMid, sdpMLineIndex } = candidate.toJSON();
  return { candidate: line, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null };
}

export class Media {
  constructor(room) {
    this.room = room;
    this.published = new Map(); // kind -> {pc, stream, feedId}
    this.receiver = null; // {pc, streams: [{mid, feed_id}], trickleReady, pending}
    this.remote = new Map(); // feed id -> MediaStream
    this.feeds = ""; // the feed ids received now, as a key
    this.resume = new Map(); // kind -> the tracks to publish again once reconnected
    this.busy = false;
    this.retry = null;
  }

  get status() {
    return $("live-media-message");
  }

  // `stream`: tracks already open (publishing again after a reconnect), else the devices are asked.
  async publish(kind, { audio = true, video = true, stream = null } = {}) {
    const { room } = this;
    if (this.published.has(kind)) return;
    try {
      stream ??=
        kind === "screen"
          ? await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false })
          : await openDevices({ audio, video });
    } catch (error) {
      room.say(this.status, room.strings.media_denied);
      return;
    }
    const pc = new RTCPeerConnection();
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "failed") this.republish(kind, pc);
    };
    const pending = [];
    let ready = false;
    pc.onicecandidate = (event) => {
      const candidate = candidateFrame(event.candidate);
      if (ready) room.send("media.trickle", { target: kind, candidate }, { quiet: true });
      else pending.push(candidate);
    };
    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [stream], sendEncodings: sendEncodings(kind, track) });
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const reply = await room.send("media.publish", { kind, jsep: { type: offer.type, sdp: offer.sdp } }, { status: this.status });
    if (!reply) {
      stream.getTracks().forEach((track) => track.stop());
      pc.close();
      return;
    }
    await pc.setRemoteDescription(reply.jsep);
    ready = true;
    for (const candidate of pending) room.send("media.trickle", { target: kind, candidate }, { quiet: true });
    this.published.set(kind, { pc, stream, feedId: reply.feed.feed_id, confirmed: false });
    for (const track of stream.getVideoTracks()) track.onended = () => this.unpublish(kind);
    room.render();
  }

  // The connection to the media server failed (ICE or DTLS: a network change, a path lost): publish
  // the same tracks again on a new one. The server replaces the old feed; nobody is asked again.
  async republish(kind, pc) {
    const mine = this.published.get(kind);
    if (!mine || mine.pc !== pc) return;
    this.published.delete(kind);
    pc.close();
    this.room.say(this.status, this.room.strings.media_reconnecting);
    await this.publish(kind, { stream: mine.stream });
  }

  // The same for what this page receives: a fresh subscription on a new connection.
  async resubscribe(pc) {
    if (this.receiver?.pc !== pc) return;
    this.closeReceiver();
    this.feeds = "";
    this.room.say(this.status, this.room.strings.media_reconnecting);
    this.busy = true;
    try {
      await this.room.connection.request("media.subscribe", { feeds: [] }); // the server hangs up its side
    } catch (error) {
      // Offline: the socket's own reconnection brings a new subscription anyway.
    } finally {
      this.busy = false;
    }
    if (this.room.state) this.sync(this.room.state);
  }

  async unpublish(kind) {
    if (!this.stopLocal(kind)) return;
    await this.room.send("media.unpublish", { kind }, { status: this.status, quiet: true });
    this.room.render();
  }

  stopLocal(kind) {
    const mine = this.published.get(kind);
    if (!mine) return false;
    this.published.delete(kind);
    mine.stream.getTracks().forEach((track) => track.stop());
    mine.pc.close();
    return true;
  }

  // The room's socket is gone (a network drop, a server restart): the server hangs up this page's
  // handles with it. Close the peer connections but keep the open tracks, to publish them again
  // once a new socket has its snapshot (sync) — no new permission prompt, no "stopped" message.
  // `keep = false`: the page will not come back (left, removed): the tracks stop too.
  detach({ keep = true } = {}) {
    for (const [kind, mine] of this.published) {
      this.resume.set(kind, mine.stream);
      mine.pc.close();
    }
    this.published.clear();
    this.closeReceiver();
    this.feeds = "";
    if (!keep) this.forgetResumed();
  }

  forgetResumed() {
    for (const stream of this.resume.values()) stream.getTracks().forEach((track) => track.stop());
    this.resume.clear();
  }

  resumePublishing(state) {
    if (state.session.state !== "live") {
      this.forgetResumed();
      return;
    }
    for (const [kind, stream] of this.resume) {
      this.resume.delete(kind);
      const live = stream.getTracks().some((track) => track.readyState === "live");
      if (live) this.publish(kind, { stream }); // the server decides again whether it may
    }
  }

  // After every state change: receive what others publish; drop what the server ended.
  sync(state) {
    const connection = this.room.connection;
    if (this.resume.size && connection.status === "connected" && !connection.awaitingSnapshot) this.resumePublishing(state);
    const live = new Set(state.media.feeds.map((feed) => feed.feed_id));
    for (const [kind, mine] of this.published) {
      // The server's event may come after the ack: a feed ends here once it was seen live.
      if (live.has(mine.feedId)) mine.confirmed = true;
      else if (mine.confirmed) {
        this.stopLocal(kind);
        this.room.say(this.status, this.room.strings.media_stopped);
      }
    }
    const wanted = state.media.feeds.filter((feed) => feed.participant_id !== state.me.id).map((feed) => feed.feed_id);
    const key = wanted.sort((a, b) => a - b).join(",");
    // Not while a retry waits: offline, the request fails at once, and receive → render → sync
    // would go round without ever yielding to the page.
    if (key !== this.feeds && !this.busy && !this.retry) this.receive(wanted, key);
  }

  async receive(feeds, key) {
    const { room } = this;
    this.busy = true;
    clearTimeout(this.retry);
    this.retry = null;
    try {
      const reply = await room.connection.request("media.subscribe", { feeds });
      if (!feeds.length) this.closeReceiver();
      else if (reply.jsep) await this.answer(reply);
      if (this.receiver) this.receiver.streams = reply.streams || [];
      this.feeds = key;
      if (this.status?.textContent === room.strings.media_reconnecting) room.say(this.status, "");
    } catch (error) {
      // A feed that ended meanwhile, or the media server away for a moment: try again shortly.
      this.retry = setTimeout(() => {
        this.retry = null;
        if (room.state) this.sync(room.state);
      }, RETRY_MS);
    } finally {
      this.busy = false;
    }
    if (room.state) this.sync(room.state);
    room.render();
  }

  async answer(reply) {
    const { room } = this;
    if (!this.receiver) {
      const pc = new RTCPeerConnection();
      this.receiver = { pc, streams: reply.streams || [] };
      pc.onicecandidate = (event) =>
        room.send("media.trickle", { target: "subscriber", candidate: candidateFrame(event.candidate) }, { quiet: true });
      pc.ontrack = (event) => this.track(event);
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === "failed") this.resubscribe(pc);
      };
    }
    this.receiver.streams = reply.streams || [];
    const { pc } = this.receiver;
    await pc.setRemoteDescription(reply.jsep);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await room.connection.request("media.start", { jsep: { type: answer.type, sdp: answer.sdp } });
  }

  track(event) {
    const mid = event.transceiver?.mid;
    const stream = this.receiver?.streams.find((s) => String(s.mid) === String(mid));
    if (!stream) return;
    const feedId = stream.feed_id;
    if (!this.remote.has(feedId)) this.remote.set(feedId, new MediaStream());
    const media = this.remote.get(feedId);
    for (const old of media.getTracks()) if (old.kind === event.track.kind) media.removeTrack(old);
    media.addTrack(event.track);
    this.room.render();
  }

  closeReceiver() {
    if (!this.receiver) return;
    this.receiver.pc.close();
    this.receiver = null;
    this.remote.clear();
  }
}

export function setUpMedia(room) {
  room.media = new Media(room);
  room.layout = new Layout();
  room.speaking = new Speaking(room.media, () => room.render());
  room.speaking.start();
  setUpLayout(room);
  $("live-camera").addEventListener("click", () => {
    const media = room.media;
    if (media.published.has("camera")) media.unpublish("camera");
    else media.publish("camera", { audio: true, video: room.state.media.may_publish.video });
  });
  $("live-sound").addEventListener("click", (click) => {
    for (const video of document.querySelectorAll("#live-feeds video")) {
      if (video.srcObject !== room.media.published.get("camera")?.stream) video.muted = false;
    }
    show(click.currentTarget, false);
  });
  $("live-screen").addEventListener("click", () => {
    const media = room.media;
    if (media.published.has("screen")) media.unpublish("screen");
    else media.publish("screen");
  });
}

function feedTile(room, feed) {
  const video = el("video", { autoplay: true, playsInline: true, className: "live-feed-video" });
  return el(
    "li",
    { className: "live-feed" },
    video,
    el("p", { className: "live-feed-name" }),
    el("p", { className: "live-feed-badges" }),
    el("span", { className: "live-buttons live-feed-actions" }),
  );
}

function blockButton(room, feed, kind) {
  const { strings } = room;
  const blocked = kind === "audio" ? feed.mic_blocked : feed.camera_blocked;
  const action = kind === "audio" ? (blocked ? strings.unblock_mic : strings.block_mic) : blocked ? strings.unblock_camera : strings.block_camera;
  return el(
    "button",
    {
      type: "button",
      className: "secondary live-small",
      "aria-label": format(strings.action_label, { action, name: feed.name }),
      onclick: (click) =>
        room.send("media.block", { participant_id: feed.participant_id, kind, blocked: !blocked }, { control: click.currentTarget, status: $("live-media-message") }),
    },
    action,
  );
}

function updateTile(room, node, feed) {
  const { state, strings, media } = room;
  const mine = feed.participant_id === state.me.id;
  const video = node.querySelector("video");
  const source = mine ? media.published.get(feed.kind)?.stream : media.remote.get(feed.feed_id);
  if (source && video.srcObject !== source) {
    video.srcObject = source;
    video.muted = mine; // never play one's own microphone back
    video.play().catch(() => {
      video.muted = true; // the browser wants a click before sound: show the picture meanwhile
      video.play().catch(() => {});
      show($("live-sound"), true);
    });
  }
  video.dataset.feedId = String(feed.feed_id);
  const name = mine ? format(strings.you_name, { name: feed.name }) : feed.name;
  setText(node.querySelector(".live-feed-name"), feed.kind === "screen" ? format(strings.feed_screen, { name }) : name);
  const badges = [];
  if (feed.mic_blocked) badges.push(strings.badge_mic_blocked);
  if (feed.camera_blocked) badges.push(strings.badge_camera_blocked);
  if (!feed.video) badges.push(strings.badge_audio_only);
  setText(node.querySelector(".live-feed-badges"), badges.join(" · "));
  const actions = node.querySelector(".live-feed-actions");
  const signature = JSON.stringify([feed.mic_blocked, feed.camera_blocked, state.me.role]);
  if (actions.dataset.signature === signature) return;
  actions.dataset.signature = signature;
  const canBlock = isOrganiser(state.me.role) && !mine && feed.kind === "camera" && (feed.role !== "host" || state.me.role === "host");
  actions.replaceChildren(...(canBlock ? [blockButton(room, feed, "audio"), blockButton(room, feed, "video")] : []));
}

export function renderMedia(room) {
  const { state, strings, media } = room;
  media.sync(state);
  const { main, feeds } = arrangeFeeds(room, state.media.feeds);
  reconcile($("live-feeds"), feeds.map((feed) => ({ ...feed, id: feed.feed_id })), {
    create: (feed) => decorateTile(room, feedTile(room, feed), feed),
    update: (node, feed) => {
      updateTile(room, node, feed);
      updateLayoutTile(room, node, feed, main);
    },
  });
  renderLayout(room, main, feeds.length);
  show($("live-stage-empty"), feeds.length === 0);
  const live = state.session.state === "live";
  const may = state.media.may_publish;
  const camera = $("live-camera");
  const onCamera = media.published.has("camera");
  show(camera, live && (may.audio || onCamera));
  setText(camera, onCamera ? strings.camera_stop : may.video ? strings.camera_start : strings.mic_start);
  camera.setAttribute("aria-pressed", String(onCamera));
  const screen = $("live-screen");
  const sharing = media.published.has("screen");
  show(screen, live && may.screen && Boolean(navigator.mediaDevices?.getDisplayMedia));
  setText(screen, sharing ? strings.screen_stop : strings.screen_start);
  screen.setAttribute("aria-pressed", String(sharing));
  const blocks = state.media.my_blocks;
  const note = blocks.mic || blocks.camera ? strings.media_blocked_note : "";
  setText($("live-media-note"), note);
  show($("live-media-note"), Boolean(note));
}
