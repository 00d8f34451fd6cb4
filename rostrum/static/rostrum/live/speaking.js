// Who is speaking. A few times a second: the audio energy of every received feed (the receiving
// connection's inbound-rtp statistics, one per mid, i.e. per feed) and of one's own microphone
// (the publishing connection's media-source statistics). The level is the RMS over the time since
// the last poll (from totalAudioEnergy and totalSamplesDuration), so a short sound between two
// polls still counts. Levels are what is actually heard: a feed an organiser muted on the media
// server, or a microphone turned off, measures silence.
//
// A feed "speaks" while its level is over THRESHOLD, and for HOLD_MS after (pauses between
// words). The active speaker, whom the speaker layout shows large, is someone else (never
// oneself) and changes only when another person has spoken for SWITCH_MS on end while the current
// one is quiet; the last speaker stays large through a silence.

const POLL_MS = 250;
const THRESHOLD = 0.03; // RMS, linear 0..1: about -30 dBov
const HOLD_MS = 800;
const SWITCH_MS = 1200;

function feedOfReport(receiver, report, tracks) {
  const mid = report.mid ?? tracks.get(report.trackIdentifier);
  const stream = receiver.streams.find((candidate) => String(candidate.mid) === String(mid));
  return stream?.feed_id;
}

const totals = (report) => ({ energy: report.totalAudioEnergy || 0, duration: report.totalSamplesDuration || 0 });

// Feed id -> {energy, duration}: the running totals of what was heard (null: silence for sure).
export async function measureAudio(media) {
  const levels = new Map();
  const { receiver } = media;
  if (receiver) {
    const tracks = new Map(receiver.pc.getTransceivers().map((transceiver) => [transceiver.receiver.track?.id, transceiver.mid]));
    for (const report of (await receiver.pc.getStats()).values()) {
      if (report.type !== "inbound-rtp" || report.kind !== "audio") continue;
      const feedId = feedOfReport(receiver, report, tracks);
      if (feedId !== undefined) levels.set(feedId, totals(report));
    }
  }
  for (const mine of media.published.values()) {
    const microphone = mine.stream.getAudioTracks()[0];
    if (!microphone) continue;
    let level = null;
    for (const report of (await mine.pc.getStats()).values()) {
      if (report.type === "media-source" && report.kind === "audio") level = totals(report);
    }
    // A microphone turned off here, or muted by an organiser, is not heard by anyone.
    const blocked = media.room.state?.media.my_blocks.mic;
    levels.set(mine.feedId, microphone.enabled && !blocked ? level : null);
  }
  return levels;
}

export class Speaking {
  constructor(media, onChange) {
    this.media = media;
    this.onChange = onChange;
    this.loudAt = new Map(); // feed id -> when its level was last over the threshold
    this.speakingSince = new Map(); // feed id -> when it started speaking
    this.active = null; // the active speaker's feed id
    this.previous = new Map(); // feed id -> the totals of the last poll
    this.timer = null;
    this.polling = false;
  }

  start() {
    if (!this.timer) this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }

  isSpeaking(feedId) {
    return this.speakingSince.has(feedId);
  }

  async poll() {
    if (this.polling) return;
    this.polling = true;
    try {
      const levels = this.levelsFrom(await measureAudio(this.media));
      if (this.update(levels, performance.now())) this.onChange();
    } catch {
      // a connection closed while measuring: the next poll measures what is there then
    } finally {
      this.polling = false;
    }
  }

  // Feed id -> RMS level (0..1) since the last poll.
  levelsFrom(measured) {
    const levels = new Map();
    for (const [feedId, now] of measured) {
      const before = this.previous.get(feedId);
      const duration = now && before ? now.duration - before.duration : 0;
      levels.set(feedId, duration > 0 ? Math.sqrt(Math.max(0, now.energy - before.energy) / duration) : 0);
    }
    this.previous = new Map([...measured].filter(([, now]) => now));
    return levels;
  }

  // Apply one round of levels; true when who speaks, or the active speaker, changed.
  update(levels, now) {
    const before = JSON.stringify([[...this.speakingSince.keys()].sort(), this.active]);
    for (const feedId of [...this.loudAt.keys()]) if (!levels.has(feedId)) this.loudAt.delete(feedId);
    for (const [feedId, level] of levels) if (level > THRESHOLD) this.loudAt.set(feedId, now);
    for (const feedId of [...this.speakingSince.keys()]) {
      if (!this.loudAt.has(feedId) || now - this.loudAt.get(feedId) > HOLD_MS) this.speakingSince.delete(feedId);
    }
    for (const [feedId, at] of this.loudAt) if (now - at <= HOLD_MS && !this.speakingSince.has(feedId)) this.speakingSince.set(feedId, now);
    this.chooseActive(levels, now);
    return before !== JSON.stringify([[...this.speakingSince.keys()].sort(), this.active]);
  }

  chooseActive(levels, now) {
    const mine = new Set([...this.media.published.values()].map((published) => published.feedId));
    if (this.active !== null && !levels.has(this.active)) this.active = null;
    if (this.active !== null && this.isSpeaking(this.active)) return;
    let best = null;
    for (const [feedId, since] of this.speakingSince) {
      if (mine.has(feedId) || now - since < SWITCH_MS) continue;
      if (best === null || since < this.speakingSince.get(best)) best = feedId;
    }
    if (best !== null) this.active = best;
  }
}
