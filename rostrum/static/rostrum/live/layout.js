// The stage's layouts. "grid": every tile the same size. "speaker": one tile large (a pinned
// person, else the active speaker) and the others in a strip beside it (below it on a phone).
// A screen share is always the large tile, in either layout. The choice of layout is remembered
// (localStorage); a pin lasts as long as the page.

import { el, format, setText } from "./dom.js";

const STORAGE = "rostrum.layout";
const MODES = ["grid", "speaker"];

function storedMode() {
  try {
    const mode = window.localStorage.getItem(STORAGE);
    return MODES.includes(mode) ? mode : "grid";
  } catch {
    return "grid";
  }
}

export class Layout {
  constructor() {
    this.mode = storedMode();
    this.pinned = null; // a feed id
  }

  setMode(mode) {
    this.mode = mode;
    if (mode === "grid") this.pinned = null;
    try {
      window.localStorage.setItem(STORAGE, mode);
    } catch {
      // not remembered; it still applies on this page
    }
  }

  // Pin a tile (it goes large, in the speaker layout), or unpin the pinned one.
  togglePin(feedId) {
    if (this.pinned === feedId) this.pinned = null;
    else {
      this.pinned = feedId;
      if (this.mode !== "speaker") this.setMode("speaker");
    }
  }
}

// Which feed is shown large, if any.
export function mainFeed(feeds, { mode, pinned, active, myId }) {
  const screen = feeds.find((feed) => feed.kind === "screen");
  if (screen) return screen.feed_id;
  if (mode !== "speaker" || feeds.length < 2) return null;
  const present = (feedId) => feedId !== null && feeds.some((feed) => feed.feed_id === feedId);
  if (present(pinned)) return pinned;
  if (present(active)) return active;
  return (feeds.find((feed) => feed.participant_id !== myId) || feeds[0]).feed_id;
}

// The feeds in the order they are shown: the large one first, then screens, then cameras.
// (Called before the tiles are reconciled, renderLayout after.)
export function arrangeFeeds(room, feeds) {
  const { layout, speaking, state } = room;
  // A tile that moves to the front is taken out and put back: it would lose the keyboard focus.
  const focused = document.activeElement;
  layout.focused = document.getElementById("live-feeds").contains(focused) ? focused : null;
  const main = mainFeed(feeds, { mode: layout.mode, pinned: layout.pinned, active: speaking.active, myId: state.me.id });
  const rank = (feed) => (feed.feed_id === main ? 0 : feed.kind === "screen" ? 1 : 2);
  return { main, feeds: [...feeds].sort((a, b) => rank(a) - rank(b)) };
}

// The parts of a tile this module adds: the pin button and the speaking mark.
export function decorateTile(room, node, feed) {
  // Next to the name (whose text media.js sets), read with it.
  node.querySelector(".live-feed-name").after(el("p", { className: "visually-hidden live-feed-speaking" }));
  node.prepend(
    el("button", {
      type: "button",
      className: "secondary live-small live-feed-pin",
      "aria-pressed": "false",
      onclick: () => {
        room.layout.togglePin(feed.feed_id);
        room.render();
      },
    }),
  );
  return node;
}

export function updateLayoutTile(room, node, feed, main) {
  const { strings, layout, speaking } = room;
  const speaks = speaking.isSpeaking(feed.feed_id);
  node.classList.toggle("is-speaking", speaks);
  node.classList.toggle("is-main", feed.feed_id === main);
  // Read with the tile's name; not a live region, so no announcement each time someone talks.
  setText(node.querySelector(".live-feed-speaking"), speaks ? strings.speaking : "");
  const pin = node.querySelector(".live-feed-pin");
  const pinned = layout.pinned === feed.feed_id;
  setText(pin, strings.pin);
  pin.setAttribute("aria-pressed", String(pinned));
  pin.setAttribute("aria-label", format(strings.pin_label, { name: feed.name }));
  pin.hidden = feed.kind === "screen" || room.state.media.feeds.length < 2;
}

export function renderLayout(room, main, count) {
  const feeds = document.getElementById("live-feeds");
  const { focused } = room.layout;
  if (focused?.isConnected && document.activeElement !== focused) focused.focus();
  feeds.dataset.layout = main === null ? "grid" : "speaker";
  feeds.style.setProperty("--live-strip", String(Math.max(count - 1, 1)));
  for (const button of document.querySelectorAll("#live-layout [data-layout]")) {
    button.setAttribute("aria-pressed", String(button.dataset.layout === room.layout.mode));
  }
  document.getElementById("live-layout").hidden = count === 0;
}

export function setUpLayout(room) {
  for (const button of document.querySelectorAll("#live-layout [data-layout]")) {
    button.addEventListener("click", () => {
      room.layout.setMode(button.dataset.layout);
      room.render();
    });
  }
}
