// The live room's state: a snapshot from the server, changed by each event it sends.
//
// `apply(state, event)` is pure: it returns a new state and leaves its arguments alone. Each
// reducer mirrors one `@reduces` function on the server (rostrum/rooms/live_events.py,
// rostrum/engagement/live_events/*.py, rostrum/media/live_events.py); docs/live-protocol.md is the contract. The server's
// reducers take the connection's viewer, fixed when its snapshot was built (a change of role comes
// with a fresh snapshot); `viewerOf(snapshot)` is that viewer here.

export const RECENT_CHAT = 200; // engagement.constants.RECENT_CHAT_IN_SNAPSHOT

const ORGANISER_ROLES = new Set(["host", "presenter"]);

export function isOrganiser(role) {
  return ORGANISER_ROLES.has(role);
}

export function viewerOf(state) {
  return { participantId: state.me.id, isModerator: isOrganiser(state.me.role), isAdmitted: state.me.is_admitted };
}

// Python's datetime.fromisoformat keeps microseconds; Date.parse would drop them, and the
// strings do not sort as text ("10:00:00+00:00" vs "10:00:00.5+00:00"). Microseconds since 1970.
export function instant(iso) {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(.*)$/.exec(iso || "");
  if (!match) return Number.NaN;
  const micro = Number((match[2] || "").padEnd(6, "0"));
  return Date.parse(match[1] + (match[3] || "Z")) * 1000 + micro;
}

function byRaisedAtThenId(a, b) {
  return instant(a.raised_at) - instant(b.raised_at) || a.id - b.id;
}

// Replace the item with the same id, or insert it in id order (the server's put_question).
function putById(list, item) {
  for (let index = 0; index < list.length; index += 1) {
    if (list[index].id === item.id) {
      list[index] = item;
      return;
    }
    if (list[index].id > item.id) {
      list.splice(index, 0, item);
      return;
    }
  }
  list.push(item);
}

// Each reducer changes `state` (already a private copy) in place, as the server's do.
const REDUCERS = {
  // rooms/live_events.py
  "session.started"(state, data) {
    state.session.state = "live";
    if (data.admitted_waiting) {
      if ("lobby" in state) state.lobby = [];
      state.me.is_admitted = true;
    }
  },
  "session.ended"(state) {
    state.session.state = "ended";
  },
  "session.admission_changed"(state, data) {
    state.session.admits_automatically = data.automatic;
  },
  "lobby.waiting"(state, data) {
    if ("lobby" in state && state.lobby.every((p) => p.id !== data.id)) state.lobby.push(data);
  },
  "lobby.admitted"(state, data) {
    if ("lobby" in state) state.lobby = state.lobby.filter((p) => !data.participant_ids.includes(p.id));
    if (data.participant_ids.includes(state.me.id)) state.me.is_admitted = true;
  },
  "participant.role_changed"(state, data) {
    if (state.me.id === data.id) state.me.role = data.role;
    for (const key of ["chat", "questions"]) {
      for (const item of state[key] || []) {
        if (item.author && item.author.id === data.id) item.author.role = data.role;
      }
    }
  },

  // engagement/live_events/chat.py
  "chat.posted"(state, data) {
    putById(state.chat, unwrap(data, "message"));
    if (state.chat.length > RECENT_CHAT) state.chat.splice(0, state.chat.length - RECENT_CHAT);
  },
  "chat.deleted"(state, data) {
    state.chat = state.chat.filter((m) => m.id !== data.id);
  },
  "media.screens"(state, data) {
    state.media.several_screens = data.several;
  },
  "chat.locked"(state, data) {
    state.session.chat_locked = data.locked;
  },
  "chat.files_allowed"(state, data) {
    state.chat_files_allowed = data.allowed;
  },
  "participant.chat_muted"(state, data) {
    if (state.me.id === data.id) state.me.is_chat_muted = data.muted;
  },
  "participant.expelled"(state, data) {
    for (const key of ["lobby", "hands"]) {
      if (Array.isArray(state[key])) state[key] = state[key].filter((p) => p.id !== data.id);
    }
  },

  // engagement/live_events/qa.py
  "qa.asked"(state, data) {
    putById(state.questions, unwrap(data, "question"));
  },
  "qa.answered"(state, data) {
    putById(state.questions, unwrap(data, "question"));
  },
  "qa.dismissed"(state, data, viewer) {
    // Organisers and the author keep the question, marked dismissed; for anyone else it is gone.
    const index = state.questions.findIndex((q) => q.id === data.id);
    if (index === -1) return;
    const question = state.questions[index];
    if (viewer.isModerator || question.author.id === viewer.participantId) question.state = "dismissed";
    else state.questions.splice(index, 1);
  },

  // engagement/live_events/polls.py. A poll in an event goes to many people, so it carries no
  // one's own `my_vote` (set by `poll.voted`, to the voter alone) nor the organisers' `texts`.
  "poll.created"(state, data, viewer) {
    putPoll(state, unwrap(data, "poll"), viewer);
  },
  "poll.launched"(state, data, viewer) {
    putPoll(state, unwrap(data, "poll"), viewer);
  },
  "poll.closed"(state, data, viewer) {
    putPoll(state, unwrap(data, "poll"), viewer);
  },
  "poll.results"(state, data) {
    // The counts are absolute, so the latest wins.
    const poll = state.polls.find((p) => p.id === data.id);
    if (!poll) return;
    poll.options = data.options;
    poll.ballots = data.ballots;
  },
  "poll.text_added"(state, data, viewer) {
    const poll = state.polls.find((p) => p.id === data.id);
    if (poll && viewer.isModerator) (poll.texts ??= []).push(data.text);
  },
  "poll.voted"(state, data) {
    const poll = state.polls.find((p) => p.id === data.poll_id);
    if (poll) poll.my_vote = { option_ids: data.option_ids, text: data.text };
  },

  // engagement/live_events/hands.py
  "hand.raised"(state, data, viewer) {
    if (viewer.isModerator && state.hands.every((h) => h.id !== data.id)) {
      state.hands.push(data);
      state.hands.sort(byRaisedAtThenId);
    }
    if (state.me.id === data.id) state.my_hand.raised = true;
  },
  "hand.lowered"(state, data) {
    state.hands = state.hands.filter((h) => h.id !== data.id);
    if (state.me.id === data.id) state.my_hand.raised = false;
  },
  "hands.cleared"(state) {
    state.hands = [];
    state.my_hand.raised = false;
  },

  // engagement/live_events/cta.py
  "cta.shown"(state, data, viewer) {
    state.cta = { ...data.cta };
    if (viewer.isModerator) state.cta.clicks = 0; // a new one has no clicks yet
  },
  "cta.hidden"(state, data) {
    if (state.cta && state.cta.id === data.id) state.cta = null;
  },
  "cta.clicks"(state, data) {
    if (state.cta && state.cta.id === data.id) state.cta.clicks = data.clicks;
  },

  // engagement/live_events/presentations.py
  "presentation.opened"(state, data) {
    state.presentation = data.presentation;
  },
  "presentation.closed"(state, data) {
    if (state.presentation?.id === data.id) state.presentation = null;
  },
  "presentation.page_changed"(state, data) {
    const shown = state.presentation;
    if (shown?.id !== data.id) return;
    shown.page = data.page;
    shown.strokes = data.strokes;
  },
  "presentation.control_changed"(state, data) {
    if (state.presentation?.id === data.id) state.presentation.controller = data.controller;
  },
  "presentation.downloads_changed"(state, data) {
    const shown = state.presentation;
    if (shown?.id !== data.id) return;
    shown.downloads_allowed = data.downloads_allowed;
    shown.download_url = data.download_url;
  },
  "presentation.stroke_added"(state, data) {
    const shown = state.presentation;
    if (shown?.id === data.id && data.stroke.page === shown.page) putById(shown.strokes, data.stroke);
  },
  "presentation.page_cleared"(state, data) {
    const shown = state.presentation;
    if (shown?.id === data.id && data.page === shown.page) shown.strokes = [];
  },

  // videoshare/live_events.py
  "video.opened"(state, data) {
    state.video = data.video;
  },
  "video.state"(state, data) {
    if (state.video?.id !== data.id) return;
    for (const field of ["playing", "position", "position_at", "rate", "now"]) state.video[field] = data[field];
  },
  "video.closed"(state, data) {
    if (state.video?.id === data.id) state.video = null;
  },
  "video.control_changed"(state, data) {
    if (state.video?.id === data.id) state.video.controller = data.controller;
  },
  // whiteboard/live_events.py
  "whiteboard.shown"(state, data) {
    state.whiteboard = data.whiteboard;
  },
  "whiteboard.hidden"(state, data) {
    if (state.whiteboard?.id === data.id) state.whiteboard = null;
  },
  "whiteboard.permission_changed"(state, data) {
    if (state.whiteboard?.id === data.id) state.whiteboard.everyone_may_draw = data.everyone_may_draw;
  },
  "whiteboard.item_added"(state, data, viewer) {
    if (state.whiteboard?.id === data.id) putById(state.whiteboard.items, data.item);
    if (data.item.author_id === viewer.participantId) state.my_whiteboard.redo_count = 0; // adding empties the adder's redo stack
  },
  "whiteboard.items_removed"(state, data, viewer) {
    const board = state.whiteboard;
    if (board?.id !== data.id) return;
    if (data.reason === "undone") {
      // An undo takes its author's own item onto their redo stack.
      const mine = board.items.filter((item) => data.ids.includes(item.id) && item.author_id === viewer.participantId);
      state.my_whiteboard.redo_count += mine.length;
    }
    board.items = board.items.filter((item) => !data.ids.includes(item.id));
  },
  "whiteboard.item_redone"(state, data, viewer) {
    if (state.whiteboard?.id === data.id) putById(state.whiteboard.items, data.item); // a copy, with an id of its own
    const mine = state.my_whiteboard;
    if (data.item.author_id === viewer.participantId) mine.redo_count = Math.max(0, mine.redo_count - 1);
  },
  "whiteboard.cleared"(state, data) {
    if (state.whiteboard?.id === data.id) state.whiteboard.items = [];
    state.my_whiteboard.redo_count = 0; // clearing empties every drawer's redo stack
  },

  // media/live_events.py
  "media.published"(state, data) {
    const feeds = state.media.feeds.filter((feed) => feed.feed_id !== data.feed_id);
    state.media.feeds = [...feeds, data].sort((a, b) => a.feed_id - b.feed_id);
  },
  "media.unpublished"(state, data) {
    state.media.feeds = state.media.feeds.filter((feed) => feed.feed_id !== data.feed_id);
  },
  "media.blocked"(state, data) {
    state.media.feeds = state.media.feeds.map((feed) =>
      feed.participant_id === data.id ? { ...feed, mic_blocked: data.mic_blocked, camera_blocked: data.camera_blocked } : feed,
    );
    if (state.me.id === data.id) state.media.my_blocks = { mic: data.mic_blocked, camera: data.camera_blocked };
  },
  // recordings/live.py
  "recording.started"(state, data) {
    state.recording = { active: data.active, started_at: data.started_at };
  },
  "recording.stopped"(state, data) {
    state.recording = { active: data.active, started_at: data.started_at };
  },
  "floor.changed"(state, data) {
    const media = state.media;
    if ("floors" in media) {
      const floors = media.floors.filter((given) => given.id !== data.id);
      media.floors = (data.floor ? [...floors, data] : floors).sort((a, b) => a.id - b.id);
    }
    if (state.me.id === data.id) {
      media.my_floor = data.floor;
      media.may_publish = { audio: Boolean(data.floor), video: data.floor === "audio_video", screen: false };
    }
  },
};

// Update what everyone sees of a poll, keeping this viewer's own `my_vote` and `texts`.
function putPoll(state, data, viewer) {
  const poll = state.polls.find((p) => p.id === data.id);
  if (poll) {
    Object.assign(poll, data);
    return;
  }
  const added = { ...data, my_vote: null };
  if (viewer.isModerator && data.kind === "text") added.texts = [];
  putById(state.polls, added);
}

// Events name their object (`{message}`, `{question}`, `{poll}` in docs/live-protocol.md); the
// chat's server sends the message itself as `data`. Either form is read.
export function unwrap(data, key) {
  return data && typeof data[key] === "object" && data[key] !== null ? data[key] : data;
}

// Parts a server without that topic yet does not send; the client still works without them.
function withDefaults(state) {
  state.chat ??= [];
  state.chat_files_allowed ??= false;
  state.questions ??= [];
  state.polls ??= [];
  state.hands ??= [];
  state.my_hand ??= { raised: false };
  if (!("cta" in state)) state.cta = null;
  if (!("presentation" in state)) state.presentation = null;
  if (!("video" in state)) state.video = null;
  if (!("whiteboard" in state)) state.whiteboard = null;
  state.my_whiteboard ??= { redo_count: 0 };
  state.recording ??= { active: false, started_at: null };
  return state;
}

export function fromSnapshot(snapshot) {
  const { type: _type, ...state } = snapshot;
  return withDefaults(structuredClone(state));
}

export function isKnownEvent(type) {
  return Object.hasOwn(REDUCERS, type);
}

// The state after `event` (a frame as sent: type, seq, data), as `viewer` sees it. Ticks, and
// events this client does not know yet, only move `seq`.
export function apply(state, event, viewer = viewerOf(state)) {
  const result = structuredClone(state);
  const reducer = REDUCERS[event.type];
  if (event.type !== "tick" && reducer) reducer(withDefaults(result), event.data ?? {}, viewer);
  result.seq = event.seq;
  return result;
}
