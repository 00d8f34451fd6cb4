// The room's WebSocket: keeps itself connected and keeps the state the server describes.
//
// - Sequence numbers (docs/live-protocol.md): an event with seq <= the last one applied is a
//   duplicate and ignored; one past a gap waits in a buffer, and if the missing one has not come
//   GAP_WAIT_MS later the client asks for a fresh snapshot with {"type": "sync"}.
// - A snapshot replaces the state (on connect, after sync, when what we may see changed).
// - Requests carry a `ref`; the server's ack resolves the promise, its error rejects it.
// - A dropped socket reconnects by itself with exponential backoff and jitter, except when the
//   server closed it for good (4401 no valid token, 4403 expelled).

import { apply, fromSnapshot, isKnownEvent, viewerOf } from "./reducer.js";

export const GAP_WAIT_MS = 1500;
const SYNC_WAIT_MS = 5000; // no snapshot this long after a sync: the socket is presumed dead
const REQUEST_TIMEOUT_MS = 15000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
const MAX_BUFFERED = 500;
// A socket refused at its handshake (the Origin check, a server that is down) closes as 1006 in a
// browser; the server accepts before closing with 4401/4403 so that those codes do arrive. After
// this many failed opens in a row the status says the connection is struggling.
const FAILED_OPENS_BEFORE_HINT = 3;
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_EXPELLED = 4403;

export class LiveRequestError extends Error {
  // `code` is the server's error code, or one of the client's own: "offline", "disconnected",
  // "timeout". `message` is the server's text (already in the user's language) when it sent one.
  constructor(code, message = "") {
    super(message || code);
    this.name = "LiveRequestError";
    this.code = code;
    this.serverMessage = message;
  }
}

export function liveUrl(location, token, path = "/ws/live/") {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}?t=${encodeURIComponent(token)}`;
}

export class LiveConnection {
  // onState(state, lastFrame): after every change of state. onEvent(frame, state): each event
  // applied, in order, with the state after it. onStatus(status): "connecting",
  // "connected", "reconnecting", "struggling" (reconnecting, and refused several times in a row),
  // "expelled", "unauthorised". onPresence(frame): the latest
  // presence frame (not sequenced). onError(frame): an error frame that answers no request.
  // onMediaQuality(frame): the server lowered the video this page receives. onPointer(frame): a
  // presentation's pointer moved (not sequenced).
  constructor(url, handlers = {}) {
    this.url = url;
    const ignore = () => {};
    this.handlers = { onState: ignore, onEvent: ignore, onStatus: ignore, onPresence: ignore, onError: ignore, onMediaQuality: ignore, onPointer: ignore, ...handlers };
    this.state = null;
    this.lastSeq = null;
    this.status = null;
    this.socket = null;
    this.buffer = new Map(); // seq -> frame, waiting for the ones before it
    this.gapTimer = null;
    this.syncRequested = false;
    this.awaitingSnapshot = true; // a new socket's first frame is its snapshot
    this.pending = new Map(); // ref -> {resolve, reject, timer}
    this.nextRef = 1;
    this.attempt = 0;
    this.failedOpens = 0;
    this.retryTimer = null;
    this.finished = false; // closed for good: expelled, bad token, or stopped
    this._onOnline = () => this._reconnectNow();
  }

  start() {
    window.addEventListener("online", this._onOnline);
    this._setStatus("connecting");
    this._open();
  }

  stop() {
    this._finish("stopped");
    this.socket?.close(1000);
  }

  request(type, data = {}) {
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN || this.awaitingSnapshot) {
        reject(new LiveRequestError(this.finished ? "disconnected" : "offline"));
        return;
      }
      const ref = this.nextRef;
      this.nextRef += 1;
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new LiveRequestError("timeout"));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(ref, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ type, data, ref }));
    });
  }

  // Give up on this socket as if the network had dropped it: the usual reconnect follows.
  // A dead line may never finish the closing handshake, so this does not wait for it.
  dropSocket() {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null; // its own close event, whenever it comes, is ignored
    socket.close(4000);
    this._closed(4000);
  }

  _open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.awaitingSnapshot = true;
    this.buffer.clear();
    this._clearGapTimer();
    this.syncRequested = false;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      this.failedOpens = 0;
    });
    socket.addEventListener("message", (message) => {
      if (socket === this.socket) this._receive(message.data);
    });
    socket.addEventListener("close", (close) => {
      if (socket !== this.socket) return;
      if (!opened) this.failedOpens += 1;
      this._closed(close.code);
    });
  }

  _receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      console.error("rostrum live: a frame that is not JSON", text);
      return;
    }
    switch (frame.type) {
      case "ack":
        this._settle(frame.ref, (request) => request.resolve(frame.data ?? {}));
        break;
      case "error":
        if (!this._settle(frame.ref, (request) => request.reject(new LiveRequestError(frame.code, frame.message)))) {
          this.handlers.onError(frame);
        }
        break;
      case "snapshot":
        this._takeSnapshot(frame);
        break;
      case "presence":
        this.handlers.onPresence(frame);
        break;
      case "media.quality": // the server lowered what this page receives (not sequenced)
        this.handlers.onMediaQuality(frame);
        break;
      case "presentation.pointer": // where the presenter points now (not sequenced, not kept)
        this.handlers.onPointer(frame);
        break;
      case "closed":
        if (frame.reason === "expelled") this._finish("expelled");
        break;
      default:
        if (Number.isInteger(frame.seq)) this._takeEvent(frame);
        else console.warn("rostrum live: a frame of unknown type", frame.type);
    }
  }

  _settle(ref, action) {
    const request = ref === null || ref === undefined ? undefined : this.pending.get(ref);
    if (!request) return false;
    this.pending.delete(ref);
    clearTimeout(request.timer);
    action(request);
    return true;
  }

  _takeSnapshot(frame) {
    this.state = fromSnapshot(frame);
    this.viewer = viewerOf(this.state); // as the server sees this connection until its next snapshot
    this.lastSeq = frame.seq;
    this.awaitingSnapshot = false;
    this.syncRequested = false;
    this.attempt = 0;
    this._setStatus("connected");
    this._drain(frame);
  }

  _takeEvent(frame) {
    if (this.awaitingSnapshot) {
      this.buffer.set(frame.seq, frame); // the server sends the snapshot first; this is belt and braces
      return;
    }
    if (frame.seq <= this.lastSeq) return; // a duplicate
    if (this.viewer && !this.viewer.isAdmitted) {
      // The lobby is sent no ticks (docs/live-protocol.md): take each event as the next one.
      this.buffer.clear();
      this.lastSeq = frame.seq - 1;
    }
    this.buffer.set(frame.seq, frame);
    this._drain(frame);
  }

  // Apply buffered events in order while the next one is there; wait on a gap.
  _drain(lastFrame) {
    for (const seq of [...this.buffer.keys()]) {
      if (seq <= this.lastSeq) this.buffer.delete(seq);
    }
    let changed = lastFrame.type === "snapshot";
    while (this.buffer.has(this.lastSeq + 1)) {
      changed = true;
      const frame = this.buffer.get(this.lastSeq + 1);
      this.buffer.delete(frame.seq);
      if (frame.type !== "tick" && !isKnownEvent(frame.type)) {
        console.warn("rostrum live: no reducer for", frame.type);
      }
      this.state = apply(this.state, frame, this.viewer);
      this.lastSeq = frame.seq;
      if (frame.type !== "tick") this.handlers.onEvent(frame, this.state);
    }
    if (this.buffer.size === 0) {
      this._clearGapTimer();
    } else if (this.buffer.size > MAX_BUFFERED) {
      this._requestSync();
    } else if (this.gapTimer === null) {
      this.gapTimer = setTimeout(() => this._gapTimedOut(), GAP_WAIT_MS);
    }
    if (changed) this.handlers.onState(this.state, lastFrame);
  }

  _gapTimedOut() {
    this.gapTimer = null;
    if (this.buffer.size === 0 || this.awaitingSnapshot) return;
    if (this.syncRequested) {
      this.dropSocket(); // asked and got no snapshot: start over on a new socket
      return;
    }
    this._requestSync();
  }

  _requestSync() {
    if (this.syncRequested || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.syncRequested = true;
    this.socket.send(JSON.stringify({ type: "sync" }));
    this._clearGapTimer();
    this.gapTimer = setTimeout(() => this._gapTimedOut(), SYNC_WAIT_MS);
  }

  _clearGapTimer() {
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  _closed(code) {
    this.socket = null;
    this._clearGapTimer();
    for (const [ref, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new LiveRequestError("disconnected"));
      this.pending.delete(ref);
    }
    if (code === CLOSE_EXPELLED) this._finish("expelled");
    if (code === CLOSE_UNAUTHORISED) this._finish("unauthorised");
    if (this.finished) return;
    this._setStatus(this.failedOpens >= FAILED_OPENS_BEFORE_HINT ? "struggling" : "reconnecting");
    // A random wait between half and all of an exponential step, so a room's clients do not all
    // come back at the same moment after a server restart.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt = Math.min(this.attempt + 1, 10);
    this.retryTimer = setTimeout(() => this._open(), delay);
  }

  _reconnectNow() {
    if (!this.finished && this.retryTimer !== null) this._open();
  }

  _finish(status) {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    window.removeEventListener("online", this._onOnline);
    this._setStatus(status);
  }

  _setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus(status);
  }
}
