// The video this page receives, and the layers its camera sends.
//
// - A camera is published in three simulcast layers (full, 1/2 and 1/4 of its resolution); the
//   media server sends each receiver one of them. A screen share stays one layer.
// - "Audio only" (the toggle, for anyone): the server stops sending video to this page
//   (media.quality {video: "off"}); tiles show the person's initials instead of a frozen picture.
// - Adapting: the server steps this page down when the media server reports packets lost on the
//   way here (an unsequenced {"type": "media.quality", "video", "reason"} frame). This page also
//   watches its receiving connection's statistics: video stalling while packets are lost, or
//   audio losing packets, steps down (high → low → off); good for a while steps back up to what
//   the person chose, waiting twice as long after each step up that did not hold.

import { setText, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
export const LEVELS = ["off", "low", "high"];
const SAMPLE_MS = 2000;
const BAD_SAMPLES = 2; // in a row before stepping down
const UP_AFTER_MS = 20000; // good for this long before stepping up
const UP_AFTER_MAX_MS = 160000;
const HELD_MS = 30000; // a step up followed by a step down sooner than this did not hold
const LOSS_BAD = 0.05;
const LOSS_GOOD = 0.01;
const JITTER_BAD_S = 0.1;
const STORAGE = "rostrum.audio_only"; // the choice outlives a reload, like the layout's

function storedAudioOnly() {
  try {
    return window.localStorage.getItem(STORAGE) === "true";
  } catch {
    return false;
  }
}

// The simulcast layers of a camera's video (Chromium turns off those its bandwidth cannot carry).
// Listed largest first ("h", "m", "l"), the order the media server expects by default.
export function sendEncodings(kind, track) {
  if (kind !== "camera" || track.kind !== "video") return undefined;
  return [
    { rid: "h", maxBitrate: 1200000 },
    { rid: "m", maxBitrate: 400000, scaleResolutionDownBy: 2 },
    { rid: "l", maxBitrate: 120000, scaleResolutionDownBy: 4 },
  ];
}

// What the receiving connection's statistics add up to now.
export async function receivedTotals(pc) {
  const totals = { frames: 0, videoPackets: 0, videoLost: 0, freezes: 0, audioPackets: 0, audioLost: 0, jitter: 0 };
  for (const report of (await pc.getStats()).values()) {
    if (report.type !== "inbound-rtp") continue;
    if (report.kind === "video") {
      totals.frames += report.framesDecoded || 0;
      totals.videoPackets += report.packetsReceived || 0;
      totals.videoLost += Math.max(report.packetsLost || 0, 0);
      totals.freezes += report.freezeCount || 0;
    } else if (report.kind === "audio") {
      totals.audioPackets += report.packetsReceived || 0;
      totals.audioLost += Math.max(report.packetsLost || 0, 0);
      totals.jitter = Math.max(totals.jitter, report.jitter || 0);
    }
  }
  return totals;
}

function lossRatio(received, lost) {
  return received + lost > 0 ? lost / (received + lost) : 0;
}

// One interval between two samples: "bad", "good", or "unknown" (nothing to judge by).
export function assess(before, after, level) {
  const frames = after.frames - before.frames;
  const packets = after.videoPackets - before.videoPackets;
  const videoLoss = lossRatio(packets, after.videoLost - before.videoLost);
  const audioPackets = after.audioPackets - before.audioPackets;
  const audioLoss = lossRatio(audioPackets, after.audioLost - before.audioLost);
  if (level !== "off" && packets > 0) {
    const stalled = frames === 0 || after.freezes > before.freezes;
    if (videoLoss > LOSS_BAD || (stalled && videoLoss > 0)) return "bad";
    if (videoLoss < LOSS_GOOD && frames > 0 && audioLoss < LOSS_BAD) return "good";
    return "unknown";
  }
  if (audioPackets === 0) return "unknown";
  if (audioLoss > LOSS_BAD || after.jitter > JITTER_BAD_S) return "bad";
  return audioLoss < LOSS_GOOD ? "good" : "unknown";
}

export class Quality {
  constructor(room) {
    this.room = room;
    this.audioOnly = storedAudioOnly(); // the person's choice
    this.level = this.ceiling; // what the server sends now
    this.lowered = false; // lowered because of the connection, not by choice
    this.told = null; // {socket, level}: what the server was told on which socket
    this.previous = null; // the last statistics sample
    this.bad = 0;
    this.goodSince = null;
    this.upAfter = UP_AFTER_MS;
    this.steppedUpAt = null; // when it last stepped up by itself
    this.timer = null;
  }

  get ceiling() {
    return this.audioOnly ? "off" : "high";
  }

  start() {
    this.timer = setInterval(() => this.sample().catch(() => {}), SAMPLE_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  toggleAudioOnly() {
    this.audioOnly = !this.audioOnly;
    try {
      window.localStorage.setItem(STORAGE, String(this.audioOnly));
    } catch {
      // not remembered; it still applies on this page
    }
    this.upAfter = UP_AFTER_MS;
    this.steppedUpAt = null;
    this.change(this.ceiling, false);
  }

  // The server lowered it (the media server saw packets lost on the way here).
  lowerFromServer(frame) {
    if (!LEVELS.includes(frame.video)) return;
    const socket = this.room.connection.socket;
    this.told = { socket, level: frame.video };
    this.change(frame.video, frame.video !== this.ceiling);
  }

  change(level, lowered) {
    this.level = level;
    this.lowered = lowered;
    this.previous = null; // the change itself stalls frames for a moment: judge afresh
    this.bad = 0;
    this.goodSince = null;
    this.room.render();
  }

  // After every render: tell this socket what to send, once per socket and change.
  sync() {
    const { connection, media } = this.room;
    const socket = connection.socket;
    if (!socket || connection.status !== "connected") return;
    if (this.told?.socket === socket && this.told.level === this.level) return;
    if (!this.told && this.level === "high" && !media.receiver) return; // the server's default
    const level = this.level;
    this.told = { socket, level };
    connection.request("media.quality", { video: level, allow_audio_only: true }).catch(() => {
      if (this.told?.level === level) this.told = null; // try again at the next render
    });
  }

  async sample() {
    const receiver = this.room.media.receiver;
    if (!receiver) {
      this.previous = null;
      return;
    }
    const totals = await receivedTotals(receiver.pc);
    const previous = this.previous;
    this.previous = totals;
    if (previous) this.judge(assess(previous, totals, this.level), Date.now());
  }

  judge(verdict, now) {
    const index = LEVELS.indexOf(this.level);
    if (verdict === "bad") {
      this.goodSince = null;
      this.bad += 1;
      if (this.bad < BAD_SAMPLES || index === 0) return;
      if (this.steppedUpAt !== null && now - this.steppedUpAt < HELD_MS) this.upAfter = Math.min(this.upAfter * 2, UP_AFTER_MAX_MS);
      this.change(LEVELS[index - 1], true);
    } else if (verdict === "good") {
      this.bad = 0;
      this.goodSince ??= now;
      if (index >= LEVELS.indexOf(this.ceiling) || now - this.goodSince < this.upAfter) return;
      this.steppedUpAt = now;
      const up = LEVELS[index + 1];
      this.change(up, up !== this.ceiling);
    }
  }
}

function initials(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.length ? (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase() : "?";
}

// Over each tile of someone else's video: their initials while this page receives no video.
function renderTiles(room, videoOff) {
  const feeds = new Map(room.state.media.feeds.map((feed) => [String(feed.feed_id), feed]));
  for (const video of document.querySelectorAll("#live-feeds video[data-feed-id]")) {
    const feed = feeds.get(video.dataset.feedId);
    const tile = video.closest("li");
    if (!feed || !tile) continue;
    const off = videoOff && feed.participant_id !== room.state.me.id;
    tile.classList.toggle("is-video-off", off);
    let avatar = tile.querySelector(".live-feed-avatar");
    if (!avatar && off) {
      avatar = document.createElement("div");
      avatar.className = "live-feed-avatar";
      avatar.setAttribute("aria-hidden", "true"); // the tile's name says who it is
      video.after(avatar);
    }
    if (avatar) setText(avatar, off ? initials(feed.name) : "");
  }
}

export function renderQuality(room) {
  const { quality, strings, state } = room;
  const button = $("live-audio-only");
  show(button, state.session.state === "live");
  button.setAttribute("aria-pressed", String(quality.audioOnly));
  const note = !quality.lowered ? "" : quality.level === "off" ? strings.quality_audio_only_auto : strings.quality_lowered;
  setText($("live-quality-note"), note);
  show($("live-quality-note"), Boolean(note));
  renderTiles(room, quality.level === "off");
  quality.sync();
}

export function setUpQuality(room) {
  room.quality = new Quality(room);
  room.quality.start();
  $("live-audio-only").addEventListener("click", () => room.quality.toggleAudioOnly());
}
